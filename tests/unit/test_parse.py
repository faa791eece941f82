import datetime as dt

import pytest

from syncer.model import DateChip, Document, Item, ItemList, Paragraph, Tab, Table, Text, Topic
from syncer.parse import ParseOptions, parse_document, read_meetings
from tests.helpers import doc, item, para

DEC_20, DEC_13 = dt.date(2023, 12, 20), dt.date(2023, 12, 13)


def test_meetings_start_at_dated_headings_and_lone_date_paragraphs():
    meetings = parse_document(
        doc(
            para("Add your topics below."),
            para("2023-12-20", heading=2),
            item("[inform] one"),
            para("Dec 13, 2023"),
            item("[quest] two"),
        )
    )
    assert [m.date for m in meetings] == [DEC_20, DEC_13]
    assert [len(m.topics) for m in meetings] == [1, 1]


def test_text_before_the_first_meeting_and_undated_headings_are_not_meetings():
    (meeting,) = parse_document(
        doc(para("Intro", heading=1), item("stray"), para("2023-12-20", 3), para("Agenda", 2))
    )
    assert meeting.date == DEC_20
    assert meeting.blocks == (para("Agenda", 2),)


def test_a_date_chip_alone_opens_a_meeting():
    chip = Paragraph((DateChip(DEC_20, "Dec 20, 2023"),))
    (meeting,) = parse_document(doc(chip, item("topic")))
    assert meeting.date == DEC_20


def test_each_tab_is_read_on_its_own_and_a_template_tab_gives_nothing():
    notes = Tab("Notes", (para("2023-12-20", 2), item("a")))
    template = Tab("Template", (para("Topic template", 1), item("[inform] (Name) …")))
    later = Tab("Older", (item("belongs to no meeting"), para("2023-12-13", 2), item("b")))
    meetings = parse_document(Document((notes, template, later)))
    assert [(m.date, [t.inlines for t in m.topics]) for m in meetings] == [
        (DEC_20, [(Text("a"),)]),
        (DEC_13, [(Text("b"),)]),
    ]


def test_a_date_written_twice_is_one_meeting_in_document_order():
    (meeting,) = parse_document(
        doc(para("2023-12-20", 2), item("first"), para("December 20, 2023", 2), item("second"))
    )
    assert [t.inlines[0].text for t in meeting.topics] == ["first", "second"]


def test_nesting_is_rebuilt_from_levels():
    (meeting,) = parse_document(
        doc(
            para("2023-12-20", 2),
            item("topic"),
            item("note", 1),
            item("deeper", 2),
            item("note 2", 1, ordered=True),
            item("next topic"),
        )
    )
    (topics,) = meeting.blocks
    first = topics.items[0]
    assert first.children == (
        ItemList((Item((Text("note"),), (ItemList((Item((Text("deeper"),)),)),)),)),
        ItemList((Item((Text("note 2"),)),), ordered=True),  # another kind: another list
    )
    assert [t.inlines for t in topics.items] == [(Text("topic"),), (Text("next topic"),)]


def test_a_jump_of_two_levels_nests_one_step_and_loses_nothing():
    (meeting,) = parse_document(doc(para("2023-12-20", 2), item("topic"), item("deep", 2)))
    (note,) = meeting.topics[0].children[0].items
    assert note.inlines == (Text("deep"),)


def test_paragraphs_and_tables_stay_in_place_and_split_lists():
    table = Table((((item("cell note"),),),))
    (meeting,) = parse_document(
        doc(para("2023-12-20", 2), item("a"), para("aside"), table, item("b"))
    )
    kinds = [type(block).__name__ for block in meeting.blocks]
    assert kinds == ["ItemList", "Paragraph", "Table", "ItemList"]
    cell_list = meeting.blocks[2].rows[0][0][0]
    assert cell_list == ItemList((Item((Text("cell note"),)),))  # notes, not topics


