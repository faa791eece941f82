"""A state machine that interleaves doc edits, page edits and syncs, and checks after each
step that no person's words were lost, that the doc's words arrive wherever the page allows,
and that a sync with nothing new writes nothing at all.

Its meetings hold checklists (tasks ``task-N`` under their topic), which the doc adds, ticks,
unticks and rewords, and which a person ticks and unticks on the page. A model of the page's
tasks says what each sync must leave there (issue 13, "a tick belongs to the person who
ticked it"): a task keeps the status the page gave it, matched by its words, else by its id
(a reworded task); a task the doc ticked since the last sync that wrote its meeting is
complete; a new task has the doc's status. Ticks are never an edit: a section whose words no
person changed always follows the doc.

``HYPOTHESIS_MACHINE_EXAMPLES`` and ``HYPOTHESIS_MACHINE_STEPS`` run it longer than the
suite's modest 60 examples of up to 25 steps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from dataclasses import dataclass

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from syncer.merge import Force, section_of
from syncer.model import Block, Document, ListItem, Tab, Text
from syncer.parse import ParseOptions
from syncer.planner import Planner
from syncer.settings import Publishing
from syncer.status import Status
from syncer.sync import apply_plan
from tests.fakes.memory_store import MemoryPageStore
from tests.helpers import item, para

DATES = [dt.date(2023, 12, d) for d in (6, 13, 20, 27)]
TITLE = "Arch Hours: 2023"
PUBLISHING = Publishing("Arch Hours: {year}", ParseOptions())
FOLLOWS_THE_DOC = (Status.ADDED, Status.UPDATED, Status.UNCHANGED)
TASK = re.compile(
    r"<ac:task><ac:task-id>(\d+)</ac:task-id><ac:task-status>(\w+)</ac:task-status>"
    r"<ac:task-body>(task-\d+)</ac:task-body></ac:task>"
)


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)
picks = st.integers(min_value=0, max_value=99)  # which one of those there are


@dataclass
class OnPage:
    """A task as the page should show it: its words, its id and whether it is ticked."""

    name: str
    id: str
    done: bool


def task_id(date: dt.date, place: int) -> str:
    """The id a render gives the task at ``place`` (from 0) of a meeting."""
    return f"{date:%Y%m%d}{place + 1:03d}"


class Protection(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryPageStore()
        self.doc: dict[dt.date, str] = {}
        self.revision = 0
        self.human: dict[dt.date | None, set[str]] = {}  # None: the page's preamble
        self.marks = (f"human-{n}" for n in itertools.count())
        self.names = (f"task-{n}" for n in itertools.count(1))
        self.tasks: dict[dt.date, list[str]] = {}  # the doc's checklist of each meeting
        self.doc_done: dict[str, bool] = {}
        self.recorded: dict[str, bool] = {}  # doc_done when a sync last wrote its meeting
        self.page: dict[dt.date, list[OnPage]] = {}  # the model of the page's tasks
        self.person: dict[str, bool] = {}  # the status a person gave a task on the page
        self.news: set[str] = set()  # tasks the last sync had to tick (the doc ticked them)

    def document(self) -> Document:
        blocks: list[Block] = []
        for date in sorted(self.doc, reverse=True):
            blocks += [para(date.isoformat(), 2), item(f"[inform] doc says {self.doc[date]}")]
            for name in self.tasks.get(date, []):
                blocks.append(ListItem((Text(name),), 1, checked=self.doc_done[name]))
        return Document((Tab("Notes", tuple(blocks)),), revision=f"r{self.revision}")

    @initialize(
        meetings=st.dictionaries(
            st.sampled_from(DATES), st.lists(st.booleans(), max_size=3), min_size=1
        )
    )
    def a_synced_doc(self, meetings: dict[dt.date, list[bool]]) -> None:
        """Meetings with tasks already on the page, so that most steps have a tick to make."""
        for date, ticks in meetings.items():
            self.doc[date] = "start"
            self.tasks[date] = [next(self.names) for _ in ticks]
            self.doc_done.update(zip(self.tasks[date], ticks, strict=True))
        self.sync()

    # The doc.

    @rule(date=st.sampled_from(DATES), text=words)
    def doc_edit(self, date: dt.date, text: str) -> None:
        self.doc[date] = text
        self.revision += 1

    @rule(date=st.sampled_from(DATES))
    def doc_clears_a_meeting(self, date: dt.date) -> None:
        if self.doc.pop(date, None) is not None:
            for name in self.tasks.pop(date, []):
                del self.doc_done[name]
            self.revision += 1

    @precondition(lambda self: self.doc)
    @rule(pick=picks, place=picks, done=st.booleans())
    def doc_adds_a_task(self, pick: int, place: int, done: bool) -> None:
        """Anywhere in the meeting's checklist: each task after it takes the next id."""
        date = sorted(self.doc)[pick % len(self.doc)]
        tasks = self.tasks.setdefault(date, [])
        name = next(self.names)
        tasks.insert(place % (len(tasks) + 1), name)
        self.doc_done[name] = done
        self.revision += 1

    @precondition(lambda self: self.doc_done)
    @rule(pick=picks)
    def doc_ticks_or_unticks_a_task(self, pick: int) -> None:
        name = sorted(self.doc_done)[pick % len(self.doc_done)]
        self.doc_done[name] = not self.doc_done[name]
        self.revision += 1

    @precondition(lambda self: self.doc_done)
    @rule(pick=picks)
    def doc_rewords_a_task(self, pick: int) -> None:
        """New words in the same place, ticked as before."""
        old = sorted(self.doc_done)[pick % len(self.doc_done)]
        tasks = next(tasks for tasks in self.tasks.values() if old in tasks)
        new = next(self.names)
        tasks[tasks.index(old)] = new
        self.doc_done[new] = self.doc_done.pop(old)
        self.revision += 1

    # A person in Confluence.

    @precondition(lambda self: self.store.find(TITLE) is not None)
    @rule(date=st.sampled_from(DATES))
    def person_edits_a_section(self, date: dt.date) -> None:
        body = self.store.find(TITLE).body
        heading = f"<h2>{date.isoformat()}</h2>"
        if heading in body:
            mark = next(self.marks)
            self.store.person_saves(TITLE, body.replace(heading, f"{heading}<p>{mark}</p>", 1))
            self.human.setdefault(date, set()).add(mark)

    @precondition(lambda self: self.store.find(TITLE) is not None)
    @rule()
    def person_edits_the_preamble(self) -> None:
        mark = next(self.marks)
        self.store.person_saves(TITLE, f"<p>{mark}</p>" + self.store.find(TITLE).body)
        self.human.setdefault(None, set()).add(mark)

    @precondition(lambda self: any(self.page.values()))
    @rule(pick=picks)
    def person_ticks_or_unticks_a_task(self, pick: int) -> None:
        """The task's status in the page's storage, nothing else: what a tick in Confluence
        changes."""
        on_page = sorted((t for ts in self.page.values() for t in ts), key=lambda t: t.id)
        task = on_page[pick % len(on_page)]
        task.done = not task.done
        self.person[task.name] = task.done
        status = "complete" if task.done else "incomplete"
        body = self.store.find(TITLE).body
        pattern = re.compile(
            rf"(<ac:task-status>)\w+(</ac:task-status><ac:task-body>{task.name}</ac:task-body>)"
        )
        ticked, found = pattern.subn(rf"\g<1>{status}\g<2>", body)
        assert found == 1, (task, body)
        self.store.person_saves(TITLE, ticked)

    @precondition(lambda self: any(self.page.values()))
    @rule(pick=picks)
    def a_tick_on_the_page_alone_writes_nothing(self, pick: int) -> None:
        self.sync()
        if not any(self.page.values()):
            return
        self.person_ticks_or_unticks_a_task(pick)
        before = self.store.writes
        self.sync()
        assert self.store.writes == before

    # notes-sync.

    @rule()
    def sync(self) -> None:
        self._sync(Force())

    @rule(dates=st.frozensets(st.sampled_from(DATES), min_size=1))
    def forced_sync(self, dates: frozenset[dt.date]) -> None:
        """``--force`` for some meetings: the doc's words replace a person's there (theirs
        are meant to go), and the page's ticks still stay."""
        for date in dates & set(self.doc):
            self.human.pop(date, None)
        self._sync(Force(dates))

    @rule()
    def a_sync_with_nothing_new_writes_nothing(self) -> None:
        self.sync()
        before = self.store.writes
        self.sync()
        assert self.store.writes == before

    def _sync(self, force: Force) -> None:
        planner = Planner(PUBLISHING, self.store, force)
        plan = planner.plan(self.document(), "notes")
        apply_plan(plan, planner)
        page = self.store.find(TITLE)
        body = page.body if page else ""
        self.news = set()
        for page_plan in plan.pages:
            for decision in page_plan.merge.decisions:
                date = decision.date
                if not self.human.get(date) and date in self.doc:
                    # Ticks (the page's or the doc's) never keep a section from the doc.
                    assert decision.status in FOLLOWS_THE_DOC, decision
                if decision.status in FOLLOWS_THE_DOC:
                    section = section_of(body, date) or ""
                    assert f"doc says {self.doc[date]}" in section, decision
                    self._rendered(date)
                elif decision.status == Status.EDITED:  # the doc's ticks are seen, none new
                    self.recorded.update({n: self.doc_done[n] for n in self.tasks.get(date, [])})
        self._check_ticks(body)

    def _rendered(self, date: dt.date) -> None:
        """The model's page after notes-sync wrote the meeting of ``date`` anew."""
        before = list(self.page.get(date, []))
        names = self.tasks.get(date, [])
        # The page's same task: the same words, else (reworded) the same id.
        matched: dict[str, OnPage] = {}
        for name in names:
            same = next((t for t in before if t.name == name), None)
            if same is not None:
                matched[name] = same
                before.remove(same)
        for place, name in enumerate(names):
            same = next((t for t in before if t.id == task_id(date, place)), None)
            if name not in matched and same is not None:
                matched[name] = same
                before.remove(same)
        page = []
        for place, name in enumerate(names):
            old = matched.get(name)
            news = self.doc_done[name] and not (old and self.recorded.get(old.name, False))
            if news:
                self.news.add(name)
            done = news or (old.done if old else self.doc_done[name])
            if old and old.name != name:
                event("a reworded task kept its place's tick")
            if old and news and not old.done:
                event("the doc's tick ticked an open task")
            elif old and old.name in self.person and old.done != self.doc_done[name]:
                event("a person's tick or untick stayed against the doc's")
            if old and old.name in self.person and (news or old.name != name):
                # The doc's tick overrides the person's; a reworded task is a new one to check.
                person = self.person.pop(old.name)
                if not news:
                    self.person[name] = person
            page.append(OnPage(name, task_id(date, place), done))
        self.page[date] = page
        for name in names:
            self.recorded[name] = self.doc_done[name]

    def _check_ticks(self, body: str) -> None:
        shown = {name: status == "complete" for _id, status, name in TASK.findall(body)}
        # A tick (or untick) the person made on the page is never undone by a sync.
        undone = {n: s for n, s in self.person.items() if n in shown and shown[n] != s}
        assert not undone, undone
        # A task the doc ticked since the last sync is complete on the page.
        open_ = {name for name in self.news if not shown.get(name)}
        assert not open_, open_
        # And the page shows exactly the model's tasks, in order, with their ids and ticks.
        for date in DATES:
            section = section_of(body, date) or ""
            expected = [(t.id, t.done, t.name) for t in self.page.get(date, [])]
            found = [(i, s == "complete", n) for i, s, n in TASK.findall(section)]
            assert found == expected, (date, found, expected)

    @invariant()
    def no_person_edit_is_lost(self) -> None:
        page = self.store.find(TITLE)
        body = page.body if page else ""
        lost = {mark for marks in self.human.values() for mark in marks if mark not in body}
        assert not lost, lost


TestProtection = Protection.TestCase
TestProtection.settings = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_MACHINE_EXAMPLES", "60")),
    stateful_step_count=int(os.environ.get("HYPOTHESIS_MACHINE_STEPS", "25")),
    deadline=None,
)
