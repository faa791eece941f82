"""One run, the use case: wait for the doc to settle, read it, plan, apply, rebuild the index.

The CLI turns a command line into a ``RunRequest`` and a ``RunResult`` into what it prints
and an exit code; everything between is here. Writes that lose a race to another writer (a
409, or a page saved on disk meanwhile) read the page again and merge once more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from syncer.errors import PageError, VersionConflict
from syncer.images import ImageReader
from syncer.index import index_body, linked_titles, year_of
from syncer.merge import Force
from syncer.model import Attachment
from syncer.plan import ConflictView, Outcomes, PagePlan, Plan, changed_pages
from syncer.planner import Planner, Watch, Window, unwatched
from syncer.reading import reader_form_of
from syncer.settings import ConfluenceSettings, Settings
from syncer.source import Source
from syncer.state import SyncState
from syncer.status import Status
from syncer.stores.base import Page, PageStore
from syncer.xhtml import parse_fragment

log = logging.getLogger(__name__)
WRITE_ATTEMPTS = 4  # a year page: read, merge and write again after a lost race
INDEX_ATTEMPTS = 3
YEARS_BACK = 50  # how many earlier year pages the index looks for, at most


@dataclass(frozen=True)
class RunRequest:
    """A ``sync`` or a ``backfill``: what to read and where to write, and how. ``since`` and
    ``until`` are a backfill's own window (a sync takes ``[meetings]``'s); ``wait_for_quiet``
    holds a sync back while the doc is being edited."""

    settings: Settings
    source: Source
    store: PageStore
    now: dt.datetime
    backfill: bool = False
    dry_run: bool = False
    wait_for_quiet: bool = True
    force: Force = field(default_factory=Force)
    since: dt.date | None = None
    until: dt.date | None = None
    minor: bool = False
    watch: Watch = unwatched


@dataclass(frozen=True)
class RunResult:
    """What a run did: its plan (as applied), what was saved of each page (None in a dry run),
    the conflicts in three versions (a dry run), the index page written, or why it waited."""

    plan: Plan | None = None
    written: Outcomes | None = None
    views: tuple[ConflictView, ...] = ()
    index: Page | None = None
    waiting: str | None = None


def run(request: RunRequest) -> RunResult:
    """The run a request asks for; a ``file:`` archive is held from its first read to its last
    write, as Confluence's version check protects its pages."""
    with request.store.held():
        return _run(request)


def _run(request: RunRequest) -> RunResult:
    busy = _still_typing(request)
    if busy and not request.dry_run:
        return RunResult(waiting=busy)
    if busy:
        log.info("%s; a sync now would publish nothing", busy)
    settings = request.settings
    images = ImageReader(request.source.image, settings.max_image_bytes)
    planner = Planner(settings.publishing, request.store, request.force, request.watch, images)
    document = request.source.read()
    log.debug("read %s, revision %s", request.source.name, document.revision or "unknown")
    plan = planner.plan(document, request.source.name, _window(request))
    plan = dataclasses.replace(plan, minor=_quiet(request))
    for warning in plan.warnings:
        log.warning("%s", warning.message())
    for note in plan.notes():
        log.warning("%s", note)
    if request.dry_run:
        return RunResult(plan, None, tuple(planner.conflict_views(plan)))
    if any(page.merge.changed for page in plan.pages):
        for note in _minor_edit_notes(request):  # said before anyone is notified
            log.warning("%s", note)
    written = apply_plan(plan, planner)
    plan = plan.with_pages(page for page, _ in written)
    edited = edited_by_others(written)
    index = refresh_index(request.store.minor_edits(), settings, changed_bodies(written), edited)
    for note in _unmanaged_notes(plan):
        log.warning("%s", note)
    return RunResult(plan, written, (), index)


def _window(request: RunRequest) -> Window:
    """A ``backfill`` takes its dates from its flags, a ``sync`` from ``[meetings]``; both hold
    back meetings after today in the meetings' time zone unless upcoming ones are wanted."""
    meetings = request.settings.meetings
    since, until = (request.since, request.until) if request.backfill else (None, None)
    return Window(
        since or (None if request.backfill else meetings.since),
        until or (None if request.backfill else meetings.until),
        request.now.astimezone(meetings.timezone).date(),
        meetings.include_upcoming,
    )


