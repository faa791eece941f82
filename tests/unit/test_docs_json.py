"""``documents.get`` JSON → Document, on inputs shaped the way the Docs API sends them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from syncer.errors import SourceError
from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    CodeBlock,
    DateChip,
    Document,
    LineBreak,
    ListItem,
    Paragraph,
    Rule,
    Table,
    Text,
    plain_text,
)
from syncer.sources.docs_json import read_docs_json

Json = dict[str, Any]

# --- builders: the JSON shapes Google sends -----------------------------------------------

BULLETS = {"listProperties": {"nestingLevels": [{"glyphSymbol": s} for s in "●○■"]}}
NUMBERS = {
    "listProperties": {
        "nestingLevels": [
            {"glyphType": g, "glyphFormat": f"%{n}."}
            for n, g in enumerate(("DECIMAL", "ALPHA", "ROMAN"))
        ]
    }
}
LISTS = {"kix.bullets": BULLETS, "kix.numbers": NUMBERS}


def run(text: str, **style: Any) -> Json:
    return {"textRun": {"content": text, "textStyle": style}}


def suggested_run(text: str, kind: str) -> Json:
    element = run(text)
    element["textRun"][kind] = ["suggest.abc123"]
    return element


def chip(kind: str, **props: Any) -> Json:
    key = {"person": "personProperties", "richLink": "richLinkProperties"}.get(
        kind, "dateElementProperties"
    )
    return {kind: {key: props, "textStyle": {}}}


def para(*elements: Json, style: str = "NORMAL_TEXT", bullet: Json | None = None) -> Json:
    """A paragraph; like Docs, its last text run ends with the paragraph's "\\n"."""
    elements = tuple(json.loads(json.dumps(e)) for e in elements)
    if elements and "textRun" in elements[-1]:
        elements[-1]["textRun"]["content"] += "\n"
    else:
        elements = (*elements, run("\n"))
    body: Json = {"elements": list(elements), "paragraphStyle": {"namedStyleType": style}}
    if bullet is not None:
        body["bullet"] = bullet
    return {"paragraph": body}


def item(*elements: Json, level: int = 0, list_id: str = "kix.bullets") -> Json:
    bullet: Json = {"listId": list_id, "textStyle": {"underline": False}}
    if level:  # proto3 JSON leaves out the default value, level 0
        bullet["nestingLevel"] = level
    return para(*elements, bullet=bullet)


def table(*rows: list[list[Json]]) -> Json:
    return {
        "table": {
            "rows": len(rows),
            "columns": len(rows[0]),
            "tableRows": [{"tableCells": [{"content": cell} for cell in row]} for row in rows],
        }
    }


def _index(content: list[Json], at: int) -> int:
    """Give every element the startIndex/endIndex Docs would (UTF-16 units)."""
    for element in content:
        start = at
        if "paragraph" in element:
            for part in element["paragraph"]["elements"]:
                text = part.get("textRun", {}).get("content")
                width = len(text.encode("utf-16-le")) // 2 if text is not None else 1
                part["startIndex"], part["endIndex"] = at, at + width
                at += width
        elif "table" in element:
            at += 1
            for row in element["table"]["tableRows"]:
                row["startIndex"] = at
                at += 1
                for cell in row["tableCells"]:
                    cell["startIndex"] = at
                    at = _index(cell["content"], at + 1)
                    cell["endIndex"] = at
                row["endIndex"] = at
        else:
            at += 1
        if start:  # the first sectionBreak has only an endIndex
            element["startIndex"] = start
        element["endIndex"] = at
    return at


def body(*content: Json) -> Json:
    blocks = [{"sectionBreak": {"sectionStyle": {"columnSeparatorStyle": "NONE"}}}, *content]
    _index(blocks, 0)
    return {"content": blocks}


def legacy(*content: Json, lists: Json = LISTS) -> Json:
    """A response without includeTabsContent: one top-level body."""
    return {
        "documentId": "1AbC",
        "title": "Arch Hours notes",
        "revisionId": "ALm37BW-rev",
        "body": body(*content),
        "lists": lists,
    }


def tab(title: str, *content: Json, children: tuple[Json, ...] = ()) -> Json:
    return {
        "tabProperties": {"tabId": f"t.{title}", "title": title, "index": 0},
        "documentTab": {"body": body(*content), "lists": LISTS},
        "childTabs": list(children),
    }


def tabbed(*tabs: Json) -> Json:
    return {"documentId": "1AbC", "title": "Arch Hours notes", "revisionId": "r2", "tabs": [*tabs]}


def read(doc: Json) -> Document:
    return read_docs_json(json.dumps(doc).encode(), name="notes.json")


def blocks(*content: Json) -> tuple:
    (only,) = read(legacy(*content)).tabs
    return only.blocks


