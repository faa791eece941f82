"""Properties of rendering and merging, over generated meetings and archive pages.

Rendering must give well-formed storage format that keeps every character a person typed and
links only to http(s)/mailto; merging must be idempotent, keep what it does not own byte for
byte, and never touch a page when there is nothing to write.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncer.dates import read_date
from syncer.merge import Force, Rendered, merge_page
from syncer.model import (
    MARKS,
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
from syncer.page_view import PageView
from syncer.parse import INTENTS, parse_document
from syncer.render import render_block, render_meeting
from syncer.status import Status
from syncer.xhtml import parse_fragment
from syncer.xml_text import escape
from tests.helpers import doc, item, para

# Sized so the whole file runs in well under 20 s; rendering is cheap, merging a page is not.
_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much]
RENDER_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=_HEALTH)
MERGE_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
AC = "{urn:confluence:ac}"
SAFE_SCHEMES = ("http://", "https://", "mailto:")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DATE_HEADING = re.compile(r"<h([1-6])>(\d{4}-\d{2}-\d{2})</h\1>")
CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.S)

# --- strategies: hostile text, links and nested meetings -------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "]]>",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "&",
    "&amp;",
    "&nbsp;",
    "&#60;",
    "<",
    ">",
    '"',
    "'",
    '<ac:structured-macro ac:name="html"/>',
    "<h2>2023-12-20</h2>",
    "[inform]",
    "2023-12-20",
    "\x00",
    "\x0b",
    "\x1f",
    "\r",
    "\r\n",
    "\t",
    "\x85",
    "\u2028",
    "\ufffe",
    "\uffff",
]
LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\x00script:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:",
    "http://",
    "//evil.example",
    "https://example.com/?a=1&b=2",
    'https://example.com/"><script>alert(1)</script>',
    "mailto:someone@example.com",
    "HTTP://EXAMPLE.COM",
]
SCHEMES = ["http://", "https://", "mailto:", "javascript:", " JaVaScRiPt:", "data:", "file:", ""]

texts = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE)), max_size=3).map("".join)
links = st.one_of(
    st.none(),
    st.sampled_from(LINKS),
    st.text(max_size=12),
    st.builds(str.__add__, st.sampled_from(SCHEMES), texts),
)
marks = st.frozensets(st.sampled_from(MARKS))
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
inline = st.one_of(
    st.builds(Text, texts, marks, links),
    st.builds(Text, texts),
    st.just(LineBreak()),
    st.builds(DateChip, dates, texts),
    st.builds(FootnoteRef, st.sampled_from(["1", "2"])),
)
inlines = st.lists(inline, max_size=4).map(tuple)
tags = st.lists(st.sampled_from(INTENTS), unique=True, max_size=3).map(tuple)


def heading_text(inlines_: tuple) -> str:
    """How a page reads these inlines in a heading: a chip as its date, a break as nothing."""
    parts = (
        i.text if isinstance(i, Text) else i.date.isoformat() if isinstance(i, DateChip) else ""
        for i in inlines_
    )
    return XML_ILLEGAL.sub("", "".join(parts))


def headings(dateless: bool) -> st.SearchStrategy[Paragraph]:
    """Paragraphs and headings; ``dateless`` keeps headings whose text is a date out."""
    strategy = st.builds(Paragraph, inlines, st.integers(0, 6))
    if dateless:
        return strategy.filter(lambda p: not (p.heading and read_date(heading_text(p.inlines))))
    return strategy


starts = st.one_of(st.just(1), st.integers(0, 12))


def item_lists(depth: int) -> st.SearchStrategy[ItemList]:
    children = st.lists(item_lists(depth - 1), max_size=2).map(tuple) if depth else st.just(())
    items = st.builds(Item, inlines, children, st.booleans())
    entries = st.lists(items, min_size=1, max_size=3).map(tuple)
    return st.builds(ItemList, entries, st.booleans(), starts, st.booleans())


def topic_lists(depth: int) -> st.SearchStrategy[ItemList]:
    children = st.lists(item_lists(depth - 1), max_size=2).map(tuple)
    topic = st.builds(Topic, inlines, children, tags, st.none() | texts, st.booleans())
    entries = st.lists(topic, min_size=1, max_size=3).map(tuple)
    return st.builds(ItemList, entries, st.booleans(), starts, st.booleans())


def tables(paragraphs: st.SearchStrategy[Paragraph], depth: int) -> st.SearchStrategy[Table]:
    nested = [tables(paragraphs, depth - 1)] if depth else []
    cell = st.lists(st.one_of(paragraphs, item_lists(1), codes, *nested), max_size=2).map(tuple)
    row = st.lists(cell, min_size=1, max_size=2).map(tuple)
    spans = st.sampled_from([(), (CellSpan(0, 0, 2),), (CellSpan(0, 0, 1, 2),)])
    return st.builds(Table, st.lists(row, min_size=1, max_size=2).map(tuple), spans)


codes = st.builds(CodeBlock, texts)
notes = st.builds(
    Footnotes, st.lists(st.lists(headings(False), max_size=2).map(tuple), max_size=2).map(tuple)
)


def meetings_on(date: dt.date, dateless: bool = False) -> st.SearchStrategy[Meeting]:
    """Meetings; ``dateless`` ones are smaller (for pages) and as the parser would yield them."""
    paragraphs = headings(dateless)
    depth = 1 if dateless else 2
    block = st.one_of(
        paragraphs, topic_lists(depth), tables(paragraphs, depth - 1), codes, st.just(Rule())
    )
    body = st.lists(block, max_size=6 - depth).map(tuple)
    ending = st.one_of(st.just(()), notes.map(lambda n: (n,)))
    return st.builds(Meeting, st.just(date), st.builds(tuple.__add__, body, ending))


meetings = dates.flatmap(meetings_on)

# --- what a rendered meeting must show ---------------------------------------------------------


def expected_text(meeting: Meeting) -> str:
    """Every character of every text run, in order (chips render as ``<time>``, no text)."""
    return meeting.date.isoformat() + "".join(_block_text(block) for block in meeting.blocks)


def _block_text(block) -> str:
    if isinstance(block, Paragraph):
        return _inline_text(block.inlines)
    if isinstance(block, CodeBlock):
        return block.text
    if isinstance(block, Rule):
        return ""
    if isinstance(block, Footnotes):
        return "".join(f"{n}" + _blocks_text(note) for n, note in enumerate(block.notes, 1))
    if isinstance(block, ItemList):
        return "".join(
            _inline_text(entry.inlines) + "".join(_block_text(child) for child in entry.children)
            for entry in block.items
        )
    return "".join(_block_text(b) for row in block.rows for cell in row for b in cell)


def _blocks_text(blocks: tuple) -> str:
    return "".join(map(_block_text, blocks))


def _inline_text(inlines_: tuple) -> str:
    return "".join(i.text for i in inlines_ if isinstance(i, Text))


def user_text(node) -> str:
    """The text of a parsed fragment, leaving out what our own ``ac:`` macros say (but
    keeping the code of a code macro and the text of a task)."""
    ours = node.tag.startswith(AC) and node.tag not in (f"{AC}plain-text-body", f"{AC}task-body")
    own = "" if ours else (node.text or "")
    return own + "".join(user_text(child) + (child.tail or "") for child in node)


def squeeze(text: str) -> str:
    """Without XML-illegal characters and whitespace (XML may turn CR into LF)."""
    return "".join(ch for ch in XML_ILLEGAL.sub("", text) if not ch.isspace())


ALLOWED_TAGS = {
    "root",
    *(f"h{n}" for n in range(1, 7)),
    *("p", "strong", "em", "u", "s", "code", "sup", "sub", "a", "br", "time"),
    *("ul", "ol", "li", "table", "tbody", "tr", "td"),
    "hr",
    *(f"{AC}{name}" for name in ("structured-macro", "parameter", "plain-text-body", "link")),
    *(f"{AC}{name}" for name in ("plain-text-link-body", "task-list", "task", "task-id")),
    *(f"{AC}{name}" for name in ("task-status", "task-body")),
}


@RENDER_SETTINGS
@given(meetings)
def test_rendering_is_well_formed_safe_and_loses_no_text(meeting):
    for level in range(1, 7):
        root = parse_fragment(render_meeting(meeting, level))
        elements = list(root.iter())
        assert {el.tag for el in elements} <= ALLOWED_TAGS
        hrefs = [el.get("href") for el in elements if el.get("href") is not None]
        assert all(href.lower().startswith(SAFE_SCHEMES) for href in hrefs)
        assert all(el.get("href") for el in elements if el.tag == "a")
        lozenges = root.findall(f".//{AC}structured-macro[@{AC}name='status']")
        assert len(lozenges) == sum(len(topic.tags) for topic in meeting.topics)
        assert squeeze(user_text(root)) == squeeze(expected_text(meeting))
        assert root[0].tag == f"h{level}"


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    body: str
    sections: dict[dt.date, str]  # each dated section exactly as it is on the page
    newest_first: bool


def _not_a_date_heading(raw: str) -> bool:
    return not raw.startswith("<h") or not PageView(raw).sections


separators = st.sampled_from(["\n", "", "\n\n", " "])
preamble_blocks = st.one_of(
    st.builds(Paragraph, inlines, st.integers(0, 6)).map(lambda p: render_block(p, 0)),
    item_lists(1).map(render_block),
).filter(_not_a_date_heading)


@st.composite
def pages(draw) -> Page:
    """A hand-kept preamble, dated sections (in any order, mostly at one heading level), maybe
    a footer under a heading."""
    level = draw(st.integers(1, 6))
    levels = st.one_of(st.just(level), st.integers(1, 6))
    sep = draw(separators)
    preamble = "".join(block + sep for block in draw(st.lists(preamble_blocks, max_size=3)))
    newest_first = draw(st.booleans())
    on_page = draw(st.lists(dates, unique=True, max_size=5))
    if newest_first:
        on_page.sort(reverse=True)
    sections = {
        d: render_meeting(draw(meetings_on(d, dateless=True)), draw(levels)) for d in on_page
    }
    body = preamble + "".join(section + sep for section in sections.values())
    if draw(st.booleans()):
        # Mostly a trailer that ends the sections, at their level or above, else any heading.
        at_or_above = st.integers(0, level - 1).map(lambda up: level - up)
        footer_level = draw(st.one_of(at_or_above, st.integers(1, 6)))
        footer = Paragraph(draw(inlines), footer_level)
        body += draw(st.just(render_block(footer, 0)).filter(_not_a_date_heading))
        body += sep + draw(preamble_blocks)
    return Page(body, sections, newest_first)


@st.composite
def pages_and_meetings(draw) -> tuple[Page, dict[dt.date, Meeting]]:
    """A page, and meetings: some for dates on the page, some new."""
    page = draw(pages())
    old = sorted(page.sections)
    again = draw(st.lists(st.sampled_from(old), unique=True)) if old else []
    new = draw(st.lists(dates.filter(lambda d: d not in page.sections), unique=True, max_size=4))
    meetings_ = {d: draw(meetings_on(d, dateless=True)) for d in draw(st.permutations(again + new))}
    return page, meetings_


ALL = Force(everything=True)


def as_rendered(body: str, meetings_: dict[dt.date, Meeting]) -> dict[dt.date, Rendered]:
    """The meetings rendered as the sync renders them: at the level their place on the page
    has."""
    view = PageView(body)
    return {d: Rendered.of(render_meeting(m, view.level_for(d)), m) for d, m in meetings_.items()}


def date_headings(body: str) -> list[dt.date]:
    return [dt.date.fromisoformat(m.group(2)) for m in DATE_HEADING.finditer(_markup(body))]


def preamble_of(body: str) -> str:
    first = DATE_HEADING.search(_markup(body))
    return body[: first.start()] if first else body


def _markup(body: str) -> str:
    """The body with a code macro's text blanked out: a heading written there is code."""
    return CDATA.sub(lambda found: " " * len(found[0]), body)


