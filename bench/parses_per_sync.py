"""How often one `syncer sync` parses storage XHTML, per page: each page should be read once.

Syncs a doc of 50 weekly meetings into a `file:` archive with a topic index, then changes one
meeting in the doc and syncs again, counting every lxml parse of storage format (the page, the
rendered sections, the bodies the index reads) and every page view built. No network.

    python bench/parses_per_sync.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from syncer import page_view, xhtml  # noqa: E402
from syncer.model import BOLD, Document, ListItem, Paragraph, Tab, Text  # noqa: E402
from syncer.planner import Planner  # noqa: E402
from syncer.stores.local import LocalPageStore  # noqa: E402
from syncer.sync import apply_plan, changed_bodies, refresh_index  # noqa: E402
from tests.helpers import load_config  # noqa: E402

MEETINGS = 50
counts = {"parses": 0, "views": 0}


def counted(function, key):
    def wrapper(*args, **kwargs):
        counts[key] += 1
        return function(*args, **kwargs)

    return wrapper


def notes(change: str = "") -> Document:
    blocks: list = []
    for week in range(MEETINGS):
        date = dt.date(2023, 1, 4) + dt.timedelta(weeks=week)
        blocks.append(Paragraph((Text(date.isoformat()),), 2))
        for topic in range(4):
            last = change if week == MEETINGS - 1 and topic == 0 else ""
            blocks.append(ListItem((Text(f"[inform] (Kelly) topic {topic} of {date}{last}"),)))
            blocks.append(ListItem((Text("a note with "), Text("bold", frozenset({BOLD}))), 1))
    return Document((Tab("Notes", tuple(blocks)),))


def sync(planner: Planner, store: LocalPageStore, settings, document: Document) -> list:
    plan = planner.plan(document, "notes")
    written = apply_plan(plan, planner)
    refresh_index(store, settings, changed_bodies(written))
    return [d.status for page in plan.pages for d in page.merge.decisions]


def main() -> None:
    xhtml.parse_fragment = counted(xhtml.parse_fragment, "parses")
    for name, holder in list(sys.modules.items()):  # every module that imported it by name
        if name.startswith("syncer.") and hasattr(holder, "parse_fragment"):
            holder.parse_fragment = xhtml.parse_fragment
    page_view.PageView.__post_init__ = counted(page_view.PageView.__post_init__, "views")
    with tempfile.TemporaryDirectory() as tmp:
        extra = '[meetings]\ninclude_upcoming = true\n[index]\ntitle = "Arch Hours: index"\n'
        settings = load_config(Path(tmp), extra=extra)
        store = LocalPageStore(settings.target.path)
        planner = Planner(settings.publishing, store)
        sync(planner, store, settings, notes())
        counts.update(parses=0, views=0)
        statuses = sync(planner, store, settings, notes(" (changed)"))
    print(f"a page of {MEETINGS} meetings, one changed in the doc, with a topic index:")
    print(
        f"  meetings updated: {statuses.count('updated')}, unchanged: {statuses.count('unchanged')}"
    )
    print(f"  storage parses: {counts['parses']}, page views built: {counts['views']}")


if __name__ == "__main__":
    main()