def inlines(*elements: Json) -> tuple:
    (block,) = blocks(para(*elements))
    return block.inlines


# --- lists and headings -------------------------------------------------------------------


def test_missing_nesting_level_is_level_zero() -> None:
    top, nested = item(run("topic")), item(run("note"), level=2)
    assert "nestingLevel" not in top["paragraph"]["bullet"]
    assert blocks(top, nested) == (
        ListItem((Text("topic"),), level=0, list_id="kix.bullets"),
        ListItem((Text("note"),), level=2, list_id="kix.bullets"),
    )


def test_numbered_levels_are_ordered_and_bullets_are_not() -> None:
    result = blocks(
        item(run("one"), list_id="kix.numbers"),
        item(run("one.a"), list_id="kix.numbers", level=1),
        item(run("dot")),
        item(run("unknown list"), list_id="kix.gone"),
    )
    assert [(b.level, b.ordered) for b in result] == [(0, True), (1, True), (0, False), (0, False)]


def test_numbers_run_per_level_and_restart_under_each_item_above() -> None:
    numbered = "kix.numbers"
    result = blocks(
        item(run("one"), list_id=numbered),
        item(run("one.a"), list_id=numbered, level=1),
        item(run("one.b"), list_id=numbered, level=1),
        para(run("between")),
        item(run("two"), list_id=numbered),
        item(run("two.a"), list_id=numbered, level=1),
        item(run("dot")),
    )
    shown = [(plain_text(b.inlines), b.number) for b in result if isinstance(b, ListItem)]
    assert shown == [("one", 1), ("one.a", 1), ("one.b", 2), ("two", 2), ("two.a", 1), ("dot", 0)]


def test_a_numbered_heading_shows_the_number_its_format_gives() -> None:
    outline = {
        "listProperties": {
            "nestingLevels": [
                {"glyphType": "UPPER_ROMAN", "glyphFormat": "%0.", "startNumber": 3},
                {"glyphType": "DECIMAL", "glyphFormat": "%0.%1"},
            ]
        }
    }
    doc = legacy(
        para(run("Scope"), style="HEADING_1", bullet={"listId": "kix.o"}),
        para(run("Terms"), style="HEADING_2", bullet={"listId": "kix.o", "nestingLevel": 1}),
        lists={"kix.o": outline},
    )
    assert [plain_text(b.inlines) for b in read(doc).tabs[0].blocks] == [
        "III. Scope",
        "III.1 Terms",
    ]


def test_level_beyond_the_list_definition_is_a_bullet() -> None:
    (result,) = blocks(item(run("deep"), list_id="kix.numbers", level=5))
    assert result == ListItem((Text("deep"),), level=5, ordered=False, list_id="kix.numbers")


def test_heading_styles() -> None:
    result = blocks(
        para(run("2023-12-20"), style="HEADING_2"),
        para(run("Deep"), style="HEADING_6"),
        para(run("Arch Hours"), style="TITLE"),
        para(run("subtitle"), style="SUBTITLE"),
        para(run("body")),
    )
    assert [b.heading for b in result] == [2, 6, 0, 0, 0]


def test_empty_paragraphs_and_empty_items_are_dropped() -> None:
    assert blocks(para(), item(), para(run("kept"))) == (Paragraph((Text("kept"),)),)


def test_structural_elements_without_notes_are_skipped() -> None:
    toc = {"tableOfContents": {"content": [para(run("Heading in the TOC"))]}}
    assert blocks(toc, para(run("text"))) == (Paragraph((Text("text"),)),)


# --- inline text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "marks"),
    [
        ({"bold": True}, {BOLD}),
        ({"italic": True}, {ITALIC}),
        ({"underline": True}, {UNDERLINE}),
        ({"strikethrough": True}, {STRIKE}),
        ({"baselineOffset": "SUPERSCRIPT"}, {SUPERSCRIPT}),
        ({"baselineOffset": "SUBSCRIPT"}, {SUBSCRIPT}),
        ({"baselineOffset": "NONE"}, set()),
        ({"weightedFontFamily": {"fontFamily": "Roboto Mono", "weight": 400}}, {CODE}),
        ({"weightedFontFamily": {"fontFamily": "Courier New", "weight": 400}}, {CODE}),
        ({"weightedFontFamily": {"fontFamily": "Arial", "weight": 400}}, set()),
        ({"bold": True, "italic": True}, {BOLD, ITALIC}),
        ({"bold": False}, set()),
    ],
)
def test_text_style_becomes_marks(style: Json, marks: set[str]) -> None:
    other = run(" linked", link={"url": "https://example.org"})  # never merges with "x"
    assert inlines(run("x", **style), other)[0] == Text("x", frozenset(marks))


