"""The structure of real Google Docs, carried whole (issue 12, items 1-12): each item on the
smallest input that shows it, read as a user's file is read, parsed and rendered, and
compared as a reader of the page sees it. (Item 13, clipboard HTML, is a CLI error:
``tests/e2e/test_doc_structure.py``.)"""

from __future__ import annotations

import json
from typing import Any

from syncer.model import Document
from syncer.parse import parse_document
from syncer.reading import reader_form_text
from syncer.render import render_meeting
from syncer.sources import select_tab
from syncer.sources.docs_json import read_docs_data, read_docs_json
from syncer.sources.html_export import read_html_export
from tests.unit.test_docs_json import LISTS, item, legacy, para, run, table
from tests.unit.test_html_export import export

Json = dict[str, Any]
DATE = para(run("2023-12-20"), style="HEADING_2")
CODE_FONT = {"weightedFontFamily": {"fontFamily": "Roboto Mono", "weight": 400}}
N = "kix.numbers"
TASK = "<ac:task><ac:task-status>{}</ac:task-status><ac:task-body>{}</ac:task-body></ac:task>"


def from_json(*content: Json, lists: Json = LISTS, **extra: Any) -> Document:
    doc = legacy(DATE, *content, lists=lists)
    return read_docs_json(json.dumps({**doc, **extra}).encode(), name="notes.json")


def from_html(body: str, css: str = "") -> Document:
    return read_html_export(export(f"<h2>2023-12-20</h2>{body}", css), name="notes.html")


def page(document: Document) -> str:
    """The storage of the document's one meeting, as a reader of the page sees it."""
    (meeting,) = parse_document(document)
    return reader_form_text(render_meeting(meeting))


def reads(expected: str) -> str:
    return reader_form_text(f"<h2>2023-12-20</h2>{expected}")


# --- 1. a bulleted list and a numbered one stay two lists --------------------------------------


def test_1_a_bulleted_list_then_a_numbered_one_are_two_lists() -> None:
    document = from_json(item(run("bullet")), para(), item(run("number"), list_id="kix.numbers"))
    assert page(document) == reads("<ul><li>bullet</li></ul><ol><li>number</li></ol>")


def test_1_two_kinds_at_one_level_under_a_topic_are_two_lists() -> None:
    document = from_json(
        item(run("topic")),
        item(run("note"), level=1),
        item(run("step"), level=1, list_id="kix.numbers"),
    )
    assert page(document) == reads(
        "<ul><li>topic<ul><li>note</li></ul><ol><li>step</li></ol></li></ul>"
    )


# --- 2. numbering goes on across what comes between --------------------------------------------


def test_2_numbering_goes_on_after_a_paragraph_between_items() -> None:
    document = from_json(
        item(run("one"), list_id=N), item(run("two"), list_id=N), para(run("aside")),
        table([[para(run("cell"))]]), item(run("three"), list_id=N),
    )  # fmt: skip
    assert page(document) == reads(
        "<ol><li>one</li><li>two</li></ol><p>aside</p><table><tbody><tr><td><p>cell</p></td>"
        '</tr></tbody></table><ol start="3"><li>three</li></ol>'
    )


def test_2_the_exports_start_attribute_is_the_number_shown() -> None:
    body = (
        '<ol class="lst-kix_n-0 start" start="1"><li><span>one</span></li></ol>'
        '<p><span>aside</span></p><ol class="lst-kix_n-0" start="2"><li><span>two</span></li></ol>'
    )
    assert page(from_html(body)) == reads(
        '<ol><li>one</li></ol><p>aside</p><ol start="2"><li>two</li></ol>'
    )


# --- 3. merged cells -------------------------------------------------------------------------


def merged(columns: int = 1, rows: int = 1) -> Json:
    return {"tableCellStyle": {"columnSpan": columns, "rowSpan": rows}}


def test_3_merged_cells_of_a_docs_table_span_and_covered_cells_are_not_cells() -> None:
    grid = table(
        [[para(run("wide"))], [para()], [para(run("c"))]],
        [[para(run("x"))], [para(run("y"))], [para(run("z"))]],
    )
    cells = grid["table"]["tableRows"][0]["tableCells"]
    cells[0] |= merged(columns=2)
    assert page(from_json(grid)) == reads(
        '<table><tbody><tr><td colspan="2"><p>wide</p></td><td><p>c</p></td></tr>'
        "<tr><td><p>x</p></td><td><p>y</p></td><td><p>z</p></td></tr></tbody></table>"
    )


