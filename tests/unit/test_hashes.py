"""The hashes kept in the sync state are pinned: no refactoring may change them unnoticed.

The form-1 values were computed by the release at commit 7ea5dfd, whose state pages synced
before this release hold (``tests/data/upgrade``)."""

import dataclasses
import datetime as dt
import json

from syncer.fingerprint import meeting_fingerprint
from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    CellSpan,
    CodeBlock,
    DateChip,
    FootnoteRef,
    Footnotes,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    Paragraph,
    Rule,
    Table,
    Text,
    Topic,
)
from syncer.reading import reader_form, section_hash
from syncer.state import STATE_SCHEMA, SectionRecord, SyncState
from syncer.xhtml import parse_fragment

DEEPER = ItemList((Item((Text("deeper"),)),), True)
NESTED = Item(
    (
        Text("nested ", frozenset({CODE, STRIKE})),
        Text("sup", frozenset({SUPERSCRIPT})),
        Text("sub", frozenset({SUBSCRIPT})),
    ),
    (DEEPER,),
)
MEETING = Meeting(
    dt.date(2023, 12, 20),
    (
        Paragraph((Text("Agenda", frozenset({BOLD, ITALIC})),), 3),
        Paragraph(
            (
                Text("See "),
                Text("the doc", frozenset({UNDERLINE}), "https://example.org/a?b=1&c=2"),
                LineBreak(),
                DateChip(dt.date(2024, 1, 3), "Jan 3, 2024"),
            )
        ),
        ItemList(
            (
                Topic(
                    (Text("(Kelly) I made a diagram"),),
                    (ItemList((NESTED,), False),),
                    ("inform", "quest"),
                    "Kelly",
                ),
                Topic((Text("no tags"),)),
            ),
            False,
        ),
        Table(
            (
                ((Paragraph((Text("cell"),)),), (ItemList((Item((Text("x"),)),), True),)),
                ((Paragraph((Text('é ✓ "q" <a>'),)),), ()),
            )
        ),
    ),
)
SECTION = (
    '<h2>2023-12-20</h2>\n<ul><li><ac:structured-macro ac:name="status" ac:schema-version="1">'
    '<ac:parameter ac:name="colour">Blue</ac:parameter><ac:parameter ac:name="title">INFORM'
    "</ac:parameter></ac:structured-macro> (Kelly) a <strong>b</strong>&nbsp;c<ul><li>n</li>"
    '</ul></li></ul><p data-x="1" local-id="9">t <a href="https://e.org">l</a></p>'
)


def test_the_doc_fingerprint_in_each_form_is_pinned():
    assert meeting_fingerprint(MEETING, 1) == "097e13349a6a87e874c553a74f528a9c"
    assert meeting_fingerprint(MEETING, 2) == "9f99a1b4c75292d6db1267c5ca9793fb"
    assert meeting_fingerprint(MEETING, 3) == "04e2b4d384dfe3ddddd171b07615e78d"
    assert meeting_fingerprint(MEETING) == meeting_fingerprint(MEETING, 3)


# Everything the model gained for issue 12 (list starts, checklists, merged cells, code,
# rules, footnotes), in one meeting.
LATER = Meeting(
    dt.date(2023, 12, 20),
    (
        ItemList((Item((Text("numbered"),)),), True, start=4),
        ItemList(
            (Topic((Text("book the room"),), done=True), Topic((Text("send notes"),))), tasks=True
        ),
        Table((((Paragraph((Text("wide"),)),), (Paragraph((Text("c"),)),)),), (CellSpan(0, 0, 2),)),
        CodeBlock("def f():\n    return ']]>'"),
        Rule(),
        Paragraph((Text("Agreed"), FootnoteRef("1"), Text(" today."))),
        Footnotes(((Paragraph((Text(" Per the contract."),)),),)),
    ),
)


def test_the_fingerprint_of_what_the_model_gained_is_pinned():
    assert meeting_fingerprint(LATER, 2) == "a43b33b0bb3a517a7791b8d3df2ff520"
    assert meeting_fingerprint(LATER, 1) == "e5a0fd8e18a942a8e61b1219647314cc"
    assert meeting_fingerprint(LATER, 3) == "29e961a91bca4e636719eb6cb8c90c72"


def test_form_3_reads_no_tick_so_the_doc_ticking_a_task_is_no_change_of_the_meeting():
    unticked = dataclasses.replace(
        LATER, blocks=(ItemList((Topic((Text("book the room"),)),), tasks=True),)
    )
    ticked = dataclasses.replace(
        LATER, blocks=(ItemList((Topic((Text("book the room"),), done=True),), tasks=True),)
    )
    assert meeting_fingerprint(ticked, 3) == meeting_fingerprint(unticked, 3)
    assert meeting_fingerprint(ticked, 2) != meeting_fingerprint(unticked, 2)


