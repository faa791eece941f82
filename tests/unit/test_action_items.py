"""Action items: checklists are tasks, plain bullets that read as action items are too when
asked (``detect``), a known name at a task's start is its assignee, a date chip its due date;
the meeting-notes block's opening line and attendees; the previews show tasks."""

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncer.action_items import ActionItems, with_tasks
from syncer.errors import ConfigError
from syncer.model import BOLD, DateChip, Item, ItemList, ListItem, Paragraph, Text
from syncer.parse import ParseOptions, parse_document
from syncer.render import People, render_meeting
from syncer.report import storage_markdown
from syncer.settings import load_settings
from syncer.tasks import tasks_in
from syncer.xhtml import parse_fragment
from tests.fakes.confluence import storage_error
from tests.helpers import doc, item, para

DEC_20 = dt.date(2023, 12, 20)
PEOPLE = People({"dave": "acc-dave", "jeremy smith": "acc-jeremy", "kelly@x.org": "acc-kelly"})
DETECT = ParseOptions(action_items=ActionItems(True, names=frozenset({"dave", "jeremy smith"})))


def chip(name: str, email: str) -> Text:
    return Text(name, link=f"mailto:{email}")


def check(text: str, done: bool = False, level: int = 1) -> ListItem:
    return ListItem((Text(text),), level, False, "checks", 0, done)


def storage(*blocks, options: ParseOptions = DETECT, people: People = PEOPLE) -> str:
    meetings = parse_document(doc(para("2023-12-20", 2), *blocks), options)
    body = render_meeting(meetings[0], 2, people)
    assert storage_error(body) is None
    return body


def tasks(body: str):
    return [task for _node, task in tasks_in([parse_fragment(body)])]


def test_prose_follow_ups_become_tasks_assigned_to_the_person_named_first():
    body = storage(
        item("[inform] (Kelly) config repos"),
        item("Dave to make issue in configuration repo (?) to track this.", 1),
        item("we agreed on nothing", 1),
        item("Jeremy  Smith will see if we want to turn on Issues there", 1),
    )
    found = tasks(body)
    assert [(t.assignee, t.words) for t in found] == [
        ("acc-dave", "to make issue in configuration repo (?) to track this."),
        ("acc-jeremy", "will see if we want to turn on Issues there"),
    ]
    assert "<ul><li>we agreed on nothing</li></ul>" in body  # a note stays a note


@pytest.mark.parametrize(
    "text, words",
    [
        ("AI: book the room", "book the room"),
        ("TODO book the room", "book the room"),
        ("todo: book the room", "book the room"),
        ("[action] book the room", "book the room"),
    ],
)
def test_a_prefix_makes_a_task_and_is_taken_off(text, words):
    assert [t.words for t in tasks(storage(item("[quest] rooms"), item(text, 1)))] == [words]


@pytest.mark.parametrize(
    "text",
    ["TODOs are piling up", "Davey to go", "Dave said to go", "Kelly to go", "AIM: high"],
)
def test_what_only_looks_like_an_action_item_stays_a_note(text):
    assert tasks(storage(item("[quest] rooms"), item(text, 1))) == []


def test_a_topic_with_intents_stays_a_topic_and_checklists_alone_are_tasks_by_default():
    body = storage(item("[inform] Dave to present"), item("Dave to go", 1), options=ParseOptions())
    assert tasks(body) == []
    body = storage(item("[inform] Dave to present"), item("Dave to go", 1))
    assert [t.words for t in tasks(body)] == ["to go"]  # the topic is not, its bullet is


def test_a_person_chip_followed_by_will_is_an_action_item_and_its_assignee():
    bullet = ListItem((chip("Kelly", "kelly@x.org"), Text(" will draw it")), 1)
    [task] = tasks(storage(item("[inform] diagrams"), bullet))
    assert (task.assignee, task.words) == ("acc-kelly", "will draw it")


def test_a_checklist_item_gets_its_assignee_from_its_first_name_and_its_due_date_from_a_chip():
    due = ListItem(
        (Text("Dave check the quotas by "), DateChip(dt.date(2024, 1, 5), "Jan 5")),
        1,
        False,
        "c",
        0,
        True,
    )
    [task] = tasks(storage(item("[inform] quotas"), due, options=ParseOptions()))
    assert (task.assignee, task.due, task.done) == ("acc-dave", dt.date(2024, 1, 5), True)
    assert task.words == "check the quotas by"