def test_3_merged_cells_of_an_export_keep_their_spans() -> None:
    body = (
        '<table><tr><td colspan="2" rowspan="2"><p><span>big</span></p></td><td><p><span>a</span>'
        "</p></td></tr><tr><td><p><span>b</span></p></td></tr></table>"
    )
    assert page(from_html(body)) == reads(
        '<table><tbody><tr><td colspan="2" rowspan="2"><p>big</p></td><td><p>a</p></td></tr>'
        "<tr><td><p>b</p></td></tr></tbody></table>"
    )


# --- 4. headings keep their depth ------------------------------------------------------------


def test_4_headings_in_a_meeting_keep_their_depth_below_its_date() -> None:
    document = from_json(
        para(run("Part"), style="HEADING_1"),
        para(run("Section"), style="HEADING_2"),
        para(run("Point"), style="HEADING_3"),
    )
    assert page(document) == reads("<h3>Part</h3><h4>Section</h4><h5>Point</h5>")


# --- 5. numbered headings stay headings ------------------------------------------------------


def test_5_a_heading_docs_numbers_stays_a_heading_with_its_number() -> None:
    numbered = {"listId": "kix.numbers"}
    heading = para(run("Scope"), style="HEADING_3", bullet=numbered)
    second = para(run("Terms"), style="HEADING_3", bullet=numbered)
    assert page(from_json(heading, para(run("text")), second)) == reads(
        "<h3>1. Scope</h3><p>text</p><h3>2. Terms</h3>"
    )


# --- 6. footnotes ----------------------------------------------------------------------------


def test_6_a_footnote_is_a_note_at_the_end_of_its_meeting_linked_from_its_number() -> None:
    reference = {"footnoteReference": {"footnoteId": "kix.fn", "footnoteNumber": "7"}}
    footnotes = {"kix.fn": {"footnoteId": "kix.fn", "content": [para(run(" Per the contract."))]}}
    document = from_json(para(run("Agreed"), reference, run(" today.")), footnotes=footnotes)
    assert page(document) == reads(
        '<p>Agreed<sup><ac:link ac:anchor="2023-12-20-footnote-1"><ac:link-body>1'
        "</ac:link-body></ac:link></sup> today.</p>"
        '<p><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">'
        "2023-12-20-footnote-1</ac:parameter></ac:structured-macro><sup>1</sup>"
        " Per the contract.</p>"
    )
    assert document.omitted == ()
    assert select_tab(document, "Arch Hours notes", "notes.json").footnotes == document.footnotes


# --- 7. inline styles ------------------------------------------------------------------------


def test_7_marks_set_by_style_attributes_count_as_marks_set_by_classes() -> None:
    body = '<p><span style="font-weight:700">bold</span> <span class="c6">italic</span></p>'
    document = from_html(body, ".c6{font-style:italic}")
    assert page(document) == reads("<p><strong>bold</strong> <em>italic</em></p>")


def test_7_an_older_export_styled_only_by_attributes_is_read() -> None:
    older = (
        b'<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"></head>'
        b'<body style="background-color:#ffffff;padding:72pt 72pt 72pt 72pt;max-width:468pt">'
        b'<h2>2023-12-20</h2><p><span style="font-weight:700">bold</span> <span style="font-'
        b'style:italic">italic</span> <span style="text-decoration:underline">under</span></p>'
        b"</body></html>"
    )
    document = read_html_export(older, name="notes.html")
    assert page(document) == reads("<p><strong>bold</strong> <em>italic</em> <u>under</u></p>")


# --- 8. checklists ---------------------------------------------------------------------------

CHECKLIST_CSS = ".c9{text-decoration:line-through}" + "".join(
    f'.lst-kix_chk-{n}>li:before{{content:"\\0025cf   "}}' for n in range(9)
)


