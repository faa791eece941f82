"""Rendered meetings + an archive page → the new body and a decision per meeting.

The page holds dated sections wherever people put them (``page_view``), among content that
is not ours. Only sections of meetings in the doc are touched; everything else is kept as the
same raw text. Whether a section may be replaced is a three-way question, answered per meeting
from the state kept with the page (what we wrote last time), the page now and the doc now,
comparing what a reader sees (``reading``), never markup:

- the page section is as we left it: it follows the doc (``updated`` or ``unchanged``);
- a person edited it and the doc did not change since: their edit stays (``edited``);
- both changed: ``conflict``, the page's version stays until forced;
- we never wrote it (hand-made history): adopted when identical, else ``unmanaged`` and kept.

A task's tick is the page's (``tasks``): a section rendered anew keeps every status the page
gave its tasks, and a task the doc ticked since the last sync is ticked on the page too.

Where a section cannot be replaced or placed without harming what is around it, nothing is
written to the page, and the result says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from syncer.comments import Comment, anchored, comments_in
from syncer.fingerprint import FORM, FORMS, meeting_fingerprint
from syncer.model import Meeting
from syncer.page_view import PageView, Section
from syncer.reading import PAGE_FORM, reader_form, section_hash
from syncer.state import SectionRecord
from syncer.status import Status
from syncer.tasks import as_ticked, has_tasks, keep_ticks, status_of, status_text, ticked
from syncer.xhtml import Node, copied, digest, parse_fragment, storage_text


@dataclass(frozen=True)
class Force:
    """The meetings whose doc version may replace what the page has (``--force``)."""

    dates: frozenset[dt.date] = frozenset()
    everything: bool = False

    @classmethod
    def of(cls, values: Iterable[str]) -> Force:
        """From ``--force`` values: ISO dates, or ``all``."""
        values = list(values)
        dates = frozenset(dt.date.fromisoformat(v) for v in values if v != "all")
        return cls(dates, "all" in values)

    def __contains__(self, date: dt.date) -> bool:
        return self.everything or date in self.dates

    def __bool__(self) -> bool:
        return self.everything or bool(self.dates)


@dataclass(frozen=True)
class Rendered:
    """A meeting ready to merge: its storage section, rendered at the heading level the page
    gives it, and the fingerprint of its doc content in each form (``fingerprint.FORMS``)."""

    section: str
    doc: Mapping[int, str]

    @classmethod
    def of(cls, section: str, meeting: Meeting) -> Rendered:
        return cls(section, {form: meeting_fingerprint(meeting, form) for form in FORMS})


@dataclass(frozen=True)
class Decision:
    date: dt.date
    status: Status
    reason: str = ""


@dataclass(frozen=True)
class Clash:
    """Both sides of a conflict as a reader sees them now: the page's section and the doc's."""

    page: str
    doc: str


@dataclass(frozen=True)
class MergeResult:
    """The new body, what happened to each meeting (newest first), the state to store, what
    the plan must say before anything is written (``notes``), and why nothing may be written
    to the page at all (``blocked``; then the body is the page's as it was)."""

    body: str
    decisions: tuple[Decision, ...]
    state: Mapping[str, SectionRecord] = field(default_factory=dict)
    clashes: Mapping[dt.date, Clash] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return not self.blocked and any(d.status.writes for d in self.decisions)

    @property
    def settled(self) -> bool:
        """Whether every meeting follows the doc: only then may the doc revision be recorded
        as synced, so a run that skips unchanged revisions never hides a kept section."""
        return not self.blocked and not any(d.status.unsettled for d in self.decisions)


def merge_page(
    page: PageView | str,
    rendered: Mapping[dt.date, Rendered],
    state: Mapping[str, SectionRecord],
    *,
    force: Force = Force(),
    day_first: bool = False,
    version: int = 1,
    as_written: frozenset[dt.date] = frozenset(),
) -> MergeResult:
    """Replace, insert or keep each dated section; an unchanged page keeps the same string.

    ``version`` is the page version the new body would be saved as, recorded with each
    section written; a section adopted as it stands is held by the version before it.
    ``as_written``: meetings whose section is known to read as notes-sync wrote it although
    its hash, of an older form, differs (the page version that held it says so)."""
    view = page if isinstance(page, PageView) else PageView(page, day_first)
    merger = _Merger(view, rendered, state, force, version, as_written)
    merger.run()
    return merger.result()


class _Merger:
    """One merge: the decisions, edits and state it gathers as it goes over the meetings."""

    def __init__(
        self,
        view: PageView,
        rendered: Mapping[dt.date, Rendered],
        state: Mapping[str, SectionRecord],
        force: Force,
        version: int,
        as_written: frozenset[dt.date],
    ) -> None:
        self.view, self.rendered, self.state = view, rendered, state
        self.force, self.version, self.as_written = force, version, as_written
        self.nodes = _parsed(rendered)
        self.ticked = {date: ticked(nodes) for date, nodes in self.nodes.items()}  # in the doc
        self.new_state = dict(state)
        self.decided: dict[dt.date, Decision] = {}
        self.clashes: dict[dt.date, Clash] = {}
        self.edits: list[tuple[int, int, str]] = []
        self.notes: list[str] = []
        self.blocked: list[str] = []

    def run(self) -> None:
        for section in self.view.sections:
            if section.date not in self.decided:
                self._on_page(section)
        for date in sorted((d for d in self.rendered if d not in self.decided), reverse=True):
            self._missing(date)

    def result(self) -> MergeResult:
        decisions = tuple(self.decided[d] for d in sorted(self.decided, reverse=True))
        if self.blocked or not self.edits:
            state = self.state if self.blocked else self.new_state
            return MergeResult(
                self.view.body, decisions, state, self.clashes, (), tuple(self.blocked)
            )
        body = self.view.spliced(self.edits)
        return MergeResult(body, decisions, self.new_state, self.clashes, tuple(self.notes))

    def _on_page(self, section: Section) -> None:
        date = section.date
        if date not in self.rendered:
            self.decided[date] = Decision(date, Status.KEPT, "not in the doc")
            return
        wanted, nodes = self.rendered[date], self.nodes[date]
        target = reader_form(nodes)
        ours = self.state.get(date.isoformat())
        # The page's ticks go into the render; a tick the doc adds is news to the page.
        news = keep_ticks(section.nodes, nodes, ours.ticked if ours else frozenset())
        status, reason = self._decide(section, target, wanted)
        if status == Status.EDITED and news:
            self._tick_in_place(news)
            self._learn_ticks(date)
            reason = "a task was ticked in the doc; the page's edits kept"
            self.decided[date] = Decision(date, Status.UPDATED, reason)
            return
        if status == Status.UNCHANGED and news:
            status, reason = Status.UPDATED, "a task was ticked in the doc"
        self.decided[date] = Decision(date, status, reason)
        if status == Status.UPDATED:
            self._replace(section, nodes, wanted, target)
        elif status == Status.UNCHANGED and not self._recorded(section, wanted):
            self.new_state[date.isoformat()] = self._written(date, target, wanted, self.version - 1)
        elif status == Status.CONFLICT:
            self.clashes[date] = Clash(self.view.reader_form(section), target)
        if status in (Status.UNCHANGED, Status.EDITED):
            self._learn_ticks(date)

    def _learn_ticks(self, date: dt.date) -> None:
        """Keep what the doc ticks now for a meeting it agrees with, or that someone edited,
        whether or not anything is written: a tick the doc shows at one sync is not news at
        the next (so a person's untick stays), and one it takes off and puts back is. The
        record still holds what we wrote."""
        record = self.new_state.get(date.isoformat())
        if record and record.ticked != self.ticked[date]:
            self.new_state[date.isoformat()] = dataclasses.replace(record, ticked=self.ticked[date])

    def _tick_in_place(self, news: list[tuple[Node, bool]]) -> None:
        """Tick the doc's newly ticked tasks on a section someone edited, touching nothing
        but their status."""
        for task, done in news:
            status = status_of(task)
            if status is not None:
                span = self.view.span(status)
                self.edits.append((span.start, span.end, status_text(done)))

    def _decide(self, section: Section, target: str, wanted: Rendered) -> tuple[Status, str]:
        """The three-way decision for a meeting on the page and in the doc."""
        date, ours = section.date, self.state.get(section.date.isoformat())
        if self.view.reader_form(section) == target:
            adopted = "hand-made section matches: adopted"
            return Status.UNCHANGED, "page matches the doc" if ours else adopted
        if ours is None:
            if date in self.force:
                return Status.UPDATED, "forced over a hand-made section"
            return (
                Status.UNMANAGED,
                "hand-made section differs from the doc; --force DATE replaces it",
            )
        if date in self.as_written or self._as_we_wrote(section, ours):
            if _same_doc(ours, wanted):
                return Status.UPDATED, "rendered anew by this notes-sync release"
            return Status.UPDATED, "changed in the doc"
        if date in self.force:
            return Status.UPDATED, "forced over an edit made in Confluence"
        if _same_doc(ours, wanted):
            return Status.EDITED, "edited in Confluence, unchanged in the doc since the last sync"
        if ours.doc is None:
            return (
                Status.CONFLICT,
                "edited in Confluence; the doc may have changed (older sync state)",
            )
        return Status.CONFLICT, "edited in Confluence and changed in the doc"

    def _replace(self, section: Section, nodes: list[Node], wanted: Rendered, target: str) -> None:
        date = section.date.isoformat()
        twice = len(self.view.dated(section.date)) > 1
        if twice or section.unsafe:
            why = "it has more than one heading on this page" if twice else section.unsafe
            self.blocked.append(
                f"cannot replace the section of {date} safely: {why}; merge or move it by hand"
            )
            return
        text = wanted.section
        comments = comments_in(section.nodes)
        if comments:
            text, lost = anchored(nodes, comments)
            self.notes += [_lost_place(comment, date) for comment in lost]
        elif has_tasks(nodes):  # with the page's ticks
            text = storage_text(copied(nodes))
        raw = self.view.raw(section)
        self.edits.append((section.start, section.end, text + (raw[len(raw.rstrip()) :] or "\n")))
        self.new_state[date] = self._written(section.date, target, wanted, self.version)

    def _as_we_wrote(self, section: Section, ours: SectionRecord) -> bool:
        """Whether the section reads as we last wrote it. A form-2 hash read task statuses,
        and someone may have ticked one since: it is checked with the statuses that release
        wrote, the doc's (from the Docs API, none ticked)."""
        if section_hash(section.nodes, ours.page_form) == ours.page:
            return True
        if ours.page_form != 2 or not has_tasks(section.nodes):
            return False
        ticked_in_doc = self.ticked[section.date]
        written = (lambda key: False, lambda key: key in ticked_in_doc)
        hashes = (section_hash(as_ticked(section.nodes, ticks), 2) for ticks in written)
        return ours.page in hashes

    def _recorded(self, section: Section, wanted: Rendered) -> bool:
        """Whether the state already says this section is ours, in whatever form it was made."""
        ours = self.state.get(section.date.isoformat())
        return (
            ours is not None
            and section_hash(section.nodes, ours.page_form) == ours.page
            and _same_doc(ours, wanted)
        )

    def _missing(self, date: dt.date) -> None:
        """A doc meeting with no section on the page: new, or one a person removed."""
        wanted, ours = self.rendered[date], self.state.get(date.isoformat())
        if ours is None:
            decision = Decision(date, Status.ADDED, "new in the doc")
        elif date in self.force:
            decision = Decision(date, Status.ADDED, "forced back after being removed in Confluence")
        elif _same_doc(ours, wanted):
            decision = Decision(
                date, Status.EDITED, "removed in Confluence, unchanged in the doc since"
            )
        else:
            decision = Decision(
                date, Status.CONFLICT, "removed in Confluence and changed in the doc"
            )
        self.decided[date] = decision
        if decision.status == Status.CONFLICT:
            self.clashes[date] = Clash("", reader_form(self.nodes[date]))
        if decision.status != Status.ADDED:
            return
        placement = self.view.placement(date)
        if placement.unsafe:
            self.blocked.append(f"cannot place {date.isoformat()} safely: {placement.unsafe}")
            return
        self.edits.append((placement.offset, placement.offset, wanted.section + "\n"))
        target = reader_form(self.nodes[date])
        self.new_state[date.isoformat()] = self._written(date, target, wanted, self.version)

    def _written(self, date: dt.date, target: str, wanted: Rendered, version: int) -> SectionRecord:
        page, doc, ticks = digest(target), wanted.doc[FORM], self.ticked[date]
        return SectionRecord(page, doc, version, PAGE_FORM, FORM, ticks)


def _same_doc(ours: SectionRecord, wanted: Rendered) -> bool:
    return ours.doc is not None and wanted.doc.get(ours.doc_form) == ours.doc


def _lost_place(comment: Comment, date: str) -> str:
    words = " ".join(comment.words.split())
    shown = words if len(words) <= 40 else words[:39] + "…"
    return f"the comment on {shown!r} in {date} loses its place: its words are no longer there"


def _parsed(rendered: Mapping[dt.date, Rendered]) -> dict[dt.date, list[Node]]:
    """Every rendered section's elements, from one parse of them all."""
    dates = list(rendered)
    wrapped = "".join(f"<section>{rendered[d].section}</section>" for d in dates)
    root = parse_fragment(wrapped)
    return {date: list(holder) for date, holder in zip(dates, root, strict=True)}


def section_of(body: str, date: dt.date, *, day_first: bool = False) -> str | None:
    """The raw section of one meeting on a page, e.g. from an older version of it."""
    view = PageView(body, day_first)
    found = view.dated(date)
    return view.raw(found[0]) if found else None
