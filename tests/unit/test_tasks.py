"""Tasks (issue 13): what ``tasks_in`` reads of a Confluence task, how ``keep_ticks`` gives a
new render the page's ticks, and what a sync does with a tick made on the page or in the doc:
a tick belongs to whoever made it, and is never an edit of the section."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from syncer.fingerprint import meeting_fingerprint
from syncer.merge import Force, Rendered, merge_page, section_of
from syncer.model import Document, ListItem, Tab, Text
from syncer.parse import ParseOptions, parse_document, read_meetings
from syncer.planner import Planner
from syncer.reading import section_hash
from syncer.render import render_meeting
from syncer.settings import Publishing
from syncer.state import SyncState
from syncer.status import Status
from syncer.sync import apply_plan
from syncer.tasks import keep_ticks, tasks_in, ticked
from syncer.xhtml import Node, parse_fragment
from tests.fakes.memory_store import MemoryPageStore
from tests.helpers import item, para

D = dt.date(2023, 12, 6)
TITLE = "Arch Hours: 2023"
PUBLISHING = Publishing("Arch Hours: {year}", ParseOptions())
NO_FORCE = Force()


def nodes(raw: str) -> list[Node]:
    return list(parse_fragment(raw))


def task(body: str, done: bool = False, task_id: str = "1") -> str:
    status = "complete" if done else "incomplete"
    return (
        f"<ac:task><ac:task-id>{task_id}</ac:task-id><ac:task-status>{status}</ac:task-status>"
        f"<ac:task-body>{body}</ac:task-body></ac:task>"
    )


def task_list(*tasks: str) -> list[Node]:
    return nodes(f"<ac:task-list>{''.join(tasks)}</ac:task-list>")


def statuses(found: list[Node]) -> list[tuple[str, bool]]:
    return [(t.words, t.done) for _node, t in tasks_in(found)]


# tasks_in


def test_a_task_is_assigned_to_its_first_mention_by_account_id_userkey_or_username() -> None:
    cloud = '<ac:link><ri:user ri:account-id="557058:dave" /></ac:link>'
    server = '<ac:link><ri:user ri:userkey="8a7f808a" /></ac:link>'
    named = '<ac:link><ri:user ri:username="jeremy" /></ac:link>'
    found = tasks_in(
        task_list(task(f"{cloud} to file it, asks {named}"), task(server), task(f"{named}"))
    )
    assert [(t.assignee, t.by_username) for _n, t in found] == [
        ("557058:dave", False),
        ("8a7f808a", False),
        ("jeremy", True),
    ]
    assert tasks_in(task_list(task("nobody's")))[0][1].assignee is None


def test_a_task_is_due_on_its_first_readable_date() -> None:
    dates = (
        '<time datetime="soon" /> by <time datetime="2024-01-05" /><time datetime="2024-02-01" />'
    )
    assert tasks_in(task_list(task(dates)))[0][1].due == dt.date(2024, 1, 5)
    assert tasks_in(task_list(task("no date")))[0][1].due is None


def test_a_tasks_words_leave_out_mentions_dates_nested_tasks_and_notes_but_keep_links() -> None:
    body = (
        '<ac:link><ri:user ri:account-id="a1" /></ac:link>  to make <strong>issue</strong> in '
        '<ac:link><ri:page ri:content-title="Config" /><ac:link-body>config repo</ac:link-body>'
        '</ac:link> by <time datetime="2024-01-05" />'
        f"<ac:task-list>{task('nested one', task_id='2')}</ac:task-list>"
        "<ul><li>a note under it</li></ul>"
    )
    found = tasks_in(task_list(task(body, done=True, task_id="7")))
    outer, inner = (t for _node, t in found)
    assert (outer.id, outer.done, outer.words) == ("7", True, "to make issue in config repo by")
    assert (inner.id, inner.done, inner.words) == ("2", False, "nested one")


def test_tasks_in_finds_the_tasks_below_any_block_in_document_order() -> None:
    tasks = f"<ac:task-list>{task('a')}{task('b', True)}</ac:task-list>"
    raw = f"<p>no task</p><ul><li>topic{tasks}</li></ul>"
    assert statuses(nodes(raw)) == [("a", False), ("b", True)]
    assert tasks_in(nodes("<p>none</p>")) == []


def test_a_tasks_body_is_its_reader_form_so_markup_a_page_editor_adds_is_the_same_task() -> None:
    plain = tasks_in(task_list(task("book <strong>the</strong> room")))[0][1]
    saved = tasks_in(task_list(task('<p local-id="x">book <strong>the</strong> room</p>')))[0][1]
    assert plain.body == saved.body != tasks_in(task_list(task("book room")))[0][1].body


# keep_ticks


def kept(page: list[Node], new: list[Node], doc_ticked_before: frozenset[str] | None = None):
    """The new render's tasks after ``keep_ticks``, and whether the page must change. By
    default the doc's ticks are what it ticked last time (none of them is news)."""
    before = ticked(new) if doc_ticked_before is None else doc_ticked_before
    changes = keep_ticks(page, new, before)
    return statuses(new), bool(changes)


