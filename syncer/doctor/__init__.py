"""``syncer check``, the doctor: everything a sync needs, tried read-only, one line each.

A failing line says what is wrong and what to do; a check that needs one that failed is
reported as skipped, with the reason; a question the services do not answer is reported as
unknown rather than guessed. Each probe is one read-only call through the same adapters a
sync uses, so a check passes exactly when the sync's own call would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from syncer.doctor.local import (
    config_text,
    file_source_checks,
    folder_checks,
    page_titles,
    version_text,
)
from syncer.doctor.steps import Clock, Outcome, Result, utc_now
from syncer.settings import FolderSettings, GoogleSettings, Settings
from syncer.source import Source
from syncer.stores.base import PageStore

__all__ = ["Clock", "Outcome", "Result", "run_checks", "utc_now"]


def run_checks(
    config: Path, settings: Settings, source: Source, store: PageStore, clock: Clock = utc_now
) -> Iterator[Result]:
    """Every check in order, each yielded as soon as it has run. ``source`` and ``store`` are
    what ``connect`` opened for these same settings."""
    yield Result(Outcome.OK, "version", version_text())
    yield Result(Outcome.OK, "config", config_text(config, settings))
    if isinstance(settings.source, GoogleSettings):
        from syncer.doctor.google import google_checks

        meetings = yield from google_checks(settings, source, clock)
    else:
        meetings = yield from file_source_checks(settings, source)
    titles = page_titles(settings, meetings, clock)
    if isinstance(settings.target, FolderSettings):
        yield from folder_checks(settings.target.path, store, titles)
    else:
        from syncer.doctor.confluence import confluence_checks

        yield from confluence_checks(settings, settings.target, store, titles, clock)