@MERGE_SETTINGS
@given(pages_and_meetings())
def test_merging_twice_is_merging_once(case):
    page, meetings_ = case
    once = merge_page(page.body, as_rendered(page.body, meetings_), {}, force=ALL)
    twice = merge_page(once.body, as_rendered(once.body, meetings_), once.state)
    assert twice.body == once.body
    assert {d.status for d in twice.decisions} <= {Status.UNCHANGED, Status.KEPT}
    assert not twice.changed


@MERGE_SETTINGS
@given(pages_and_meetings())
def test_merging_keeps_what_it_does_not_own_and_puts_new_sections_in_date_order(case):
    page, rendered = case
    result = merge_page(page.body, as_rendered(page.body, rendered), {}, force=ALL)
    assert result.body.startswith(preamble_of(page.body))
    for date, section in page.sections.items():
        if date not in rendered:
            assert section in result.body
    assert sorted(date_headings(result.body)) == sorted({*page.sections, *rendered})
    assert_statuses(page, rendered, {d.date: d.status for d in result.decisions})
    assert_new_sections_precede_older_ones(page, rendered, date_headings(result.body))


def assert_statuses(page: Page, rendered: dict, statuses: dict) -> None:
    assert Status.CONFLICT not in statuses.values()
    for date in {*page.sections, *rendered}:
        if date not in rendered:
            assert statuses[date] == Status.KEPT
        elif date in page.sections:
            assert statuses[date] in (Status.UPDATED, Status.UNCHANGED)
        else:
            assert statuses[date] == Status.ADDED