def test_a_new_field_at_its_default_leaves_the_hash_as_it_was_and_any_other_value_changes_it():
    plain = ItemList((Item((Text("x"),)),), True)
    same = Meeting(MEETING.date, (ItemList((Item((Text("x"),), done=False),), True, 1, False),))
    assert meeting_fingerprint(same) == meeting_fingerprint(Meeting(MEETING.date, (plain,)))
    changed = [
        dataclasses.replace(plain, start=2),
        dataclasses.replace(plain, tasks=True),
        dataclasses.replace(plain, items=(Item((Text("x"),), done=True),)),
    ]
    hashes = {
        meeting_fingerprint(Meeting(MEETING.date, (block,)), 2) for block in [plain, *changed]
    }
    assert len(hashes) == 4
    firsts = {
        meeting_fingerprint(Meeting(MEETING.date, (block,)), 1) for block in [plain, *changed]
    }
    assert len(firsts) == 1  # form 1 knows none of them


def test_form_1_reads_a_meeting_as_the_first_release_read_it():
    """That release left footnotes and rules out and read a code block's lines as code."""
    now = Meeting(
        MEETING.date,
        (
            Paragraph((Text("a "), FootnoteRef("1"), Text("b"))),
            Rule(),
            CodeBlock("x = 1\n\n  y"),
            Footnotes(((Paragraph((Text("note"),)),),)),
        ),
    )
    code = frozenset({CODE})
    then = Meeting(
        MEETING.date,
        (
            Paragraph((Text("a b"),)),
            Paragraph((Text("x = 1", code),)),
            Paragraph((Text("  y", code),)),
        ),
    )
    assert meeting_fingerprint(now, 1) == meeting_fingerprint(then, 1)
    assert meeting_fingerprint(now, 2) != meeting_fingerprint(then, 2)


def test_the_section_hash_in_each_form_is_pinned():
    nodes = list(parse_fragment(SECTION))
    assert section_hash(nodes, 1) == "15063cab5450d8d33a393fdf62f81722"
    assert section_hash(nodes, 2) == "1be75a7149e394ab1f4231a6791cb02c"
    assert section_hash(nodes, 3) == section_hash(nodes, 2)  # they differ on tasks only
    assert reader_form(nodes) == (
        '<h2>2023-12-20</h2><ul><li><p><ac:structured-macro ac:name="status"><ac:parameter'
        ' ac:name="colour">Blue</ac:parameter><ac:parameter ac:name="title">INFORM'
        "</ac:parameter></ac:structured-macro> (Kelly) a <strong>b </strong>c</p><ul><li><p>n"
        '</p></li></ul></li></ul><p data-x="1">t <a href="https://e.org">l</a></p>'
    )


TASKS = (
    "<h2>2023-12-20</h2><ac:task-list><ac:task><ac:task-id>7</ac:task-id>"
    "<ac:task-status>complete</ac:task-status><ac:task-body>book it</ac:task-body></ac:task>"
    "</ac:task-list>"
)


def test_form_2_of_a_section_reads_its_ticks_as_the_release_before_did_and_form_3_not():
    """The value is what the release before (d905505~1) computed: hashes pages hold from
    before ticks were the page's stay theirs. From now on a tick changes no hash."""
    nodes = list(parse_fragment(TASKS))
    unticked = list(parse_fragment(TASKS.replace(">complete<", ">incomplete<")))
    assert section_hash(nodes, 2) == "07e3d6fd38dee1d58cc180467c264dea"
    assert section_hash(unticked, 2) != section_hash(nodes, 2)
    assert section_hash(unticked, 3) == section_hash(nodes, 3)
    spanned = TASKS.replace("book it", '<span class="placeholder-inline-tasks">book it</span>')
    assert section_hash(list(parse_fragment(spanned)), 2) == "755491e7f090aa7c60f6645475dd0825"
    assert section_hash(list(parse_fragment(spanned)), 3) == section_hash(nodes, 3)


def test_the_stored_state_is_pinned():
    state = SyncState({"2023-12-20": SectionRecord("p", "d", 4)}, "rev|tag", 4)
    assert STATE_SCHEMA == 3
    assert json.dumps(state.to_json(), sort_keys=True) == (
        '{"meetings": {"2023-12-20": {"doc": "d", "doc_form": 2, "page": "p", "page_form": 2,'
        ' "version": 4}}, "page_version": 4, "schema": 3, "source_revision": "rev|tag"}'
    )
    assert SyncState.from_json(state.to_json()) == state


def test_state_of_the_second_release_is_read_with_the_first_forms():
    old = {
        "schema": 2,
        "page_version": 1,
        "source_revision": "r",
        "meetings": {"2023-12-20": {"doc": "d", "page": "p", "version": 1}},
    }
    assert SyncState.from_json(old).meetings == {"2023-12-20": SectionRecord("p", "d", 1, 1, 1)}


def test_an_entry_in_a_form_this_release_does_not_know_is_not_ours():
    future = SyncState({"2023-12-20": SectionRecord("p", "d", 1, 9, 2)}).to_json()
    assert SyncState.from_json(future).meetings == {}


def test_the_version_the_index_was_built_from_is_kept_only_when_there_is_one():
    state = SyncState({}, "r", 4, indexed_version=6)
    assert state.to_json()["indexed_version"] == 6
    assert SyncState.from_json(state.to_json()) == state
    assert "indexed_version" not in SyncState({}, "r", 4).to_json()
    assert SyncState.from_json({**state.to_json(), "indexed_version": "6"}).indexed_version is None
