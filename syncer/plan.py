"""The plan as data, and its three views: a summary, a Markdown diff, and JSON."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup
from markdownify import markdownify

from syncer.merge import ADDED, CONFLICT, KEPT, UNCHANGED, UPDATED, MergeResult
from syncer.model import Meeting
from syncer.stores.base import Page

_ORDER = (ADDED, UPDATED, CONFLICT, UNCHANGED, KEPT)


@dataclass(frozen=True)
class PagePlan:
    """What a sync would do to one page: its current state and the merge result."""

    title: str
    current: Page | None
    merge: MergeResult
    meetings: tuple[Meeting, ...] = ()
    revision: str | None = None

    @property
    def action(self) -> str:
        if self.current is None:
            return "create"
        return "update" if self.merge.changed else "none"

    def count(self, status: str) -> int:
        return sum(1 for decision in self.merge.decisions if decision.status == status)

    def dates(self, status: str) -> list[str]:
        return [d.date.isoformat() for d in self.merge.decisions if d.status == status]

    def version_message(self) -> str:
        """Says what changed, e.g. ``notes sync: added 2023-12-20; updated 2023-12-13``."""
        parts = [
            f"{status} {', '.join(self.dates(status))}"
            for status in (ADDED, UPDATED)
            if self.dates(status)
        ]
        return "notes sync: " + "; ".join(parts)


@dataclass(frozen=True)
class Plan:
    """Every page a run touches, and what the source left out on purpose."""

    source: str
    pages: tuple[PagePlan, ...]
    omitted: tuple[str, ...] = ()

    @property
    def conflicts(self) -> list[tuple[str, str]]:
        return [(page.title, date) for page in self.pages for date in page.dates(CONFLICT)]


def summary_lines(plan: Plan) -> Iterable[str]:
    """One line per page, then one per meeting that is not simply kept or unchanged."""
    if not plan.pages:
        yield f"{plan.source}: no dated meetings found; nothing to write"
    for page in plan.pages:
        counts = ", ".join(f"{page.count(s)} {s}" for s in _ORDER if page.count(s))
        yield f"{page.title}: {page.action} ({counts})"
        for status in (ADDED, UPDATED, CONFLICT):
            for date in page.dates(status):
                yield f"  {status:<9} {date}"
    for note in plan.omitted:
        yield f"note: {note}"


def diff_lines(plan: Plan, colour: bool = False) -> Iterable[str]:
    """A unified diff, per page that would change, of the page read as Markdown."""
    for page in plan.pages:
        if page.action == "none":
            continue
        before = storage_markdown(page.current.body) if page.current else ""
        after = storage_markdown(page.merge.body)
        label = f"{page.title} (version {page.current.version})" if page.current else "/dev/null"
        lines = difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            label,
            f"{page.title} (after sync)",
            n=2,
            lineterm="",
        )
        yield from (_colour(line) if colour else line for line in lines)


def plan_json(plan: Plan) -> str:
    """The plan for scripts: pages, actions, per-meeting decisions, notes."""
    return json.dumps(
        {
            "source": plan.source,
            "pages": [
                {
                    "title": page.title,
                    "action": page.action,
                    "version": page.current.version if page.current else None,
                    "message": page.version_message() if page.action != "none" else None,
                    "meetings": [
                        {"date": d.date.isoformat(), "status": d.status}
                        for d in page.merge.decisions
                    ],
                }
                for page in plan.pages
            ],
            "omitted": list(plan.omitted),
        },
        indent=2,
    )


def storage_markdown(body: str) -> str:
    """Storage format as Markdown a person can read; lozenges show as ``[QUEST]``."""
    soup = BeautifulSoup(body, "html.parser")
    for macro in soup.find_all("ac:structured-macro"):
        title = macro.find("ac:parameter", attrs={"ac:name": "title"})
        name = macro.get("ac:name", "macro")
        shown = title.get_text() if name == "status" and title else name
        macro.replace_with(f"[{shown}]")
    for time in soup.find_all("time"):
        time.replace_with(time.get("datetime", ""))
    return markdownify(str(soup), heading_style="ATX", bullets="*").strip()


_COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}


def _colour(line: str) -> str:
    code = _COLOURS.get(line[:1])
    return f"{code}{line}\033[0m" if code else line
