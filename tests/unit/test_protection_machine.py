"""A state machine that interleaves doc edits, page edits and syncs, and checks after each
step that no person's words were lost, that the doc's words arrive wherever the page allows,
and that a sync with nothing new writes nothing at all."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from syncer.merge import section_of
from syncer.model import Document, Tab
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


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)


class Protection(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryPageStore()
        self.doc: dict[dt.date, str] = {}
        self.revision = 0
        self.human: set[str] = set()
        self.marks = (f"human-{n}" for n in itertools.count())

    def document(self) -> Document:
        blocks = []
        for date in sorted(self.doc, reverse=True):
            blocks += [para(date.isoformat(), 2), item(f"[inform] doc says {self.doc[date]}")]
        return Document((Tab("Notes", tuple(blocks)),), revision=f"r{self.revision}")

    @rule(date=st.sampled_from(DATES), text=words)
    def doc_edit(self, date: dt.date, text: str) -> None:
        self.doc[date] = text
        self.revision += 1

    @rule(date=st.sampled_from(DATES))
    def doc_clears_a_meeting(self, date: dt.date) -> None:
        if self.doc.pop(date, None) is not None:
            self.revision += 1

    @precondition(lambda self: self.store.find(TITLE) is not None)
    @rule(date=st.sampled_from(DATES))
    def person_edits_a_section(self, date: dt.date) -> None:
        body = self.store.find(TITLE).body
        heading = f"<h2>{date.isoformat()}</h2>"
        if heading in body:
            mark = next(self.marks)
            self.store.person_saves(TITLE, body.replace(heading, f"{heading}<p>{mark}</p>", 1))
            self.human.add(mark)

    @precondition(lambda self: self.store.find(TITLE) is not None)
    @rule()
    def person_edits_the_preamble(self) -> None:
        mark = next(self.marks)
        self.store.person_saves(TITLE, f"<p>{mark}</p>" + self.store.find(TITLE).body)
        self.human.add(mark)

    @rule()
    def sync(self) -> None:
        planner = Planner(PUBLISHING, self.store)
        plan = planner.plan(self.document(), "notes")
        apply_plan(plan, planner)
        page = self.store.find(TITLE)
        body = page.body if page else ""
        for page in plan.pages:
            for decision in page.merge.decisions:
                if decision.status in (Status.ADDED, Status.UPDATED, Status.UNCHANGED):
                    section = section_of(body, decision.date) or ""
                    assert f"doc says {self.doc[decision.date]}" in section, decision

    @rule()
    def a_sync_with_nothing_new_writes_nothing(self) -> None:
        self.sync()
        before = self.store.writes
        self.sync()
        assert self.store.writes == before

    @invariant()
    def no_person_edit_is_lost(self) -> None:
        page = self.store.find(TITLE)
        body = page.body if page else ""
        lost = {mark for mark in self.human if mark not in body}
        assert not lost, lost


TestProtection = Protection.TestCase
TestProtection.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