def test_neighbouring_runs_with_the_same_look_merge() -> None:
    result = inlines(run("(Da", bold=True), run("ve)", bold=True), run(" New Relic"))
    assert result == (Text("(Dave)", frozenset({BOLD})), Text(" New Relic"))


def test_link_keeps_its_url_and_drops_the_default_underline() -> None:
    url = "https://lucid.app/lucidchart/fb870610/edit"
    result = inlines(run("diagram", link={"url": url}, underline=True, foregroundColor={}))
    assert result == (Text("diagram", link=url),)


@pytest.mark.parametrize(
    "link",
    [{"headingId": "h.4x9"}, {"bookmarkId": "id.1"}, {"tabId": "t.2"}, {"url": "#heading=h.1"}],
)
def test_internal_links_become_plain_text(link: Json) -> None:
    result = inlines(run("see "), run("above", link=link, underline=True), run(" too"))
    assert result == (Text("see above too"),)


def test_soft_break_splits_the_run() -> None:
    result = inlines(run("Related:\u000bContract expires", italic=True))
    marks = frozenset({ITALIC})
    assert result == (Text("Related:", marks), LineBreak(), Text("Contract expires", marks))


def test_only_the_paragraph_end_newline_is_stripped() -> None:
    assert inlines(run("a\nb")) == (Text("a"), LineBreak(), Text("b"))


def test_code_block_markers_make_a_code_block_and_are_dropped() -> None:
    assert blocks(para(run("\uec03print(1)\uec02"))) == (CodeBlock("print(1)"),)


# --- suggestions --------------------------------------------------------------------------


def test_suggested_insertion_is_left_out_and_deletion_kept() -> None:
    result = inlines(
        run("Scheduled for "),
        suggested_run("3am", "suggestedInsertionIds"),
        suggested_run("2am", "suggestedDeletionIds"),
        run(" tonight"),
    )
    assert result == (Text("Scheduled for 2am tonight"),)


def test_wholly_suggested_paragraph_is_dropped() -> None:
    whole = para(suggested_run("not yet accepted", "suggestedInsertionIds"))
    assert blocks(para(run("kept")), whole) == (Paragraph((Text("kept"),)),)


def test_suggested_image_is_not_reported() -> None:
    image = {"inlineObjectElement": {"inlineObjectId": "kix.img", "suggestedInsertionIds": ["s"]}}
    assert read(legacy(para(run("a"), image))).omitted == ()


def test_suggested_table_rows_and_columns_are_left_out() -> None:
    grid = table([[para(run("a"))], [para(run("new column"))]], [[para(run("new row"))], []])
    rows = grid["table"]["tableRows"]
    rows[0]["tableCells"][1]["suggestedInsertionIds"] = ["suggest.col"]
    rows[1]["suggestedInsertionIds"] = ["suggest.row"]
    whole = table([[para(run("new table"))]])
    whole["table"]["suggestedInsertionIds"] = ["suggest.table"]
    assert blocks(grid, whole) == (Table((((Paragraph((Text("a"),)),),),)),)


# --- chips and left-out elements ----------------------------------------------------------


def test_person_chip_links_to_mail() -> None:
    result = inlines(
        chip("person", name="Dave Ormsbee", email="dave@example.org"),
        run(" and "),
        chip("person", email="ned@example.org"),
    )
    assert result == (
        Text("Dave Ormsbee", link="mailto:dave@example.org"),
        Text(" and "),
        Text("ned@example.org", link="mailto:ned@example.org"),
    )


def test_rich_link_chip() -> None:
    uri = "https://docs.google.com/document/d/1YyRx/edit"
    assert inlines(chip("richLink", title="Xavier's doc", uri=uri, mimeType="x")) == (
        Text("Xavier's doc", link=uri),
    )
    assert inlines(chip("richLink", uri=uri)) == (Text(uri, link=uri),)


def test_date_chip_uses_its_time_zone() -> None:
    result = inlines(
        chip(
            "dateElement",
            timestamp="2023-12-21T03:00:00Z",
            timeZoneId="America/Los_Angeles",
            displayText="Dec 20, 2023",
            locale="en",
        )
    )
    assert result == (DateChip(dt.date(2023, 12, 20), "Dec 20, 2023"),)


def test_date_chip_without_zone_is_utc_and_shows_iso_without_display_text() -> None:
    assert inlines(chip("dateElement", timestamp="2023-12-21T03:00:00.123456789Z")) == (
        DateChip(dt.date(2023, 12, 21), "2023-12-21"),
    )


def test_date_chip_with_unknown_zone_falls_back_to_utc() -> None:
    result = inlines(chip("dateElement", timestamp="2023-12-21T03:00:00Z", timeZoneId="etc/Nope"))
    assert result == (DateChip(dt.date(2023, 12, 21), "2023-12-21"),)


