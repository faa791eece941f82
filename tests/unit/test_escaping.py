"""Hostile input against the one place user text becomes storage format (``xml_text``).

Output is judged by parsing it the way the merger does (``xhtml.parse_fragment``), not by
comparing strings: what matters is which elements and attributes come out of user text.
"""

from __future__ import annotations

import datetime as dt

import pytest

from syncer.model import (
    BOLD,
    CODE,
    CodeBlock,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    Paragraph,
    Text,
    Topic,
)
from syncer.parse import parse_document
from syncer.render import render_inlines, render_meeting
from syncer.xhtml import parse_fragment
from syncer.xml_text import escape, safe_url
from tests.helpers import doc, item, para

AC = "{urn:confluence:ac}"
DEC_20 = dt.date(2023, 12, 20)


def parsed(*inlines):
    """The inlines rendered inside a paragraph, parsed back: the ``<p>`` element."""
    root = parse_fragment(f"<p>{render_inlines(inlines)}</p>")
    return root[0]


def text(element) -> str:
    return "".join(element.itertext())


def tags(element) -> list[str]:
    return [el.tag for el in element.iter()]


# --- escape ------------------------------------------------------------------------------------


def test_markup_in_text_is_shown_not_obeyed():
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    p = parsed(Text("<script>alert(1)</script>"))
    assert tags(p) == ["p"]
    assert text(p) == "<script>alert(1)</script>"


@pytest.mark.parametrize("typed", ["&amp;", "&lt;b&gt;", "&nbsp;", "&#60;script&#62;", "&copy"])
def test_text_that_is_already_escaped_is_escaped_again_and_shown_literally(typed):
    assert escape(typed).startswith("&amp;")
    p = parsed(Text(typed))
    assert text(p) == typed
    assert tags(p) == ["p"]


def test_quotes_are_escaped_for_attributes_and_kept_in_text():
    assert escape('say "hi"') == "say &quot;hi&quot;"
    assert text(parsed(Text('it\'s "quoted"'))) == 'it\'s "quoted"'


@pytest.mark.parametrize("code", [c for c in range(0x20) if chr(c) not in "\t\n\r"])
def test_c0_controls_other_than_tab_newline_cr_are_removed(code):
    assert escape(f"a{chr(code)}b") == "ab"
    assert text(parsed(Text(f"a{chr(code)}b"))) == "ab"


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ud800", "\udfff"])
def test_noncharacters_and_lone_surrogates_are_removed(char):
    assert escape(f"a{char}b") == "ab"
    assert text(parsed(Text(f"a{char}b"))) == "ab"


def test_tab_newline_and_cr_are_kept():
    assert escape("a\tb\nc\rd") == "a\tb\nc\rd"
    # An XML parser reads a raw CR as LF: the line break survives, as whitespace must.
    assert text(parsed(Text("a\tb\nc\rd"))) == "a\tb\nc\nd"


def test_a_cdata_end_in_text_is_harmless():
    assert escape("]]>") == "]]&gt;"
    p = parsed(Text("x]]>y"), Text("<![CDATA[z]]>"))
    assert text(p) == "x]]>y<![CDATA[z]]>"
    assert tags(p) == ["p"]


@pytest.mark.parametrize(
    "typed",
    [
        '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>x</script>]]>'
        "</ac:plain-text-body></ac:structured-macro>",
        '<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">INFORM'
        "</ac:parameter></ac:structured-macro>",
        '<ri:user ri:account-id="1"/>',
        '<ac:link><ri:page ri:content-title="x"/></ac:link>',
    ],
)
def test_storage_macros_typed_as_text_stay_text(typed):
    meeting = Meeting(
        DEC_20,
        (
            Paragraph((Text(typed),)),
            Paragraph((Text(typed, frozenset({BOLD, CODE}), "https://example.com/"),), 3),
            ItemList((Topic((Text(typed),)), Item((Text(typed),)))),
        ),
    )
    root = parse_fragment(render_meeting(meeting))
    assert not [el.tag for el in root.iter() if not isinstance(el.tag, str) or ":" in el.tag]
    assert not [el for el in root.iter() if el.tag.startswith("{")]
    assert text(root).count(typed) == 4


