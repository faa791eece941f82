"""The plan as data: per page what a sync would write, and why, per meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from syncer.merge import (
    ADDED,
    CONFLICT,
    EDITED,
    KEPT,
    LABELS,
    UNCHANGED,
    UNMANAGED,
    UPCOMING,
    UPDATED,
    MergeResult,
)
from syncer.model import Meeting
from syncer.page_view import PageView
from syncer.parse import DateWarning
from syncer.stores.base import Page

ORDER = (ADDED, UPDATED, CONFLICT, EDITED, UNMANAGED, UPCOMING, UNCHANGED, KEPT)


@dataclass(frozen=True)
class PagePlan:
    """What a sync would do to one page: its current state and the merge result."""

    title: str
    current: Page | None
    merge: MergeResult
    meetings: tuple[Meeting, ...] = ()
    revision: str | None = None
    upcoming: tuple[dt.date, ...] = ()
    view: PageView | None = None  # the page as parsed for the merge; None if not compared

    @property
    def action(self) -> str:
        if self.merge.blocked:
            return "blocked"
        if not self.merge.changed:
            return "none"
        return "create" if self.current is None else "update"

    def problems(self) -> list[str]:
        """Why nothing is written to this page, one line each."""
        return [f"{self.title}: {reason}" for reason in self.merge.blocked]

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
    """Every page a run touches, what the source left out on purpose, and the headings that
    look like dates but were not read as dates (``warnings``)."""

    source: str
    pages: tuple[PagePlan, ...]
    omitted: tuple[str, ...] = ()
    warnings: tuple[DateWarning, ...] = ()

    def with_pages(self, pages: Iterable[PagePlan]) -> Plan:
        return replace(self, pages=tuple(pages))

    def listed(self, status: str) -> list[tuple[str, str]]:
        """(page title, date) of every meeting with this status."""
        return [(page.title, date) for page in self.pages for date in page.dates(status)]

    def count(self, status: str) -> int:
        return sum(page.count(status) for page in self.pages)

    def problems(self) -> list[str]:
        """Why pages are not written: a run that has any fails."""
        return [problem for page in self.pages for problem in page.problems()]

    def notes(self) -> list[str]:
        """What a run must say before it writes: comments that lose their place."""
        return [f"{page.title}: {note}" for page in self.pages for note in page.merge.notes]


@dataclass(frozen=True)
class ConflictView:
    """A conflict in three versions: as last synced (``base``, None when that page version is
    gone), as the doc has it now, and as the page has it now (empty if removed there)."""

    title: str
    date: dt.date
    base_version: int | None
    base: str | None
    doc: str
    page: str


def counts(page: PagePlan) -> str:
    """``1 added, 3 unchanged``: the statuses of a page's meetings."""
    return ", ".join(f"{page.count(s)} {LABELS[s]}" for s in ORDER if page.count(s))
