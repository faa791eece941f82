"""The plan as data: per page what a sync would write, and why, per meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from syncer.merge import MergeResult
from syncer.model import Attachment, Meeting
from syncer.page_view import PageView
from syncer.parse import DateWarning
from syncer.status import PageAction, Status
from syncer.stores.base import Page


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
    attachments: tuple[Attachment, ...] = ()  # the files its meetings' images are, if compared

    @property
    def action(self) -> PageAction:
        if self.merge.blocked:
            return PageAction.BLOCKED
        if not self.merge.changed:
            return PageAction.NONE
        return PageAction.CREATE if self.current is None else PageAction.UPDATE

    def problems(self) -> list[str]:
        """Why nothing is written to this page, one line each."""
        return [f"{self.title}: {reason}" for reason in self.merge.blocked]

    def count(self, status: Status) -> int:
        return sum(1 for decision in self.merge.decisions if decision.status == status)

    def dates(self, status: Status) -> list[str]:
        return [d.date.isoformat() for d in self.merge.decisions if d.status == status]

    def version_message(self) -> str:
        """Says what changed, e.g. ``notes sync: added 2023-12-20; updated 2023-12-13``."""
        parts = [
            f"{status} {', '.join(self.dates(status))}"
            for status in (Status.ADDED, Status.UPDATED)
            if self.dates(status)
        ]
        return "notes sync: " + "; ".join(parts)


@dataclass(frozen=True)
class Plan:
    """Every page a run touches, what the source left out on purpose, the headings that look
    like dates but were not read as dates (``warnings``), and whether its edits are minor
    ones that notify nobody (``minor``; False where there is no one to notify either)."""

    source: str
    pages: tuple[PagePlan, ...]
    omitted: tuple[str, ...] = ()
    warnings: tuple[DateWarning, ...] = ()
    minor: bool = False
    names: Mapping[str, str] = field(default_factory=dict)  # user → name, for the previews

    def with_pages(self, pages: Iterable[PagePlan]) -> Plan:
        return replace(self, pages=tuple(pages))

    def listed(self, status: Status) -> list[tuple[str, str]]:
        """(page title, date) of every meeting with this status."""
        return [(page.title, date) for page in self.pages for date in page.dates(status)]

    def count(self, status: Status) -> int:
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
    return ", ".join(f"{page.count(s)} {s.label}" for s in Status if page.count(s))


Outcomes = list[tuple[PagePlan, Page | None]]  # each page planned, and what was saved of it


def changed_pages(written: Outcomes) -> list[Page]:
    """The pages a run edited (not those where it only recorded sync state)."""
    return [saved for page, saved in written if saved is not None and page.merge.changed]
