"""The readers against files that are not what they claim, or are built to hurt: each is
refused in one line or read whole, never an ``internal error``."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncer.errors import SourceError
from syncer.fingerprint import meeting_fingerprint
from syncer.model import DateChip, ListItem, Paragraph, Table, Text, plain_text
from syncer.parse import parse_document
from syncer.render import render_meeting
from syncer.sources import read_file
from syncer.sources.docs_json import read_docs_json
from syncer.sources.html_export import read_html_export, read_zip_export
from syncer.sources.html_text import strip_layout
from tests.unit.test_docs_json import chip, inlines, item, legacy, para, run, table
from tests.unit.test_html_export import export

MB = 1024 * 1024


def read_json(*content) -> tuple:
    return read_docs_json(json.dumps(legacy(*content)).encode())


def words_survive(document, *words: str) -> None:
    """Every word is in a rendered meeting: parsed, fingerprinted and rendered whole."""
    rendered = ""
    for meeting in parse_document(document):
        meeting_fingerprint(meeting)
        rendered += render_meeting(meeting, 2)
    assert [word for word in words if word not in rendered] == []


# --- HTML that is not a Docs export -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (
            b'<html><body><form action="/sso"><input type="password" name="p"></form>'
            b"<p>Sign in</p></body></html>",
            "a login or form page",
        ),
        (b"2023-12-20\nnotes as plain text\n", "plain text, not HTML"),
        (bytes(range(256)) * 4, "binary data"),
        (b"<html><body><h2>2023-12-20</h2><ul><li>x</li></ul></body></html>", "an HTML page"),
    ],
)
def test_html_that_is_not_a_docs_export_is_refused_in_one_line(data, looks_like):
    with pytest.raises(SourceError) as caught:
        read_html_export(data, name="notes.html")
    message = str(caught.value)
    assert message.startswith(f"notes.html: not a Google Docs export ({looks_like}")
    assert "File > Download > Web page" in message and "\n" not in message


def test_an_older_export_without_doc_content_is_still_an_export():
    html = (
        b'<html><head><style type="text/css">.c3{max-width:468pt}</style></head>'
        b'<body class="c3"><h2 class="c1"><span>2023-12-20</span></h2></body></html>'
    )
    assert read_html_export(html).tabs[0].blocks == (Paragraph((Text("2023-12-20"),), 2),)


def test_lists_nested_inside_items_are_read_one_level_deeper_not_dropped():
    body = (
        "<ul><li>Topic<ul><li>note<ol><li>detail</li></ol></li></ul>"
        "<table><tr><td>cell</td></tr></table></li><li>next</li></ul>"
    )
    blocks = read_html_export(export(body)).tabs[0].blocks
    shape = [
        (plain_text(b.inlines), b.level, b.ordered) if isinstance(b, ListItem) else type(b)
        for b in blocks
    ]
    assert shape == [
        ("Topic", 0, False),
        ("note", 1, False),
        ("detail", 2, True),
        Table,
        ("next", 0, False),
    ]


def test_nesting_thousands_deep_is_read_whole_at_the_deepest_level_docs_has():
    depth = 3000
    body = "<h2>2023-12-20</h2>" + "<ul><li>w" * depth + "</li></ul>" * depth
    spans = "<p>" + "<span>" * depth + "deepest" + "</span>" * depth + "</p>"
    document = read_html_export(export(body + spans))
    levels = [b.level for b in document.tabs[0].blocks if isinstance(b, ListItem)]
    assert len(levels) == depth and max(levels) == 8
    words_survive(document, "deepest")


def test_tables_nested_past_reason_keep_their_words():
    cell = "<p>core</p>"
    for level in range(300):
        cell = f"<table><tr><td><p>w{level}</p>{cell}</td></tr></table>"
    document = read_html_export(export(f"<h2>2023-12-20</h2>{cell}"))
    words_survive(document, "core", "w0", "w299")


def test_a_long_run_of_newlines_is_one_space():
    body = "<p><span>before" + "\n" * 200_000 + "after</span></p>"
    (block,) = read_html_export(export(body)).tabs[0].blocks
    assert block == Paragraph((Text("before after"),))


_OLD_LAYOUT = re.compile(r"^[ \t\r\n]*\n[ \t]*|\r?\n[ \t\r\n]*$")


@settings(max_examples=300)
@given(st.text(alphabet=" \t\r\nab", max_size=14))
def test_layout_is_stripped_as_the_old_expression_did_but_in_linear_time(text):
    assert strip_layout(text) == _OLD_LAYOUT.sub("", text)


# --- zips ---------------------------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def test_every_html_file_of_a_zip_is_read():
    first = export("<h2>2023-12-13</h2><p>one</p>", title="Notes")
    second = export("<h2>2023-12-20</h2><p>two</p>", title="More notes")
    shadow = b"\x00\x05\x16\x07 Mac resource fork"
    data = zipped({"Notes.html": first, "More.html": second, "__MACOSX/._Notes.html": shadow})
    document = read_zip_export(data, name="notes.zip")
    assert [tab.title for tab in document.tabs] == ["Notes", "More notes"]
    assert [m.date.day for m in parse_document(document)] == [13, 20]


def test_a_zip_bomb_is_refused_while_inflating_not_inflated_whole():
    data = zipped({"bomb.html": b"\0" * (3 * MB)})
    assert len(data) < 10_000
    with pytest.raises(SourceError, match=r"^notes\.zip: bomb\.html inflates to more than 1 MB"):
        read_zip_export(data, name="notes.zip", limit=MB)


def test_a_zip_that_is_not_an_export_names_the_member():
    with pytest.raises(SourceError, match=r"^notes\.zip: page\.html: not a Google Docs export"):
        read_zip_export(zipped({"page.html": b"<html><body>Login</body></html>"}), name="notes.zip")


# --- size caps ----------------------------------------------------------------------------------


def test_a_notes_file_that_never_ends_is_refused_at_the_cap(tmp_path):
    (tmp_path / "notes.json").symlink_to("/dev/zero")
    with pytest.raises(SourceError, match=r"notes\.json is larger than 1 MB \(\[source\] max_file"):
        read_file(tmp_path / "notes.json", limit=MB)


# --- Docs JSON built to hurt ---------------------------------------------------------------------


def test_a_lone_surrogate_is_cleaned_where_the_text_is_read():
    saved = json.dumps(
        legacy(para(run("2023-12-20"), style="HEADING_2"), item(run("broken @ emoji")))
    )
    document = read_docs_json(saved.replace("@", "\\ud800").encode())
    (meeting,) = parse_document(document)
    assert plain_text(meeting.topics[0].inlines) == "broken  emoji"
    words_survive(document, "broken", "emoji")


def test_a_surrogate_in_a_link_or_a_chip_is_cleaned_too():
    link = run("x", link={"url": "https://example.org/@a"})
    shown = chip("dateElement", timestamp="2023-12-20T10:00:00Z", displayText="@Dec 20")
    saved = json.dumps(legacy(para(link, shown))).replace("@", "\\ud83d")
    (paragraph,) = read_docs_json(saved.encode()).tabs[0].blocks
    assert paragraph.inlines == (
        Text("x", link="https://example.org/a"),
        DateChip(dt.date(2023, 12, 20), "Dec 20"),
    )


def test_a_date_chip_out_of_range_in_its_zone_takes_its_own_date():
    late = chip("dateElement", timestamp="9999-12-31T23:00:00Z", timeZoneId="Asia/Tokyo")
    assert inlines(late) == (DateChip(dt.date(9999, 12, 31), "9999-12-31"),)


@pytest.mark.parametrize("level", [150, "3", -4, True])
def test_a_nesting_level_docs_cannot_have_is_read_within_docs_levels(level):
    bullet = item(run("deep note"))
    bullet["paragraph"]["bullet"]["nestingLevel"] = level
    document = read_json(para(run("2023-12-20"), style="HEADING_2"), item(run("t")), bullet)
    assert 0 <= document.tabs[0].blocks[-1].level <= 8
    words_survive(document, "deep note")


def test_a_hundred_and_fifty_levels_of_list_are_read_and_rendered():
    items = [item(run(f"n{level}"), level=level) for level in range(150)]
    words_survive(read_json(para(run("2023-12-20"), style="HEADING_2"), *items), "n0", "n149")


def test_tables_nested_past_reason_keep_their_words_in_json_too():
    cell = [para(run("core"))]
    for level in range(30):
        cell = [para(run(f"w{level}")), table([cell])]
    document = read_json(para(run("2023-12-20"), style="HEADING_2"), *cell)
    words_survive(document, "core", "w0", "w29")


def test_json_nested_too_deep_to_decode_is_one_line():
    with pytest.raises(SourceError, match="nested too deep"):
        read_docs_json(b"[" * 100_000 + b"]" * 100_000, name="notes.json")
