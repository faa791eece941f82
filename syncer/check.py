"""``syncer check``: each thing a sync needs, tried read-only, one line each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from syncer.connect import Source
from syncer.errors import SyncerError
from syncer.parse import parse_document
from syncer.settings import Settings
from syncer.stores.base import PageStore

YEARS_BACK = 5

Check = tuple[bool, str]


def run_checks(
    settings: Settings, source: Source, store: PageStore, today: dt.date
) -> Iterator[Check]:
    """Yields (passed, line); a failed check does not stop the ones after it."""
    yield True, "config: valid"
    yield _try(lambda: _source_line(settings, source))
    yield _try(lambda: _page_line(settings, store, today))


def _try(check: Callable[[], str]) -> Check:
    try:
        return True, check()
    except SyncerError as error:
        return False, str(error)


def _source_line(settings: Settings, source: Source) -> str:
    document = source.read()
    meetings = parse_document(document, settings.parse)
    newest = max((m.date for m in meetings), default=None)
    latest = f", newest {newest.isoformat()}" if newest else ""
    return f"source: {source.name}: {len(meetings)} meetings in {len(document.tabs)} tabs{latest}"


def _page_line(settings: Settings, store: PageStore, today: dt.date) -> str:
    """The current year's page, or the newest one that exists."""
    space = getattr(store, "check_space", None)
    prefix = f"{space()}; " if space else ""
    titles = [settings.page_title(today.year - back) for back in range(YEARS_BACK + 1)]
    for title in dict.fromkeys(titles):
        page = store.find(title)
        if page is not None:
            state = "synced before" if page.state.meetings else "not synced yet"
            return f"target: {prefix}page '{title}' at version {page.version} ({state})"
    return f"target: {prefix}no page '{titles[0]}' yet; the first sync creates it"