def test_a_new_render_keeps_the_pages_ticks_matched_by_the_tasks_words() -> None:
    page = task_list(task("a", True, "1"), task("b", False, "2"))
    new = task_list(task("b", False, "1"), task("a", False, "2"))  # the doc moved them
    assert kept(page, new) == ([("b", False), ("a", True)], False)


def test_an_untick_on_the_page_is_kept_when_the_doc_still_shows_its_old_tick() -> None:
    page = task_list(task("a", False, "1"))
    assert kept(page, task_list(task("a", True, "1"))) == ([("a", False)], False)


def test_a_reworded_task_keeps_the_tick_of_the_task_that_had_its_id() -> None:
    page = task_list(task("book room", True, "1"), task("send notes", False, "2"))
    new = task_list(task("book the room", False, "1"), task("send notes", False, "2"))
    assert kept(page, new) == ([("book the room", True), ("send notes", False)], False)


def test_the_same_words_win_over_the_same_id() -> None:
    page = task_list(task("a", True, "1"), task("b", False, "2"))
    new = task_list(task("b", False, "1"))  # a removed: b is not a's successor
    assert kept(page, new) == ([("b", False)], False)


def test_tasks_with_the_same_words_take_the_pages_ticks_one_each_in_order() -> None:
    page = task_list(task("a", True, "1"), task("a", False, "2"))
    assert kept(page, task_list(task("a", False, "1"), task("a", False, "2")))[0] == [
        ("a", True),
        ("a", False),
    ]


def test_a_new_task_has_the_docs_status() -> None:
    page = task_list(task("a", True, "1"))
    new = task_list(task("a", False, "1"), task("b", True, "2"), task("c", False, "3"))
    assert kept(page, new, frozenset()) == ([("a", True), ("b", True), ("c", False)], False)


def test_a_task_the_doc_ticks_since_the_last_sync_is_ticked_on_the_page() -> None:
    page = task_list(task("a", False, "1"), task("b", False, "2"))
    new = task_list(task("a", True, "1"), task("b", False, "2"))
    assert kept(page, new, frozenset()) == ([("a", True), ("b", False)], True)


def test_a_doc_tick_already_on_the_page_changes_nothing() -> None:
    page = task_list(task("a", True, "1"))
    assert kept(page, task_list(task("a", True, "1")), frozenset()) == ([("a", True)], False)


def test_a_doc_untick_does_not_untick_the_page() -> None:
    page = task_list(task("a", True, "1"))
    before = ticked(task_list(task("a", True, "1")))
    assert kept(page, task_list(task("a", False, "1")), before) == ([("a", True)], False)


def test_the_docs_old_tick_is_known_by_the_tasks_words_not_its_place() -> None:
    """Found by the state machine: ids are places in the meeting, so a task added above
    another gives it the id of the one below; a tick the doc made goes with its words."""
    page = task_list(task("a", False, "1"), task("b", False, "2"))  # a person unticked a
    before = ticked(task_list(task("a", True, "1"), task("b", False, "2")))
    new = task_list(task("c", False, "1"), task("a", True, "2"), task("b", False, "3"))
    assert kept(page, new, before) == ([("c", False), ("a", False), ("b", False)], False)


def test_a_doc_tick_of_a_task_that_took_the_place_of_a_ticked_one_is_news() -> None:
    """Found by the state machine: b now has the id a had when the doc ticked a."""
    page = task_list(task("a", True, "1"), task("b", False, "2"))
    before = ticked(task_list(task("a", True, "1"), task("b", False, "2")))
    new = task_list(task("b", True, "1"), task("a", True, "2"))
    assert kept(page, new, before) == ([("b", True), ("a", True)], True)


def test_a_reworded_task_the_doc_had_ticked_is_not_ticked_again() -> None:
    page = task_list(task("book room", False, "1"))  # the doc ticked it; a person unticked it
    before = ticked(task_list(task("book room", True, "1")))
    assert kept(page, task_list(task("book the room", True, "1")), before)[0] == [
        ("book the room", False)
    ]


# merge and planner: syncs of a doc against a page a person ticks