def test_a_numbered_list_numbers_on_past_the_tasks_it_holds():
    meeting = parse_document(
        doc(
            para("2023-12-20", 2),
            item("[inform] steps"),
            item("one", 1, ordered=True),
            item("TODO two", 1, ordered=True),
            item("three", 1, ordered=True),
        ),
        DETECT,
    )[0]
    lists = meeting.topics[0].children
    assert [(lst.tasks, lst.ordered, lst.start) for lst in lists] == [
        (False, True, 1),
        (True, False, 1),
        (False, True, 3),
    ]


def test_task_ids_are_the_same_on_every_render():
    blocks = (item("[inform] x"), item("Dave to a", 1), item("TODO b", 1))
    ids = [[t.id for t in tasks(storage(*blocks))] for _ in range(2)]
    assert ids[0] == ids[1] == ["20231220001", "20231220002"]


words = st.text(alphabet="abcd TOD:[]", max_size=12)


@settings(max_examples=80, deadline=None)
@given(st.lists(words, min_size=1, max_size=6))
def test_detecting_never_loses_or_reorders_a_note(texts):
    """Every bullet's words are kept, in order, whatever reads as an action item."""
    items = tuple(Item((Text(t),)) for t in texts if t)
    if not items:
        return
    split = with_tasks([ItemList(items)], ActionItems(True))
    kept = [i.inlines for lst in split for i in lst.items]
    assert len(kept) == len(items)
    for before, after in zip(items, kept, strict=True):
        shown = "".join(i.text for i in after if isinstance(i, Text))
        assert shown.strip() in before.inlines[0].text  # at most a prefix is taken off


# --- the meeting-notes building block --------------------------------------------------------


def test_the_building_block_opens_a_meeting_and_its_attendees_lead_the_section():
    opening = Paragraph(
        (DateChip(DEC_20, "Dec 20, 2023"), Text(" | "), Text("Arch Hours", link="https://cal/x")),
        1,
    )
    attendees = Paragraph(
        (Text("Attendees: "), chip("Kelly", "kelly@x.org"), Text(" "), chip("Dave", "d@x.org"))
    )
    meetings = parse_document(
        doc(opening, attendees, para("Notes", 3), item("[inform] x"), para("Action items", 3)),
        ParseOptions(),
    )
    assert [m.date for m in meetings] == [DEC_20]
    blocks = meetings[0].blocks
    assert blocks[0] == Paragraph(
        (
            Text("Attendees:", frozenset({BOLD})),
            Text(" "),
            chip("Kelly", "kelly@x.org"),
            Text(", "),
            chip("Dave", "d@x.org"),
        )
    )
    assert blocks[1] == Paragraph((Text("Arch Hours", link="https://cal/x"),))  # the event
    body = render_meeting(meetings[0], 2, PEOPLE)
    assert body.count("<ri:user") == 2  # both attendees are mentions
    assert "<h3>Notes</h3>" in body and "<h3>Action items</h3>" in body


def test_chips_alone_under_the_date_are_the_attendees_but_not_chips_in_a_sentence():
    lone = Paragraph((chip("Kelly", "kelly@x.org"), Text(", "), chip("Dave", "d@x.org")))
    said = Paragraph((Text("ask "), chip("Kelly", "kelly@x.org")))
    first = parse_document(doc(para("2023-12-20", 2), lone), ParseOptions())[0]
    assert first.blocks[0].inlines[0] == Text("Attendees:", frozenset({BOLD}))
    other = parse_document(doc(para("2023-12-20", 2), said), ParseOptions())[0]
    assert other.blocks == (said,)


# --- settings and previews --------------------------------------------------------------------


