"""source → meetings → storage → merge → plan → apply. The only place the stages meet."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from syncer.errors import VersionConflict
from syncer.merge import (
    CONFLICT,
    UNCHANGED,
    Decision,
    MergeResult,
    merge_page,
    section_heading_level,
)
from syncer.model import Document, Meeting
from syncer.parse import ParseOptions, parse_document
from syncer.plan import PagePlan, Plan
from syncer.render import render_meeting
from syncer.settings import Settings
from syncer.stores.base import Page, PageStore, SyncState

WRITE_ATTEMPTS = 4
# Bump when rendering changes, so pages synced by an older release are re-rendered.
RENDERING = "1"
NEW_PAGE_PREAMBLE = (
    "<p>Notes of each meeting, newest first. The dated sections below are copied here from"
    " the team's shared notes doc by notes-sync; this introduction is yours to edit.</p>\n"
)


@dataclass(frozen=True)
class Window:
    """The dates a run covers (``backfill --since/--until``); open ends take everything."""

    since: dt.date | None = None
    until: dt.date | None = None

    def __contains__(self, date: dt.date) -> bool:
        return (self.since is None or date >= self.since) and (
            self.until is None or date <= self.until
        )


def revision_tag(revision: str | None, options: ParseOptions) -> str | None:
    """The doc revision together with how we read it: a changed alias re-renders the page."""
    if not revision:
        return None
    reading = hashlib.sha256(f"{RENDERING}|{options!r}".encode()).hexdigest()[:12]
    return f"{revision}|{reading}"


@dataclass(frozen=True)
class Planner:
    """Plans pages against a store; kept so a write that lost a race can plan again."""

    settings: Settings
    store: PageStore
    force: bool = False

    def plan(self, document: Document, source: str, window: Window = Window()) -> Plan:
        meetings = [m for m in parse_document(document, self.settings.parse) if m.date in window]
        pages: dict[str, list[Meeting]] = {}
        for meeting in meetings:
            pages.setdefault(self.settings.page_title(meeting.date.year), []).append(meeting)
        ordered = sorted(pages.items(), key=lambda item: -max(m.date for m in item[1]).toordinal())
        revision = revision_tag(document.revision, self.settings.parse)
        plans = tuple(self.plan_page(title, tuple(ms), revision) for title, ms in ordered)
        return Plan(source, plans, document.omitted)

    def plan_page(
        self, title: str, meetings: tuple[Meeting, ...], revision: str | None
    ) -> PagePlan:
        current = self.store.find(title)
        if current and revision and current.state.source_revision == revision and not self.force:
            return PagePlan(title, current, _already_synced(current, meetings), meetings, revision)
        body = current.body if current else NEW_PAGE_PREAMBLE
        day_first = self.settings.parse.day_first
        level = section_heading_level(body, day_first=day_first)
        rendered = {m.date: render_meeting(m, level, self.settings.people) for m in meetings}
        state = current.state.sections if current else {}
        merged = merge_page(body, rendered, state, force=self.force, day_first=day_first)
        return PagePlan(title, current, merged, meetings, revision)


def _already_synced(page: Page, meetings: tuple[Meeting, ...]) -> MergeResult:
    """The page already holds this revision of the doc: nothing to render or compare."""
    decisions = tuple(Decision(m.date, UNCHANGED) for m in sorted(meetings, key=lambda m: m.date))
    return MergeResult(page.body, decisions[::-1], page.state.sections)


def apply_plan(plan: Plan, planner: Planner) -> list[tuple[PagePlan, Page | None]]:
    """Write each page that changed, once; on a lost race re-read, re-merge and try again."""
    return [_write(page, planner) for page in plan.pages]


def _write(page: PagePlan, planner: Planner) -> tuple[PagePlan, Page | None]:
    retrying = Retrying(
        stop=stop_after_attempt(WRITE_ATTEMPTS),
        retry=retry_if_exception_type(VersionConflict),
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            if attempt.retry_state.attempt_number > 1:
                page = planner.plan_page(page.title, page.meetings, page.revision)
            return page, _store(page, planner.store)
    raise AssertionError("unreachable: Retrying returns or raises")


def _store(page: PagePlan, store: PageStore) -> Page | None:
    merged = page.merge
    # A kept conflict must be seen again next run: record the revision only when all synced.
    synced = not any(d.status == CONFLICT for d in merged.decisions)
    state = SyncState(merged.state, page.revision if synced else None)
    if page.current is None:
        return store.create(page.title, merged.body, state, page.version_message())
    if not merged.changed:
        return None
    return store.update(page.current, merged.body, state, page.version_message())
