import datetime as dt

from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    DateChip,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    Paragraph,
    Table,
    Text,
    Topic,
)
from syncer.render import render_meeting
from syncer.xhtml import parse_fragment

DEC_20 = dt.date(2023, 12, 20)
AC = "{urn:confluence:ac}"


def render(*blocks, level: int = 2):
    return parse_fragment(render_meeting(Meeting(DEC_20, blocks), level))


def test_a_meeting_is_an_iso_date_heading_then_its_topics_as_top_level_items():
    topics = ItemList((Topic((Text("one"),)), Topic((Text("two"),))))
    root = render(topics)
    assert [(c.tag, c.text) for c in root][:1] == [("h2", "2023-12-20")]
    assert [li.text for li in root.find("ul").findall("li")] == ["one", "two"]


def test_notes_nest_inside_their_parent_item_at_the_same_depth():
    deep = ItemList((Item((Text("deeper"),)),), ordered=True)
    note = ItemList((Item((Text("note"),), (deep,)),))
    root = render(ItemList((Topic((Text("topic"),), (note,)),)))
    assert root.find("ul/li/ul/li/ol/li").text == "deeper"


def test_each_intent_tag_is_a_status_lozenge_in_its_colour():
    root = render(ItemList((Topic((Text("(Kelly) map"),), tags=("inform", "quest")),)))
    macros = root.findall(f"ul/li/{AC}structured-macro")
    params = [
        {p.get(f"{AC}name"): p.text for p in macro.findall(f"{AC}parameter")} for macro in macros
    ]
    assert params == [
        {"colour": "Blue", "title": "INFORM"},
        {"colour": "Green", "title": "QUEST"},
    ]
    assert all(m.get(f"{AC}name") == "status" for m in macros)
    assert macros[-1].tail == " (Kelly) map"


def test_marks_links_breaks_and_chips_keep_their_meaning():
    inlines = (
        Text("b", frozenset({BOLD, ITALIC})),
        Text("s", frozenset({STRIKE})),
        Text("c", frozenset({CODE})),
        LineBreak(),
        Text("site", frozenset({BOLD}), "https://example.org/?a=1&b=2"),
        Text("bad", link="javascript:alert(1)"),
        DateChip(DEC_20, "Dec 20"),
    )
    p = render(Paragraph(inlines)).find("p")
    assert p.find("strong/em").text == "b"
    assert p.find("s").text == "s" and p.find("code").text == "c"
    assert p.find("br") is not None
    assert p.find("a").get("href") == "https://example.org/?a=1&b=2"
    assert p.find("a/strong").text == "site"
    assert len(p.findall("a")) == 1 and "bad" in "".join(p.itertext())
    assert p.find("time").get("datetime") == "2023-12-20"


def test_headings_inside_a_meeting_stay_below_its_date_heading():
    root = render(Paragraph((Text("Actions"),), heading=1), level=2)
    assert root[1].tag == "h3"
    root = render(Paragraph((Text("Actions"),), heading=1), level=6)
    assert root[1].tag == "p" and root[1].find("strong").text == "Actions"


def test_tables_keep_rows_cells_and_nested_lists():
    table = Table(
        (
            ((Paragraph((Text("a"),)),), (ItemList((Item((Text("b"),)),)),)),
            ((Paragraph((Text("c"),)),), ()),
        )
    )
    rows = render(table).findall("table/tbody/tr")
    assert [[("".join(td.itertext())) for td in tr.findall("td")] for tr in rows] == [
        ["a", "b"],
        ["c", ""],
    ]