def assert_new_sections_precede_older_ones(page: Page, rendered: dict, order: list) -> None:
    """Before every older section already on the page, else after all of them."""
    for new in set(rendered) - set(page.sections):
        older = [order.index(d) for d in page.sections if d < new]
        if older:
            assert order.index(new) < min(older)
        else:
            assert order.index(new) > max((order.index(d) for d in page.sections), default=-1)
    if page.newest_first:
        assert order == sorted(order, reverse=True)


@st.composite
def pages_with_a_trailer(draw) -> tuple[str, str, dict[dt.date, str], bool, dt.date]:
    """Newest-first sections at one level, a trailer heading at or above it, and meetings, some
    older than every section (they belong before the trailer, not inside it)."""
    level = draw(st.integers(1, 6))
    on_page = sorted(draw(st.lists(dates, min_size=1, max_size=3, unique=True)), reverse=True)
    body = "".join(
        render_meeting(draw(meetings_on(d, dateless=True)), level) + "\n" for d in on_page
    )
    trailer_level = draw(st.integers(0, level - 1).map(lambda up: level - up))
    trailer = f"<h{trailer_level}>Older notes</h{trailer_level}>\n<p>kept as is</p>\n"
    older = st.dates(min_value=dt.date(1990, 1, 1), max_value=on_page[-1] - dt.timedelta(days=1))
    new = draw(st.lists(st.one_of(older, dates), min_size=1, max_size=3, unique=True))
    meetings_ = {d: draw(meetings_on(d, dateless=True)) for d in new if d not in on_page}
    return body + trailer, trailer, meetings_