def _still_typing(request: RunRequest) -> str | None:
    """Why to wait, when a sync finds the doc changed less than ``quiet_minutes`` ago."""
    quiet = request.settings.quiet_minutes
    if request.backfill or not quiet or not request.wait_for_quiet:
        return None
    modified = request.source.modified()
    if modified is None:
        return None
    age = request.now - modified
    if age >= dt.timedelta(minutes=quiet):
        return None
    minutes = max(0, int(age.total_seconds() // 60))
    return f"{request.source.name} was edited {minutes} min ago (quiet_minutes = {quiet})"


def _quiet(request: RunRequest) -> bool:
    """Whether the run's edits are minor ones: asked for (``--minor``, a backfill) or
    configured (``[target] notify = false``), where they exist (not on Cloud, whose v2 pages
    API has no minor edit; a folder notifies nobody either way)."""
    target = request.settings.target
    wanted = request.minor or (isinstance(target, ConfluenceSettings) and not target.notify)
    return isinstance(target, ConfluenceSettings) and not target.cloud and wanted


def _minor_edit_notes(request: RunRequest) -> list[str]:
    target = request.settings.target
    if not isinstance(target, ConfluenceSettings) or not target.cloud:
        return []
    if request.minor or not target.notify:
        asked = "[target] notify = false"
        if request.minor:
            asked = "a backfill's minor edits" if request.backfill else "--minor"
        return [
            f"Confluence Cloud's v2 pages API has no minor edit, so {asked} cannot be"
            " honoured: the watchers of the pages this run writes will be notified"
        ]
    return []


def _unmanaged_notes(plan: Plan) -> list[str]:
    """Hand-made sections that differ from the doc are reported, never a failure."""
    listed = plan.listed(Status.UNMANAGED)
    if not listed:
        return []
    where = ", ".join(f"{date} on '{title}'" for title, date in listed)
    return [
        f"kept hand-made {where}: it differs from the doc; --force DATE replaces it"
        " with the doc's version"
    ]


# --- applying the plan -----------------------------------------------------------------------


def on_lost_race(attempts: int) -> Retrying:
    """Retry a read-merge-write that lost a race to another writer, then give up."""
    return Retrying(
        stop=stop_after_attempt(attempts),
        retry=retry_if_exception_type(VersionConflict),
        reraise=True,
    )


def apply_plan(plan: Plan, planner: Planner) -> Outcomes:
    """Write each page that changed, once; on a lost race re-read, re-merge and try again."""
    return [_write(page, planner) for page in planner.watch(plan.pages, "writing pages")]


def changed_bodies(written: Outcomes) -> dict[str, str]:
    return {page.title: page.body for page in changed_pages(written)}


def edited_by_others(written: Outcomes) -> list[Page]:
    """The pages the run read and did not edit that someone saved since the index last read
    them (a person ticked a task there, say), each as last saved: what the index shows of
    them may have changed though notes-sync wrote nothing."""
    edited = []
    for plan, saved in written:
        page = saved or plan.current
        if page is not None and not plan.merge.changed and _saved_since_indexed(page):
            edited.append(page)
    return edited


def _saved_since_indexed(page: Page) -> bool:
    """A version newer than the one notes-sync wrote and than the one the index was last
    rebuilt from is someone else's save (nothing recorded: a page notes-sync never wrote)."""
    seen = (v for v in (page.state.page_version, page.state.indexed_version) if v is not None)
    return page.version > max(seen, default=0)


def _write(page: PagePlan, planner: Planner) -> tuple[PagePlan, Page | None]:
    for attempt in on_lost_race(WRITE_ATTEMPTS):
        with attempt:
            if attempt.retry_state.attempt_number > 1:
                log.warning("page %r changed while we wrote it: read it again", page.title)
                page = planner.plan_page(page.title, page.meetings, page.revision, page.upcoming)
            return page, _store(page, planner.store)
    raise AssertionError("unreachable: Retrying returns or raises")


def _store(page: PagePlan, store: PageStore) -> Page | None:
    """Write the page if a section changed; else only state that changed (sections adopted),
    which edits nothing people see. A run with nothing new writes nothing at all."""
    merged, current = page.merge, page.current
    # A kept section must be looked at again next run: record the revision only when settled.
    revision = page.revision if merged.settled else None
    if current is not None and page.attachments and not merged.blocked:
        # Before the body that shows them: a failure leaves the page as it was.
        _attach_missing(store, current, page.attachments, "the page is not written")
    if not merged.changed:
        if current is None or merged.state == current.state.meetings:
            return None
        state = dataclasses.replace(current.state, meetings=merged.state, source_revision=revision)
        log.debug("page %r: only its sync state changed (sections adopted)", page.title)
        return store.save_state(current, state)
    state = SyncState(merged.state, revision, current.version + 1 if current else 1)
    log.debug("page %r: %s, %s", page.title, page.action, page.version_message())
    if current is not None:
        return store.update(current, merged.body, state, page.version_message())
    if not page.attachments:
        return store.create(page.title, merged.body, state, page.version_message())
    # A new page holds its files only once it exists: it records the doc's revision as
    # synced after they are there, so a run that fails between finishes the job next time.
    unsettled = dataclasses.replace(state, source_revision=None)
    created = store.create(page.title, merged.body, unsettled, page.version_message())
    _attach_missing(store, created, page.attachments, "the page is created without it")
    return store.save_state(created, state) if state != unsettled else created


def _attach_missing(
    store: PageStore, page: Page, files: tuple[Attachment, ...], otherwise: str
) -> None:
    """Upload the page's files it does not hold yet (named by their bytes: one that is
    there is the same file); a failure says what became of the page (``otherwise``)."""
    present = store.attachments(page)
    for file in files:
        if file.name not in present:
            log.debug("page %r: attaching %s (%d bytes)", page.title, file.name, len(file.data))
            try:
                store.attach(page, file.name, file.data, file.media_type)
            except PageError as error:
                raise PageError(f"{error}; {otherwise} (the next run tries again)") from None


# --- the topic index -------------------------------------------------------------------------


def refresh_index(
    store: PageStore,
    settings: Settings,
    written: Mapping[str, str],
    edited: Sequence[Page] = (),
) -> Page | None:
    """Rebuild the index after a run that changed year pages (``written``: title → the body
    just written, so it is not read again) or read ones someone else saved since the index
    last read them (``edited``), as a minor edit (the year pages notified their watchers
    already); the index written, or None when there is none or it did not change. Each
    ``edited`` page then records the version the index was built from, so the next run
    rebuilds nothing."""
    if not settings.index_title or not (written or edited):
        return None
    for page in edited:
        log.debug(
            "page %r is at version %d, saved by someone since: rebuilding the index",
            page.title,
            page.version,
        )
    known = {**{page.title: page.body for page in edited}, **written}
    index = _rebuilt_index(store, settings, settings.index_title, known)
    for page in edited:
        _record_indexed(store, page)
    return index


def _rebuilt_index(
    store: PageStore, settings: Settings, title: str, known: Mapping[str, str]
) -> Page | None:
    for attempt in on_lost_race(INDEX_ATTEMPTS):
        with attempt:
            return _write_index(store, settings, title, known)
    raise AssertionError("unreachable: Retrying returns or raises")


def _record_indexed(store: PageStore, page: Page) -> None:
    """Sync state alone, which edits nothing people see; a page saved again meanwhile keeps
    its state, and the next run, seeing a newer version, rebuilds the index again."""
    try:
        store.save_state(page, dataclasses.replace(page.state, indexed_version=page.version))
    except VersionConflict:
        log.debug("page %r changed while the index was rebuilt: next run again", page.title)


def _write_index(
    store: PageStore, settings: Settings, title: str, known: Mapping[str, str]
) -> Page | None:
    current = store.find(title)
    parsed = parse_fragment(current.body) if current else None
    listed = linked_titles(parsed) if parsed is not None else []
    pages = _year_pages(store, settings, [*known, *listed], known)
    publishing = settings.publishing
    body = index_body(pages.items(), publishing.parse, publishing.people)
    if parsed is not None and reader_form_of(parsed) == reader_form_of(parse_fragment(body)):
        return None
    message = f"notes sync: topic index of {len(pages)} page{'s' if len(pages) > 1 else ''}"
    if current is None:
        return store.create(title, body, SyncState(), message)
    return store.update(current, body, current.state, message)


def _year_pages(
    store: PageStore, settings: Settings, titles: list[str], known: Mapping[str, str]
) -> dict[str, str]:
    """title → body of each page to list: the given ones that exist (read unless known),
    then earlier years until one is missing."""
    found: dict[str, str] = {}
    for title in dict.fromkeys(titles):
        if title in known:
            found[title] = known[title]
        elif title and title != settings.index_title and (page := store.find(title)):
            found[title] = page.body
    template = settings.publishing.title
    years = [year for title in found if (year := year_of(template, title)) is not None]
    if not years:
        return found
    for year in range(min(years) - 1, min(years) - 1 - YEARS_BACK, -1):
        older = store.find(settings.publishing.page_title(year))
        if older is None:
            break
        found[older.title] = older.body
    return found