@pytest.mark.parametrize(
    ("text", "tags", "presenter", "rest"),
    [
        ("[inform] (Kelly) I made a diagram", ("inform",), "Kelly", "(Kelly) I made a diagram"),
        ("[quest] (Dave): How’s MySQL?", ("quest",), "Dave", "(Dave): How’s MySQL?"),
        ("[inform/quest] (Robert) How can", ("inform", "quest"), "Robert", "(Robert) How can"),
        ("[Question] (Hilary) If we", ("quest",), "Hilary", "(Hilary) If we"),
        ("[informish] (Andy) edx-search", ("inform",), "Andy", "(Andy) edx-search"),
        ("[quest](Hilary) - api access", ("quest",), "Hilary", "(Hilary) - api access"),
        ("[Ned] Divergence", (), "Ned", "[Ned] Divergence"),
        ("[AS][Wild Speculation] Are we", (), "AS", "[AS][Wild Speculation] Are we"),
        ("[musings/questions] (Ned) Mapping", (), "Ned", "[musings/questions] (Ned) Mapping"),
        ("(Dave) New Relic -> DataDog", (), "Dave", "(Dave) New Relic -> DataDog"),
        ("High-level discussion", (), None, "High-level discussion"),
        ("[ideation][analysis] both", ("ideation", "analysis"), None, "both"),
    ],
)
def test_topic_tags_and_presenters_follow_the_archive_habits(text, tags, presenter, rest):
    (meeting,) = parse_document(doc(para("2023-12-20", 2), item(text)))
    (topic,) = meeting.topics
    assert (topic.tags, topic.presenter) == (tags, presenter)
    assert "".join(inline.text for inline in topic.inlines) == rest


def test_a_tag_split_across_formatting_runs_is_still_a_tag():
    bold = frozenset({"bold"})
    blocks = (para("2023-12-20", 2),)
    topic_item = item("x")
    split = type(topic_item)((Text("[in", bold), Text("form] ", bold), Text("Kelly's map")))
    (meeting,) = parse_document(doc(*blocks, split))
    (topic,) = meeting.topics
    assert topic == Topic((Text("Kelly's map"),), tags=("inform",))


def test_aliases_come_from_the_config():
    options = ParseOptions(aliases={"q": "quest", "fyi": "inform"})
    (meeting,) = parse_document(doc(para("2023-12-20", 2), item("[FYI] [q] x")), options)
    assert meeting.topics[0].tags == ("inform", "quest")


def test_dmy_option_reads_numeric_headings_day_first():
    (meeting,) = parse_document(doc(para("20/12/2023", 2), item("x")), ParseOptions(day_first=True))
    assert meeting.date == DEC_20


# --- headings that look like dates but are not ----------------------------------------------


def test_a_common_date_form_opens_its_own_meeting():
    meetings = parse_document(
        doc(para("Dec 20th, 2023", 2), item("one"), para("Wednesday 13 December 2023", 2))
    )
    assert [m.date for m in meetings] == [DEC_20, DEC_13]


def test_an_impossible_date_is_warned_about_naming_the_meeting_its_notes_went_to():
    parsed = read_meetings(
        doc(para("2023-02-30", 2), item("lost?"), para("2023-12-20", 2), para("2023-02-30", 2))
    )
    assert [m.date for m in parsed.meetings] == [DEC_20]
    first, second = parsed.warnings
    assert (first.heading, first.filed_under, second.filed_under) == ("2023-02-30", None, DEC_20)
    assert first.message() == (
        "heading '2023-02-30' in tab 'Notes' looks like a date but is not read as one"
        " (February 2023 has no day 30): its notes are in no meeting (no dated meeting comes"
        " before it)"
    )
    assert second.message().endswith("its notes were filed under the meeting of 2023-12-20")


def test_a_heading_that_starts_with_a_date_is_warned_about_a_sentence_is_not():
    parsed = read_meetings(
        doc(para("2023-12-20", 2), para("2023-12-13 retro", 2), para("Agenda for 2023-12-20"))
    )
    (warning,) = parsed.warnings
    assert warning.heading == "2023-12-13 retro"
    assert warning.problem == "a meeting's heading is its date alone"


def test_a_numeric_date_impossible_in_the_date_order_says_which_order_to_set():
    (warning,) = read_meetings(doc(para("2023-12-20", 2), para("20/12/2023", 2))).warnings
    assert 'set date_order = "dmy"' in warning.problem
    assert read_meetings(doc(para("20/12/2023", 2)), ParseOptions(day_first=True)).warnings == ()