@MERGE_SETTINGS
@given(pages_with_a_trailer())
def test_a_new_section_never_swallows_the_trailer(case):
    body, trailer, meetings_ = case
    once = merge_page(body, as_rendered(body, meetings_), {}, force=ALL)
    twice = merge_page(once.body, as_rendered(once.body, meetings_), once.state)
    # Older sections go ahead of a trailer that ends them, rendered at their level.
    assert once.body.endswith(trailer)
    assert twice.body == once.body
    assert {d.status for d in twice.decisions} <= {Status.UNCHANGED, Status.KEPT}
    assert date_headings(once.body) == sorted(date_headings(once.body), reverse=True)


@MERGE_SETTINGS
@given(pages())
def test_nothing_to_merge_returns_the_page_unchanged(page):
    result = merge_page(page.body, {}, {})
    assert result.body == page.body
    assert {d.status for d in result.decisions} <= {Status.KEPT}
    assert [d.date for d in result.decisions] == sorted(page.sections, reverse=True)


def test_doc_and_page_agree_on_a_date_heading_holding_an_illegal_character():
    """Found by these properties: the parser once kept such a heading inside a meeting while
    the page read it as a date of its own, so the next merge saw a conflict."""
    heading = Paragraph((Text("2023-12-21\x01"),), 3)
    meetings_ = parse_document(doc(para("2023-12-20", 2), item("topic"), heading, item("more")))
    assert [m.date for m in meetings_] == [dt.date(2023, 12, 20), dt.date(2023, 12, 21)]
    rendered = as_rendered("<p>notes</p>\n", {m.date: m for m in meetings_})
    once = merge_page("<p>notes</p>\n", rendered, {})
    twice = merge_page(once.body, rendered, once.state)
    assert {d.status for d in twice.decisions} == {Status.UNCHANGED}


def test_the_text_model_of_these_properties_sees_what_escape_removes():
    """Guards the helpers above: a run of only illegal characters leaves nothing to find."""
    assert squeeze("\x00a\ufffe b\r") == "ab"
    assert escape("\x00\x1f\ufffe") == ""


def test_a_section_moved_to_h6_keeps_its_subheadings_inside_it():
    """Found by the idempotency property: sub-headings shifted past h6 must not end the section."""
    page = "<h2>2023-12-20</h2>\n<p>a</p>\n<h6>2023-12-13</h6>\n<p>old</p>\n"
    meeting = Meeting(dt.date(2023, 12, 13), (Paragraph((Text("Actions"),), 3),))
    rendered = as_rendered(page, {meeting.date: meeting})
    once = merge_page(page, rendered, {}, force=ALL)
    twice = merge_page(once.body, rendered, once.state)
    assert [d.status for d in twice.decisions] == [Status.KEPT, Status.UNCHANGED]