def test_the_settings_name_the_mode_and_the_prefixes(tmp_path):
    path = tmp_path / "sync.toml"
    base = '[source]\nfile = "n.json"\n[target]\nurl = "file:a"\ntitle = "A {year}"\n'
    path.write_text(base + '[people]\nDave = "acc-dave"\n[meetings]\naction_items = "detect"\n')
    rules = load_settings(path).publishing.parse.action_items
    assert rules.detect and rules.names == frozenset({"dave"})
    assert rules.prefixes == ("AI:", "TODO", "[action]")
    path.write_text(base + '[meetings]\naction_items = "all"\naction_prefixes = "AI"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert "[meetings] action_items" in str(raised.value)
    assert "[meetings] action_prefixes" in str(raised.value)


def test_the_markdown_preview_shows_ticks_assignees_and_due_dates():
    body = (
        "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete"
        '</ac:task-status><ac:task-body><ac:link><ri:user ri:account-id="acc-dave"/></ac:link>'
        ' to fix by <time datetime="2024-01-05"/></ac:task-body></ac:task><ac:task>'
        "<ac:task-id>2</ac:task-id><ac:task-status>complete</ac:task-status>"
        "<ac:task-body><p>book it</p></ac:task-body></ac:task></ac:task-list>"
    )
    assert storage_markdown(body).splitlines() == [
        "* [ ] @acc-dave to fix by 2024-01-05 (due 2024-01-05)",
        "* [x] book it",
    ]


def test_the_json_plan_lists_each_meetings_tasks(tmp_path):
    from syncer.planner import Planner
    from syncer.report import plan_json
    from syncer.settings import Publishing
    from tests.fakes.memory_store import MemoryPageStore

    publishing = Publishing("Arch Hours: {year}", DETECT, PEOPLE)
    notes = doc(para("2023-12-20", 2), item("[inform] x"), item("Dave to fix it", 1))
    plan = Planner(publishing, MemoryPageStore()).plan(notes, "notes")
    [meeting] = json.loads(plan_json(plan))["pages"][0]["meetings"]
    assert meeting["tasks"] == [
        {
            "id": "20231220001",
            "done": False,
            "assignee": "acc-dave",
            "due": None,
            "text": "to fix it",
        }
    ]


def test_an_export_s_opening_line_is_text_and_still_opens_the_meeting():
    """An HTML export writes the date chip as its text: ``Dec 27, 2023 | Arch Hours``."""
    opening = Paragraph((Text("Dec 27, 2023 | "), Text("Arch Hours", link="https://cal/x")), 2)
    [meeting] = parse_document(doc(opening, item("[inform] x")), ParseOptions())
    assert meeting.date == dt.date(2023, 12, 27)
    assert meeting.blocks[0] == Paragraph((Text("Arch Hours", link="https://cal/x"),))


@pytest.mark.parametrize(
    "inlines",
    [
        (DateChip(DEC_20, "Dec 20"), Text(" standup moved")),  # a chip in a sentence
        (Text("no date | here"),),
        (Text("Dec 20, 2023 retro"),),
    ],
)
def test_a_line_without_a_date_and_a_bar_opens_no_meeting(inlines):
    before = para("2023-12-13", 2)
    meetings = parse_document(doc(before, Paragraph(inlines, 2), item("[inform] x")))
    assert [m.date for m in meetings] == [dt.date(2023, 12, 13)]


def test_the_previews_name_a_mentioned_user_as_people_does():
    body = (
        '<p><ac:link><ri:user ri:account-id="acc-dave"/></ac:link> and'
        ' <ac:link><ri:user ri:username="x"/></ac:link></p>'
    )
    assert storage_markdown(body, {"acc-dave": "Dave"}) == "@Dave and @x"


def test_the_dry_run_diff_shows_a_task_with_its_assignees_name(tmp_path):
    from syncer.planner import Planner
    from syncer.report import diff_lines
    from syncer.settings import Publishing
    from tests.fakes.memory_store import MemoryPageStore

    people = People({"dave": "acc-dave"}, names={"acc-dave": "Dave"})
    publishing = Publishing("Arch Hours: {year}", DETECT, people)
    notes = doc(para("2023-12-20", 2), item("[inform] x"), item("Dave to fix it", 1))
    plan = Planner(publishing, MemoryPageStore()).plan(notes, "notes")
    assert "+  * [ ] @Dave to fix it" in list(diff_lines(plan))