# --- safe_url and links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\x00script:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/",
        "/relative/path",
        "mailto:",
        "MAILTO:",
        " mailto: ",
        "http://",
        "",
    ],
)
def test_a_link_that_is_not_http_https_or_a_real_mailto_becomes_plain_text(url):
    assert safe_url(url) is None
    p = parsed(Text("click me", frozenset({BOLD}), url))
    assert tags(p) == ["p", "strong"]
    assert text(p) == "click me"
    assert "href" not in render_inlines((Text("click me", link=url),))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/a?b=1&c=2#d",
        "HTTPS://EXAMPLE.COM/",
        "mailto:someone@example.com",
        "MailTo:someone@example.com",
    ],
)
def test_http_https_and_mailto_with_an_address_are_links(url):
    assert safe_url(url) == url
    p = parsed(Text("here", link=url))
    assert [(a.get("href"), text(a)) for a in p.iter("a")] == [(url, "here")]


def test_a_link_padded_with_spaces_or_controls_is_trimmed_and_still_a_link():
    assert safe_url("  https://example.com/\x00 ") == "https://example.com/"
    assert safe_url("https://example.com/a b") == "https://example.com/a%20b"


@pytest.mark.parametrize(
    "url",
    [
        'https://example.com/"><script>alert(1)</script>',
        "https://example.com/' onmouseover='alert(1)",
        'https://example.com/" onclick="alert(1)',
        "https://example.com/&quot;&gt;<b>",
    ],
)
def test_a_quote_in_a_link_url_stays_inside_the_href(url):
    p = parsed(Text("x", link=url))
    links = list(p.iter("a"))
    assert tags(p) == ["p", "a"]
    assert len(links) == 1
    assert list(links[0].attrib) == ["href"]
    assert links[0].get("href") == url.replace(" ", "%20")
    assert text(p) == "x"


def test_a_link_in_the_text_of_a_run_is_not_a_link():
    p = parsed(Text('<a href="javascript:alert(1)">x</a>'), Text("https://example.com/"))
    assert tags(p) == ["p"]


def test_marks_and_breaks_around_hostile_text_nest_as_elements_only_we_write():
    p = parsed(Text("<b>", frozenset({BOLD})), LineBreak(), Text("</strong><em>"))
    assert tags(p) == ["p", "strong", "br"]
    assert text(p) == "<b></strong><em>"


# --- intent lozenges ---------------------------------------------------------------------------


def lozenge_titles(root) -> list[str]:
    return [
        param.text
        for macro in root.iter(f"{AC}structured-macro")
        for param in macro.iter(f"{AC}parameter")
        if param.get(f"{AC}name") == "title"
    ]


def test_a_tag_in_a_nested_note_is_text_not_a_lozenge():
    meetings = parse_document(
        doc(para("2023-12-20", 2), item("[inform] topic"), item("[inform] a note", level=1))
    )
    root = parse_fragment(render_meeting(meetings[0]))
    assert lozenge_titles(root) == ["INFORM"]
    assert text(root.find("ul/li/ul/li")) == "[inform] a note"


def test_only_a_topic_gets_lozenges_and_only_for_its_parsed_tags():
    note = ItemList((Item((Text("[quest] nested"),)),))
    topics = ItemList(
        (
            Topic((Text("[inform] bracket kept as text"),), (note,)),
            Topic((Text("t"),), (), ("quest",)),
        )
    )
    root = parse_fragment(render_meeting(Meeting(DEC_20, (topics,))))
    assert lozenge_titles(root) == ["QUEST"]
    assert "[inform] bracket kept as text" in text(root)
    assert "[quest] nested" in text(root)


def test_a_tag_in_a_plain_item_list_is_text():
    root = parse_fragment(
        render_meeting(Meeting(DEC_20, (ItemList((Item((Text("[inform]"),)),)),)))
    )
    assert lozenge_titles(root) == []
    assert text(root.find("ul/li")) == "[inform]"


def test_a_link_needs_something_after_its_scheme_and_keeps_whitespace_encoded():
    assert safe_url("https://") is None and safe_url("mailto:") is None
    assert safe_url("https://a b\tc") == "https://a%20b%09c"


@pytest.mark.parametrize("code", ["\nAª:A", "x Ωmega:b", " é:b", "<x A:b>"])
def test_code_that_looks_like_a_prefixed_name_parses_and_stays_code(code):
    """A prefix is read from text that looks like ``name:rest`` after a space, to declare it;
    one that no XML name can be (``Aª``) must not be declared (hypothesis found it)."""
    root = parse_fragment(render_meeting(Meeting(DEC_20, (CodeBlock(code),))))
    [body] = root.iter(f"{AC}plain-text-body")
    assert body.text == code
