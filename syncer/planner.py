"""Plans a run: which pages the doc's meetings go to, and what each page would become.

Reads each page once (a ``PageView``), renders each meeting at the level its place on the
page has, merges, and keeps what a write that lost a race needs to plan that page again. A
plan is data: a dry run prints it, a run applies it (``sync``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from syncer.images import ImageReader
from syncer.merge import Decision, Force, MergeResult, Rendered, merge_page
from syncer.model import Attachment, Document, Meeting
from syncer.page_view import PageView
from syncer.parse import ParseOptions, read_meetings
from syncer.plan import ConflictView, PagePlan, Plan
from syncer.reading import section_hash
from syncer.render import NOBODY, People, render_meeting
from syncer.settings import Publishing
from syncer.status import Status
from syncer.stores.base import Page, PageStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class Watch(Protocol):
    """Wraps a loop over pages: ``progress`` draws a bar for it."""

    def __call__(self, items: Sequence[T], label: str) -> Iterable[T]: ...


def unwatched(items: Sequence[T], label: str) -> Iterable[T]:
    """No progress shown: the scheduled sync touches a page or two."""
    return items


# Bump when rendering changes, so pages synced by an older release are re-rendered.
RENDERING = "1"
TOC_MACRO = (
    '<ac:structured-macro ac:name="toc" ac:schema-version="1">'
    '<ac:parameter ac:name="maxLevel">2</ac:parameter></ac:structured-macro>'
)
NEW_PAGE_PREAMBLE = (
    "<p>Notes of each meeting, newest first. The dated sections below are copied here from"
    " the team's shared notes doc by notes-sync; this introduction is yours to edit.</p>\n"
    f"{TOC_MACRO}\n"
)


@dataclass(frozen=True)
class Window:
    """The meetings a run covers: ``since``/``until`` (open ends take everything), and
    nothing after ``today`` unless upcoming meetings are wanted."""

    since: dt.date | None = None
    until: dt.date | None = None
    today: dt.date | None = None
    include_upcoming: bool = True

    def __contains__(self, date: dt.date) -> bool:
        return (self.since is None or date >= self.since) and (
            self.until is None or date <= self.until
        )

    def upcoming(self, date: dt.date) -> bool:
        return not self.include_upcoming and self.today is not None and date > self.today


def revision_tag(
    revision: str | None, options: ParseOptions, people: People = NOBODY
) -> str | None:
    """The doc revision together with how we read and render it: a changed alias or a person
    added to ``[people]`` re-renders the page even though the doc did not change. Spelled
    out field by field, so that only a change of these settings changes it."""
    if not revision:
        return None
    how = {
        "rendering": RENDERING,
        "aliases": sorted(options.aliases.items()),
        "day_first": options.day_first,
        "people": sorted(people.users.items()),
        "usernames": people.usernames,
    }
    text = json.dumps(how, sort_keys=True, ensure_ascii=False)
    return f"{revision}|{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class Planner:
    """Plans pages against a store; kept so a write that lost a race can plan again.
    ``watch`` wraps each per-page loop, e.g. to show progress; ``images`` reads the images of
    the meetings of each page compared (a page already synced needs none read)."""

    publishing: Publishing
    store: PageStore
    force: Force = field(default_factory=Force)
    watch: Watch = unwatched
    images: ImageReader | None = None

    def plan(self, document: Document, source: str, window: Window = Window()) -> Plan:
        parsed = read_meetings(document, self.publishing.parse)
        meetings = [m for m in parsed.meetings if m.date in window]
        # A heading misread in a meeting outside the window touches no page of this run.
        warnings = tuple(w for w in parsed.warnings if not w.filed_under or w.filed_under in window)
        pages: dict[str, list[Meeting]] = {}
        for meeting in meetings:
            pages.setdefault(self.publishing.page_title(meeting.date.year), []).append(meeting)
        ordered = sorted(pages.items(), key=lambda item: -max(m.date for m in item[1]).toordinal())
        revision = revision_tag(document.revision, self.publishing.parse, self.publishing.people)
        plans = []
        for title, found in self.watch(ordered, "reading pages"):
            due = tuple(m for m in found if not window.upcoming(m.date))
            later = tuple(m.date for m in found if window.upcoming(m.date))
            plans.append(self.plan_page(title, due, revision, later))
        omitted = document.omitted + (self.images.notes() if self.images else ())
        names = self.publishing.people.names
        return Plan(source, tuple(plans), omitted, warnings, names=names)

    def plan_page(
        self,
        title: str,
        meetings: tuple[Meeting, ...],
        revision: str | None,
        upcoming: tuple[dt.date, ...] = (),
    ) -> PagePlan:
        current = self.store.find(title)
        _log_read(title, current)
        view: PageView | None = None
        attachments: tuple[Attachment, ...] = ()
        if current and not self.force and _already_synced(current, meetings, revision):
            log.debug("page %r already holds doc revision %s: not compared", title, revision)
            merged = _unchanged(current, meetings)
        else:
            if self.images is not None:
                meetings = self.images.meetings(meetings)
                attachments = self.images.attachments(meetings)
            view = PageView(current.body if current else NEW_PAGE_PREAMBLE, self._day_first)
            merged = self._merge(view, current, meetings)
        later = tuple(
            Decision(d, Status.UPCOMING, "after today; not published yet") for d in upcoming
        )
        if later:
            decisions = sorted((*merged.decisions, *later), key=lambda d: d.date, reverse=True)
            merged = dataclasses.replace(merged, decisions=tuple(decisions))
        return PagePlan(title, current, merged, meetings, revision, upcoming, view, attachments)

    @property
    def _day_first(self) -> bool:
        return self.publishing.parse.day_first

    def _merge(
        self, view: PageView, current: Page | None, meetings: tuple[Meeting, ...]
    ) -> MergeResult:
        """Each meeting rendered at the heading level its place on the page has, merged."""
        people = self.publishing.people
        rendered = {
            m.date: Rendered.of(render_meeting(m, view.level_for(m.date), people), m)
            for m in meetings
        }
        state = current.state.meetings if current else {}
        version = current.version + 1 if current else 1
        as_written = self._as_written(view, current) if current else frozenset()
        return merge_page(
            view, rendered, state, force=self.force, version=version, as_written=as_written
        )

    def _as_written(self, view: PageView, page: Page) -> frozenset[dt.date]:
        """Meetings whose hash, of the first release's form, no longer matches, but whose
        section still reads as it did in the page version that release wrote: the page was
        only saved again in an editor (the first form took the editor's markup for an edit)."""
        old_views: dict[int, PageView | None] = {}
        found = set()
        for key, ours in page.state.meetings.items():
            sections = view.dated(dt.date.fromisoformat(key))
            if ours.page_form != 1 or not ours.version or len(sections) != 1:
                continue
            section = sections[0]
            if section_hash(section.nodes, 1) == ours.page:
                continue
            if ours.version not in old_views:
                old_views[ours.version] = self._old_view(page, ours.version)
            old = old_views[ours.version]
            then = old.dated(section.date) if old else []
            held = bool(old and then and section_hash(then[0].nodes, 1) == ours.page)
            if held and old and old.reader_form(then[0]) == view.reader_form(section):
                found.add(section.date)
        return frozenset(found)

    def _old_view(self, page: Page, version: int) -> PageView | None:
        body = self.store.version_body(page, version)
        return PageView(body, self._day_first) if body is not None else None

    def conflict_views(self, plan: Plan) -> list[ConflictView]:
        """For each conflict, the section as we last wrote it (read back from the page version
        that held it), as the doc has it now and as the page has it now."""
        views = []
        for page in plan.pages:
            if page.current is None:
                continue
            for date, clash in sorted(page.merge.clashes.items(), reverse=True):
                ours = page.current.state.meetings.get(date.isoformat())
                version = (ours and ours.version) or page.current.state.page_version
                base = self._old_section(page.current, version, date) if version else None
                views.append(ConflictView(page.title, date, version, base, clash.doc, clash.page))
        return views

    def _old_section(self, page: Page, version: int, date: dt.date) -> str | None:
        """What a reader saw of the meeting in an earlier version of the page."""
        view = self._old_view(page, version)
        found = view.dated(date) if view else []
        return view.reader_form(found[0]) if view and found else None


def _log_read(title: str, page: Page | None) -> None:
    if page is None:
        log.debug("page %r does not exist yet", title)
        return
    state = page.state
    log.debug(
        "page %r is at version %d; we last wrote version %s, %d meetings recorded",
        title,
        page.version,
        state.page_version,
        len(state.meetings),
    )


def _already_synced(page: Page, meetings: tuple[Meeting, ...], revision: str | None) -> bool:
    """Whether the page is as we last wrote it and holds this revision of the doc for every
    meeting due (one that just stopped being upcoming is not there yet): then nothing needs
    rendering or comparing. A page someone edited since is compared, so the plan can say
    which sections were kept."""
    recorded = page.state.meetings
    return (
        revision is not None
        and page.state.source_revision == revision
        and page.version == page.state.page_version
        and all(m.date.isoformat() in recorded for m in meetings)
    )


def _unchanged(page: Page, meetings: tuple[Meeting, ...]) -> MergeResult:
    dates = sorted({m.date for m in meetings}, reverse=True)
    reason = "already synced from this doc revision"
    decisions = tuple(Decision(d, Status.UNCHANGED, reason) for d in dates)
    return MergeResult(page.body, decisions, page.state.meetings)
