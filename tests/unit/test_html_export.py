"""Google Docs HTML export → Document, on real exports and on hand-written compact ones."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

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
    Block,
    CodeBlock,
    Footnote,
    FootnoteRef,
    Image,
    LineBreak,
    ListItem,
    Paragraph,
    Rule,
    Table,
    Text,
    plain_text,
)
from syncer.sources.html_export import read_html_export, read_zip_export

# Real exports collected by google-docs-to-markdown (BSD-3-Clause, licence beside them).
FIXTURES = Path(__file__).parents[1] / "fixtures" / "google-html-export"


def fixture_blocks(name: str) -> tuple[Block, ...]:
    document = read_html_export((FIXTURES / f"{name}.export.html").read_bytes())
    assert len(document.tabs) == 1
    return document.tabs[0].blocks


def texts(blocks: tuple[Block, ...]) -> list[str]:
    """The text of each paragraph and item (one that only shows a picture has none)."""
    return [
        plain_text(b.inlines)
        for b in blocks
        if isinstance(b, Paragraph | ListItem)
        and not all(isinstance(inline, Image) for inline in b.inlines)
    ]


def run(blocks: tuple[Block, ...], text: str) -> Text:
    """The one run whose text is ``text``."""
    found = [
        inline
        for block in blocks
        if isinstance(block, Paragraph | ListItem)
        for inline in block.inlines
        if isinstance(inline, Text) and inline.text == text
    ]
    assert len(found) == 1, (text, found)
    return found[0]


def export(body: str, css: str = "", title: str = "") -> bytes:
    """A compact export, the way Google writes it: one line, styles in a class block."""
    head = f"<title>{title}</title>" if title else ""
    return (
        f'<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
        f'{head}<style type="text/css">{css}</style></head>'
        f'<body class="c1 doc-content">{body}</body></html>'
    ).encode()


def pretty(data: bytes) -> bytes:
    """What the fixture files look like: every tag on its own, indented, line."""
    return re.sub(rb"(<[^>]+>)", rb"\n\t\t\1\n\t\t\t", data)


# --- the real exports ------------------------------------------------------------------------


def test_lists_are_flat_items_with_the_level_from_the_class() -> None:
    items = [b for b in fixture_blocks("lists") if isinstance(b, ListItem)]
    shape = [(plain_text(i.inlines), i.level, i.ordered) for i in items]
    assert shape[:9] == [
        ("This is", 0, False),
        ("A bulleted", 0, False),
        ("List of stuff.", 0, False),
        ("With", 1, False),
        ("Subitems", 1, False),
        ("And", 2, False),
        ("Sub-subitems", 2, False),
        ("But numbered not bulleted!", 3, True),
        ("This item has line breaks.\nHere is a second line.", 0, False),
    ]
    assert shape[9:18] == [
        ("This is", 0, True),
        ("A numbered", 0, True),
        ("List of stuff.", 0, True),
        ("With", 1, True),
        ("Subitems", 1, True),
        ("And", 2, True),
        ("Sub-subitems", 2, True),
        ("But bulleted not numbered!", 3, False),
        # <ol start="4"> resumes the numbered list, back at level 0
        ("This item has line breaks.\nHere is a second line.", 0, True),
    ]
    assert items[8].inlines == (
        Text("This item has line breaks."),
        LineBreak(),
        Text("Here is a second line."),
    )


def test_lists_keep_paragraphs_between_them_and_drop_empty_ones() -> None:
    blocks = fixture_blocks("lists")
    assert [plain_text(b.inlines) for b in blocks if isinstance(b, Paragraph)] == [
        "This is a test of lists.",
        "A bulleted list:",
        "And a numbered list:",
        "And a checklist:",
    ]
    assert isinstance(blocks[-1], ListItem)
    assert plain_text(blocks[-1].inlines) == "A checklist."


def test_inline_formatting_marks_come_from_css_classes() -> None:
    blocks = fixture_blocks("inline-formatting")
    assert run(blocks, "This ").marks == frozenset()
    assert run(blocks, "is bold ").marks == {BOLD}
    assert run(blocks, "and italic").marks == {BOLD, ITALIC}
    assert run(blocks, " or just italic").marks == {ITALIC}  # &nbsp; became a space
    assert run(blocks, "underlined").marks == {UNDERLINE}
    assert run(blocks, "struck through").marks == {STRIKE}
    assert run(blocks, "is superscript").marks == {SUPERSCRIPT}
    assert run(blocks, "is subscript").marks == {SUBSCRIPT}
    assert texts(blocks)[2] == "Some textis superscript and someis subscript."


def test_links_are_unwrapped_and_not_underlined() -> None:
    link = run(fixture_blocks("inline-formatting"), "linked (to GitHub)")
    assert link.link == "https://github.com/"
    assert link.marks == frozenset()


def test_tables_keep_rows_and_cells_despite_stray_thead_and_tbody() -> None:
    tables = [b for b in fixture_blocks("tables") if isinstance(b, Table)]
    assert len(tables) == 1
    grid = [[[plain_text(b.inlines) for b in cell] for cell in row] for row in tables[0].rows]
    assert len(grid) == 4
    assert all(len(row) == 5 for row in grid)
    assert grid[0] == [["Column"], ["Headings"], ["Go"], ["Here"], ["And Here"]]
    assert grid[3][4] == ["🤷 emoji ❓"]
    assert texts(fixture_blocks("tables")) == ["This is a test of table support."]


def test_suggestions_read_as_plain_text() -> None:
    assert texts(fixture_blocks("suggestions")) == [
        "This is a test of changes in documents.",
        "This tests some suggested changes that overlap formatting boundaries.",
    ]


def test_internal_links_are_plain_text_and_headings_keep_their_level() -> None:
    blocks = fixture_blocks("internal-links")
    first = run(blocks, "Link to the first heading.")
    assert first.link is None
    assert all(
        inline.link is None
        for block in blocks
        if isinstance(block, Paragraph)
        for inline in block.inlines
        if isinstance(inline, Text)
    )
    headings = [(plain_text(b.inlines), b.heading) for b in blocks if isinstance(b, Paragraph)]
    assert [h for h in headings if h[1]] == [
        ("First heading", 1),  # three spans: "First ", "he", "ading"
        ("Second heading", 2),
        ("Second heading", 3),
    ]
    assert "First bookmark." in texts(blocks)  # the bookmark anchor before it is ignored


def test_title_is_a_plain_paragraph_and_empty_headings_are_dropped() -> None:
    blocks = fixture_blocks("titles-and-empty-headings")
    assert [(plain_text(b.inlines), b.heading) for b in blocks if isinstance(b, Paragraph)] == [
        (
            "This is a test of handling titles and empty headings. "
            "They should not break heading links.",
            0,
        ),
        ("Document title!", 0),
        ("Normal text. The next line is an empty heading.", 0),
        ("Non-empty Heading", 1),
        ("Normal text 2.", 0),
    ]


def test_monospace_fonts_are_code() -> None:
    # The <style> of this fixture is numbered apart from its body (.c3 is a mono font there,
    # .c7 is missing), so only the runs whose class really is Roboto Mono are checked.
    blocks = fixture_blocks("code-inline")
    assert isinstance(blocks[1], Paragraph)
    plain, code = blocks[1].inlines[:2]
    assert plain == Text("Text that is ")
    assert isinstance(code, Text)
    assert code.text.startswith("monospaced")
    assert code.marks == {CODE}
    assert run(blocks, "with ").marks == {CODE}
    assert run(blocks, "multiple styles").marks == {CODE}


def test_line_breaks_right_after_links() -> None:
    blocks = fixture_blocks("linebreaks-at-the-end-of-links")
    url = "https://docs.google.com/document/u/0/d/1AeGd3Zn2Aab0X1bHHF-vbTbSNPKrZHfw_Woax3YsYXg/edit"
    expected = (Text("list", link=url), LineBreak(), Text("And here is a linebreak"))
    assert isinstance(blocks[1], ListItem)
    assert blocks[1].inlines == (Text("I’m a "), *expected)
    assert isinstance(blocks[2], Paragraph)
    assert blocks[2].inlines == (Text("I’m not a "), *expected)


def test_code_blocks_keep_every_space_and_line_and_lose_their_markers() -> None:
    blocks = fixture_blocks("code-blocks")
    assert [b.text for b in blocks if isinstance(b, CodeBlock)] == [
        "Consecutive lines\nThat are monospaced,\nWhether multi-paragraph or not,\n"
        "Are turned into code blocks.",
        "for (const i = 0; i < someList.length; i++) {\n  doSomething(someList[i]);\n}\n\n"
        "// ^^ Blank lines in the block should be ok ^^",
        'let whatever = "hello"',
    ]
    assert texts(blocks) == [
        "This is a test of block-level code formatting.",
        "Also, actual “code blocks” become Markdown code blocks:",
        "And a block with no language:",
        "OK?",
    ]


def test_every_fixture_reads_without_empty_blocks_or_layout_whitespace() -> None:
    names = sorted(p.name.removesuffix(".export.html") for p in FIXTURES.glob("*.export.html"))
    assert len(names) == 14
    for name in names:
        for line in texts(fixture_blocks(name)):
            assert line
            assert line == line.strip()
            assert "  " not in line
            assert "\t" not in line


# --- hand-written exports ----------------------------------------------------------------------

CSS = ".c5{font-weight:700}.c6{font-style:italic}.c7{text-decoration:underline}"
BODY = (
    '<p class="c2 title"><span>Weekly sync</span></p>'
    '<h2 id="h.x1"><span>2024-05-06</span></h2>'
    '<ul class="c3 lst-kix_abc-0 start"><li class="c2"><span>Plan </span>'
    '<span class="c5">the</span><span class="c5 c6">&nbsp;release</span><span>.</span></li></ul>'
    '<ul class="c3 lst-kix_abc-1 start"><li class="c2"><span>See </span><span class="c7">'
    '<a class="c8" href="https://www.google.com/url?q=https://example.com/a?b%3D1&amp;sa=D">'
    "the doc</a></span><span><br>next line</span></li></ul>"
    '<p class="c2"><span></span></p><hr>'
)


def test_compact_and_pretty_printed_exports_read_the_same() -> None:
    compact = read_html_export(export(BODY, CSS))
    assert read_html_export(pretty(export(BODY, CSS))) == compact
    assert compact.tabs[0].blocks == (
        Paragraph((Text("Weekly sync"),)),
        Paragraph((Text("2024-05-06"),), heading=2),
        ListItem(
            (
                Text("Plan "),
                Text("the", frozenset({BOLD})),
                Text(" release", frozenset({BOLD, ITALIC})),
                Text("."),
            ),
            list_id="abc",
        ),
        ListItem(
            (
                Text("See "),
                Text("the doc", link="https://example.com/a?b=1"),
                LineBreak(),
                Text("next line"),
            ),
            level=1,
            list_id="abc",
        ),
        Rule(),
    )


def test_title_element_names_the_tab() -> None:
    document = read_html_export(export("<p><span>x</span></p>", title="Team notes"))
    assert document.tabs[0].title == "Team notes"
    assert read_html_export(export("<p><span>x</span></p>")).tabs[0].title == ""


def test_whitespace_collapses_across_runs_and_around_breaks() -> None:
    body = "<p><span>&nbsp; a &nbsp;</span><span> b </span><br><span>  c&nbsp;</span></p>"
    blocks = read_html_export(export(body)).tabs[0].blocks
    assert blocks == (Paragraph((Text("a b"), LineBreak(), Text("c"))),)


def test_comments_are_left_out_and_counted() -> None:
    body = (
        '<p><span>Ship it</span><sup><a href="#cmnt1" id="cmnt_ref1">[a]</a></sup>'
        '<span>.</span><sup><a href="#cmnt2" id="cmnt_ref2">[b]</a></sup></p>'
        '<div class="c9"><p><a href="#cmnt_ref1" id="cmnt1">[a]</a><span>Really?</span></p></div>'
        '<div class="c9"><p><a href="#cmnt_ref2" id="cmnt2">[b]</a><span>Yes.</span></p></div>'
    )
    document = read_html_export(export(body))
    assert document.tabs[0].blocks == (Paragraph((Text("Ship it."),)),)
    assert document.omitted == ("2 comments left out",)


def test_footnotes_are_read_with_their_references_and_the_line_above_them_is_no_rule() -> None:
    body = (
        '<p><span>Fact</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup><span>&nbsp;'
        'stands</span></p><hr><div><p><a href="#ftnt_ref1" id="ftnt1">[1]</a>'
        "<span>&nbsp;Source.</span></p></div>"
    )
    document = read_html_export(export(body))
    fact = (Text("Fact"), FootnoteRef("ftnt1"), Text(" stands"))
    assert document.tabs[0].blocks == (Paragraph(fact),)
    assert document.footnotes == (Footnote("ftnt1", (Paragraph((Text("Source."),)),)),)
    assert document.omitted == ()


def test_page_header_and_footer_divs_are_not_notes() -> None:
    body = "<div><p><span>Confidential</span></p></div><p><span>Notes</span></p>"
    document = read_html_export(export(body))
    assert document.tabs[0].blocks == (Paragraph((Text("Notes"),)),)
    assert document.omitted == ("1 page header or footer left out",)


def test_images_are_read_with_where_their_bytes_are_and_the_size_shown() -> None:
    img = '<img alt="Flow" src="images/image1.png" style="width: 624.00px; height: 351.00px;">'
    body = f'<p><span>Chart:</span><span style="x">{img}</span></p>'
    document = read_html_export(export(body))
    chart = Image("images/image1.png", "Flow", 624, 351)
    assert document.tabs[0].blocks == (Paragraph((Text("Chart:"), chart)),)
    assert document.omitted == ()
    fixture = read_html_export((FIXTURES / "non-text-between-code.export.html").read_bytes())
    assert fixture.omitted == ()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def test_zip_export_reads_its_html_file() -> None:
    html = export(BODY, CSS)
    data = zipped({"images/image1.png": b"\x89PNG", "WeeklySync.html": html})
    assert read_zip_export(data, name="notes.zip") == read_html_export(html)


def test_a_zip_without_html_names_the_file() -> None:
    with pytest.raises(SourceError, match=r"^notes\.zip: .*no \.html"):
        read_zip_export(zipped({"images/image1.png": b"\x89PNG"}), name="notes.zip")


def test_bytes_that_are_not_a_zip_name_the_file() -> None:
    with pytest.raises(SourceError, match=r"^notes\.zip: not a zip file") as caught:
        read_zip_export(b"<html><body><p>hi</p></body></html>", name="notes.zip")
    assert "\n" not in str(caught.value)


# --- lists as their style sheet defines them ---------------------------------------------------

NUMBERED_CSS = (
    '.lst-kix_h-0>li:before{content:"" counter(lst-ctn-kix_h-0,decimal) ". "}'
    '.lst-kix_h-1>li:before{content:"" counter(lst-ctn-kix_h-0,decimal) "." '
    'counter(lst-ctn-kix_h-1,lower-roman) " "}'
    "ol.lst-kix_h-0.start{counter-reset:lst-ctn-kix_h-0 4}"
)


def test_a_heading_docs_numbers_is_a_heading_with_the_number_its_style_sheet_draws() -> None:
    body = (
        '<ol class="lst-kix_h-0 start"><li><h2><span>Scope</span></h2></li></ol>'
        '<ol class="lst-kix_h-1 start" start="1"><li><h3><span>Terms</span></h3></li>'
        "<li><h3><span>Limits</span></h3></li></ol>"
    )
    blocks = read_html_export(export(body, NUMBERED_CSS)).tabs[0].blocks
    assert blocks == (
        Paragraph((Text("5. Scope"),), 2),
        Paragraph((Text("5.i Terms"),), 3),
        Paragraph((Text("5.ii Limits"),), 3),
    )


def test_numbering_without_a_start_attribute_goes_on_from_the_same_list() -> None:
    body = (
        '<ol class="lst-kix_n-0 start"><li><span>a</span></li><li><span></span></li></ol>'
        '<p><span>between</span></p><ol class="lst-kix_n-0"><li><span>c</span></li></ol>'
        '<ol class="lst-kix_n-0 start"><li><span>again</span></li></ol>'
    )
    items = [b for b in read_html_export(export(body)).tabs[0].blocks if isinstance(b, ListItem)]
    assert [(plain_text(i.inlines), i.number, i.list_id) for i in items] == [
        ("a", 1, "n"),
        ("c", 3, "n"),  # the empty item took number 2, as in Docs
        ("again", 1, "n"),
    ]