class Desk:
    """One meeting in a doc, synced to a page in memory that a person ticks."""

    def __init__(self) -> None:
        self.store = MemoryPageStore()
        self.topic = "plan the release"
        self.tasks: list[tuple[str, bool]] = [("book room", False), ("send notes", False)]
        self.revision = 0

    def document(self) -> Document:
        blocks = [para(D.isoformat(), 2), item(f"[inform] {self.topic}")]
        blocks += [ListItem((Text(t),), 1, checked=done) for t, done in self.tasks]
        self.revision += 1
        return Document((Tab("Notes", tuple(blocks)),), revision=f"r{self.revision}")

    def sync(self, force: Force = NO_FORCE) -> Status:
        planner = Planner(PUBLISHING, self.store, force)
        plan = planner.plan(self.document(), "notes")
        apply_plan(plan, planner)
        (decision,) = plan.pages[0].merge.decisions
        self.reason = decision.reason
        return decision.status

    @property
    def body(self) -> str:
        return self.store.find(TITLE).body

    def shown(self) -> dict[str, bool]:
        found = tasks_in(nodes(self.body))
        return {t.words: t.done for _node, t in found}

    def person_ticks(self, words: str, done: bool = True) -> None:
        status = "complete" if done else "incomplete"
        pattern = rf"(<ac:task-status>)\w+(</ac:task-status><ac:task-body>{words}<)"
        body, found = re.subn(pattern, rf"\g<1>{status}\g<2>", self.body)
        assert found == 1
        self.store.person_saves(TITLE, body)

    def person_writes(self, words: str) -> None:
        self.store.person_saves(TITLE, self.body.replace("plan the release", words, 1))


def test_a_tick_on_the_page_survives_the_doc_rendering_the_meeting_anew() -> None:
    desk = Desk()
    desk.sync()
    desk.person_ticks("book room")
    desk.topic = "plan the release, then ship"
    assert desk.sync() == Status.UPDATED
    assert "then ship" in desk.body
    assert desk.shown() == {"book room": True, "send notes": False}


def test_a_tick_on_the_page_survives_a_forced_update_over_a_persons_words() -> None:
    desk = Desk()
    desk.sync()
    desk.person_ticks("send notes")
    desk.person_writes("plan it my way")
    desk.topic = "plan the release, then ship"
    assert desk.sync() == Status.CONFLICT  # words both sides, not the tick
    assert desk.sync(Force.of([D.isoformat()])) == Status.UPDATED
    assert "my way" not in desk.body and "then ship" in desk.body
    assert desk.shown() == {"book room": False, "send notes": True}
    # Forcing every meeting, the doc unchanged, reads the page again and keeps the tick.
    assert desk.sync(Force.of(["all"])) == Status.UNCHANGED
    assert desk.shown() == {"book room": False, "send notes": True}


def test_ticking_or_unticking_on_the_page_is_no_edit_and_writes_nothing() -> None:
    desk = Desk()
    desk.sync()
    for words, done in (("book room", True), ("send notes", True), ("book room", False)):
        desk.person_ticks(words, done)
        writes = desk.store.writes
        assert desk.sync() == Status.UNCHANGED
        assert desk.store.writes == writes
        assert desk.shown()[words] is done
    assert desk.shown() == {"book room": False, "send notes": True}


def test_a_tick_on_the_page_and_a_new_word_in_the_doc_is_an_update_not_a_conflict() -> None:
    desk = Desk()
    desk.sync()
    desk.person_ticks("book room")
    desk.tasks.append(("order cake", False))
    assert desk.sync() == Status.UPDATED
    assert desk.shown() == {"book room": True, "send notes": False, "order cake": False}


def test_a_doc_tick_ticks_the_page_once_and_a_persons_untick_then_stays() -> None:
    desk = Desk()
    desk.sync()
    desk.tasks[1] = ("send notes", True)
    writes = desk.store.writes
    assert desk.sync() == Status.UPDATED
    assert desk.reason == "a task was ticked in the doc"
    assert desk.store.writes == writes + 1
    assert desk.shown() == {"book room": False, "send notes": True}
    desk.person_ticks("send notes", False)
    for _ in range(2):  # the doc still shows it ticked: no longer news
        writes = desk.store.writes
        assert desk.sync() == Status.UNCHANGED
        assert desk.store.writes == writes
        assert desk.shown()["send notes"] is False
    desk.tasks.insert(0, ("order cake", False))  # send notes moves down a place
    desk.topic = "plan the release, then ship"
    assert desk.sync() == Status.UPDATED
    assert desk.shown() == {"order cake": False, "book room": False, "send notes": False}


def test_a_doc_tick_of_a_task_that_moved_reaches_the_page() -> None:
    desk = Desk()
    desk.tasks = [("book room", True), ("send notes", False)]
    desk.sync()
    desk.tasks = [("send notes", True)]  # book room gone: send notes has its id now
    assert desk.sync() == Status.UPDATED
    assert desk.shown() == {"send notes": True}