def test_date_chip_without_timestamp_keeps_its_text() -> None:
    assert inlines(chip("dateElement", displayText="Dec 20")) == (Text("Dec 20"),)


def test_left_out_elements_are_noted_once_with_counts() -> None:
    image = {"inlineObjectElement": {"inlineObjectId": "kix.img", "textStyle": {}}}
    doc = legacy(
        para(run("diagram "), image),
        item(run("see"), {"footnoteReference": {"footnoteId": "kix.fn1", "footnoteNumber": "1"}}),
        para(image, {"equation": {}}),
        para(
            run("rule"),
            {"horizontalRule": {}},
            {"pageBreak": {}},
            {"autoText": {"type": "PAGE_NUMBER"}},
        ),
    )
    result = read(doc)
    assert result.omitted == ("2 images (inline objects) left out", "1 equation left out")
    assert result.tabs[0].blocks[-2:] == (Paragraph((Text("rule"),)), Rule())


# --- document shapes ----------------------------------------------------------------------


def test_tabs_flatten_parent_before_children() -> None:
    doc = tabbed(
        tab(
            "Notes",
            para(run("n")),
            children=(
                tab("2023", para(run("y")), children=(tab("Q4", para(run("q"))),)),
                tab("2022"),
            ),
        ),
        tab("Template", item(run("[inform] (Name) …"))),
    )
    result = read(doc)
    assert [t.title for t in result.tabs] == ["Notes", "2023", "Q4", "2022", "Template"]
    assert result.tabs[2].blocks == (Paragraph((Text("q"),)),)
    assert result.tabs[3].blocks == ()
    assert result.revision == "r2"


def test_untabbed_document_is_one_tab_named_after_the_document() -> None:
    result = read(legacy(para(run("hello"))))
    assert [(t.title, t.blocks) for t in result.tabs] == [
        ("Arch Hours notes", (Paragraph((Text("hello"),)),))
    ]
    assert result.revision == "ALm37BW-rev"


def test_revision_is_optional() -> None:
    doc = legacy(para(run("hello")))
    del doc["revisionId"]
    assert read(doc).revision is None


def test_tables_keep_rows_cells_and_nested_blocks() -> None:
    inner = table([[para(run("deep"))]])
    doc = legacy(
        table(
            [[para(run("Owner"), style="HEADING_3")], [para(run("Topic"))]],
            [[item(run("Dave")), item(run("Ned"), level=1)], [para(), inner]],
        )
    )
    (result,) = read(doc).tabs[0].blocks
    assert result == Table(
        (
            ((Paragraph((Text("Owner"),), heading=3),), (Paragraph((Text("Topic"),)),)),
            (
                (
                    ListItem((Text("Dave"),), list_id="kix.bullets"),
                    ListItem((Text("Ned"),), level=1, list_id="kix.bullets"),
                ),
                (Table((((Paragraph((Text("deep"),)),),),)),),
            ),
        )
    )


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<html><body>export</body></html>", "not a JSON file"),
        (b"\xff\xfe\x00garbage", "not a JSON file"),
        (b"[1, 2]", "not a Google Docs document"),
        (b'{"kind": "drive#file", "title": "x"}', "not a Google Docs document"),
        (b'{"body": {"content": "oops"}}', "unexpected Google Docs JSON structure"),
    ],
)
def test_unreadable_input_names_the_file(data: bytes, words: str) -> None:
    with pytest.raises(SourceError) as caught:
        read_docs_json(data, name="notes/arch.json")
    message = str(caught.value)
    assert message.startswith("notes/arch.json: ")
    assert words in message
    assert "\n" not in message


# --- the bundled example ------------------------------------------------------------------

EXAMPLE = Path(__file__).parents[2] / "examples" / "arch-hours-notes.json"


def test_bundled_example_reads_as_four_meetings_and_a_template() -> None:
    result = read_docs_json(EXAMPLE.read_bytes(), name=str(EXAMPLE))
    notes, template = result.tabs
    headings = [plain_text(b.inlines) for b in notes.blocks if getattr(b, "heading", 0)]
    assert headings == ["2023-12-20", "2023-12-13", "2023-12-06", "2023-11-30"]
    assert template.title == "Template"
    assert [(type(b).__name__, plain_text(b.inlines)) for b in template.blocks] == [
        ("Paragraph", "Topic template"),
        ("ListItem", "[inform] (Name) …"),
    ]
    inlines = [i for b in notes.blocks for i in b.inlines]
    assert LineBreak() in inlines
    assert Text("(Dave)", frozenset({BOLD})) in inlines
    assert any(isinstance(i, Text) and (i.link or "").startswith("mailto:") for i in inlines)
    assert any(isinstance(i, Text) and (i.link or "").startswith("https://") for i in inlines)
    assert result.omitted == ()
    assert result.revision