def test_8_an_exported_checklist_is_tasks_done_where_its_items_are_struck_through() -> None:
    body = (
        '<ul class="lst-kix_chk-0 start"><li class="c9"><span>book room</span></li>'
        "<li><span>send notes</span></li></ul>"
    )
    document = from_html(body, CHECKLIST_CSS)
    assert page(document) == reads(
        "<ac:task-list>"
        + TASK.format("complete", "book room")
        + TASK.format("incomplete", "send notes")
        + "</ac:task-list>"
    )
    (meeting,) = parse_document(document)
    ids = ["20231220001", "20231220002"]
    assert [f"<ac:task-id>{n}</ac:task-id>" in render_meeting(meeting) for n in ids] == [True, True]


def test_8_a_docs_checklist_is_tasks_not_done_and_says_why() -> None:
    checklist = {"listProperties": {"nestingLevels": [{"glyphType": "GLYPH_TYPE_UNSPECIFIED"}]}}
    document = from_json(item(run("book room"), list_id="kix.chk"), lists={"kix.chk": checklist})
    assert page(document) == reads(
        f"<ac:task-list>{TASK.format('incomplete', 'book room')}</ac:task-list>"
    )
    assert document.omitted == (
        "1 checklist item read as not done: the Docs API does not say which are checked",
    )


# --- 9. U+E907 -------------------------------------------------------------------------------


def test_9_the_placeholder_for_an_unexposed_element_is_dropped_and_named() -> None:
    document = from_json(para(run("Status: \ue907 (owner)")))
    assert page(document) == reads("<p>Status:  (owner)</p>")
    assert document.omitted == (
        "1 element Google does not expose (U+E907, such as a dropdown or file chip) left out",
    )


# --- 10. code blocks -------------------------------------------------------------------------


def test_10_monospace_paragraphs_are_one_code_block_with_every_space_and_line() -> None:
    document = from_json(
        para(run("def f():", **CODE_FONT)),
        para(run("    return ']]>'", **CODE_FONT)),
        para(),
        para(run("f()", **CODE_FONT)),
        para(run("after")),
    )
    code = "def f():\n    return ']]>'\n\nf()"
    assert page(document) == reads(
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA['
        + code.replace("]]>", "]]]]><![CDATA[>")
        + "]]></ac:plain-text-body></ac:structured-macro><p>after</p>"
    )


def test_10_googles_code_block_markers_bracket_a_code_block() -> None:
    body = (
        "<p><span>\uec03if x:</span></p><p><span>&nbsp; &nbsp; go()</span></p><p></p>"
        "<p><span>\uec02</span></p><p><span>text</span></p>"
    )
    assert page(from_html(body)) == reads(
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if x:\n    go()'
        "]]></ac:plain-text-body></ac:structured-macro><p>text</p>"
    )


# --- 11. rules -------------------------------------------------------------------------------


def test_11_a_horizontal_rule_is_a_rule() -> None:
    rule = {"horizontalRule": {"textStyle": {}}}
    document = from_json(para(run("above")), para(rule), para(run("below")))
    assert page(document) == reads("<p>above</p><hr/><p>below</p>")
    assert page(from_html("<p><span>above</span></p><hr><p><span>below</span></p>")) == reads(
        "<p>above</p><hr/><p>below</p>"
    )


# --- 12. floating images and drawings --------------------------------------------------------


def test_12_floating_images_are_counted_and_drawings_named() -> None:
    anchored = para(run("text beside a picture"))
    anchored["paragraph"]["positionedObjectIds"] = ["kix.pic", "kix.draw"]
    floating = {
        "kix.pic": {"positionedObjectProperties": {"embeddedObject": {"imageProperties": {}}}},
        "kix.draw": {
            "positionedObjectProperties": {"embeddedObject": {"embeddedDrawingProperties": {}}}
        },
    }
    document = from_json(anchored, positionedObjects=floating)
    assert document.omitted == (
        "1 floating image (positioned object) left out",
        "1 floating drawing (the Docs API gives no drawing's content) left out",
    )


def test_the_live_adapter_hands_over_the_decoded_response() -> None:
    raw = legacy(DATE, item(run("topic")))
    assert read_docs_data(raw, name="doc") == read_docs_json(json.dumps(raw).encode(), name="doc")