def test_the_docs_ticks_are_kept_in_the_state_and_read_back() -> None:
    desk = Desk()
    desk.tasks = [("book room", True), ("send notes", False)]
    desk.sync()
    state = desk.store.find(TITLE).state
    record = state.meetings[D.isoformat()]
    assert len(record.ticked) == 1
    assert SyncState.from_json(state.to_json()).meetings[D.isoformat()].ticked == record.ticked


def test_a_merge_of_a_page_ticked_by_a_person_returns_the_page_itself() -> None:
    desk = Desk()
    desk.sync()
    desk.person_ticks("book room")
    page = desk.store.find(TITLE)
    (meeting,) = read_meetings(desk.document(), PUBLISHING.parse).meetings
    rendered = {D: Rendered.of(render_meeting(meeting), meeting)}
    result = merge_page(page.body, rendered, page.state.meetings, version=page.version + 1)
    assert result.body is page.body and not result.changed


def test_a_doc_tick_reaches_a_section_a_person_edited_and_touches_only_its_status() -> None:
    """No tick is ever a conflict: the doc ticking a task of a meeting someone edited on the
    page ticks it there, in place, and keeps their words; the next sync is quiet again."""
    desk = Desk()
    desk.sync()
    desk.person_writes("plan it my way")
    before = desk.body
    desk.tasks[0] = ("book room", True)
    assert desk.sync() == Status.UPDATED
    assert desk.reason == "a task was ticked in the doc; the page's edits kept"
    assert desk.body == before.replace(
        "<ac:task-status>incomplete</ac:task-status><ac:task-body>book room",
        "<ac:task-status>complete</ac:task-status><ac:task-body>book room",
    )
    writes = desk.store.writes
    assert desk.sync() == Status.EDITED  # their words, still kept; the tick no longer news
    assert desk.store.writes == writes
    desk.person_ticks("book room", False)
    assert desk.sync() == Status.EDITED and desk.shown()["book room"] is False


def test_the_docs_ticks_are_learnt_at_every_sync_so_a_persons_later_untick_stays() -> None:
    """The doc ticks a task the page already shows ticked: the page is not written, but
    the tick is seen; when the person unticks it afterwards, the next sync leaves it so."""
    desk = Desk()
    desk.sync()
    desk.person_ticks("book room")
    desk.tasks[0] = ("book room", True)
    version = desk.store.find(TITLE).version
    assert desk.sync() == Status.UNCHANGED
    assert desk.store.find(TITLE).version == version  # sync state only
    desk.person_ticks("book room", False)
    writes = desk.store.writes
    assert desk.sync() == Status.UNCHANGED
    assert desk.shown()["book room"] is False and desk.store.writes == writes


def test_a_tick_the_doc_takes_off_and_puts_back_is_news_again() -> None:
    desk = Desk()
    desk.tasks[0] = ("book room", True)
    desk.sync()
    desk.person_ticks("book room", False)
    desk.tasks[0] = ("book room", False)  # the doc unticks it too
    assert desk.sync() == Status.UNCHANGED
    desk.tasks[0] = ("book room", True)  # and ticks it again: news
    assert desk.sync() == Status.UPDATED
    assert desk.shown()["book room"] is True


def test_a_section_hashed_before_ticks_were_the_pages_is_ours_though_someone_ticked_it() -> None:
    """State written by the release before (section hash form 2, which read statuses, of a
    render with the doc's statuses): a person's tick since is no edit, so the next doc change
    updates the meeting, and keeps the tick."""
    desk = Desk()
    desk.sync()
    page = desk.store.find(TITLE)
    [key] = page.state.meetings
    record = page.state.meetings[key]
    written = section_of(page.body, D) or ""
    old = dataclasses.replace(
        record, page=section_hash(nodes(written), 2), page_form=2, doc_form=2, ticked=frozenset()
    )
    meeting = parse_document(desk.document(), PUBLISHING.parse)[0]
    old = dataclasses.replace(old, doc=meeting_fingerprint(meeting, 2))
    desk.store.save_state(page, dataclasses.replace(page.state, meetings={key: old}))
    desk.person_ticks("book room")
    desk.topic = "plan the release, then ship"
    assert desk.sync() == Status.UPDATED
    assert desk.shown() == {"book room": True, "send notes": False}
    assert "then ship" in desk.body


def test_two_tasks_with_the_same_words_each_have_their_own_tick_history() -> None:
    desk = Desk()
    desk.tasks = [("call", True), ("call", False)]
    desk.sync()
    assert [t.done for _n, t in tasks_in(nodes(desk.body))] == [True, False]
    desk.tasks = [("call", True), ("call", True)]  # the doc ticks the second one too
    assert desk.sync() == Status.UPDATED
    assert [t.done for _n, t in tasks_in(nodes(desk.body))] == [True, True]
