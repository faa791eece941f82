"""The body of a Google Docs HTML export → blocks, and its footnotes.

The export is a flat page: a nested list is a run of sibling ``<ul>``/``<ol>`` blocks whose
class ``lst-kix_<id>-<level>`` gives the list and the level, ``<ol start="N">`` the number
its first item shows; links go through ``google.com/url?q=``. A ``<div>`` directly in the
body is a footnote (read), a comment, or a page header or footer (counted, not read); the
``<hr>`` before them separates them from the text and is no rule of the doc.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from bs4 import Tag
from bs4.element import NavigableString, PageElement

from syncer.model import (
    STRIKE,
    UNDERLINE,
    Block,
    CellSpan,
    Footnote,
    FootnoteRef,
    Image,
    Inline,
    LineBreak,
    ListItem,
    Paragraph,
    Rule,
    Table,
    Text,
)
from syncer.sources.code_lines import CLOSES, OPENS, CodeLine, Empty, Read, all_code, gather_code
from syncer.sources.common import (
    DROP_MARKERS,
    MAX_LIST_LEVEL,
    MAX_TABLE_DEPTH,
    PLACEHOLDER,
    join_runs,
)
from syncer.sources.html_css import ListStyles, declared_marks
from syncer.sources.html_text import strip_layout, tidy

_BLOCK_LEVELS = {"p": 0, **{f"h{level}": level for level in range(1, 7)}}
_LIST_CLASS = re.compile(r"lst-kix_([\w-]+)-(\d+)$")
# ``#cmnt1`` in the text points at the comment; ``#cmnt_ref1`` in the comment points back.
_NOTE_MARKER = re.compile(r"#(cmnt|ftnt)(\d+)$")
_NOTE_BACKLINK = re.compile(r"#(cmnt|ftnt)_ref(\d+)$")
_CODE_SPACES = str.maketrans({"\u00a0": " ", "\n": " ", "\r": " ", "\f": " "})

Place = tuple[str, int]  # a list level: (list id, level)
_Frame = tuple[Iterator[PageElement], frozenset[str], str | None]  # a tag being walked


class ExportReader:
    """Walks the body; counts what it leaves out so the preview can say so. ``key`` makes
    the footnote ids of this export unique among those of a zip."""

    def __init__(self, class_marks: dict[str, frozenset[str]], lists: ListStyles, key: str):
        self.class_marks, self.lists, self.key = class_marks, lists, key
        self.left_out: Counter[str] = Counter()
        self.footnotes: list[Footnote] = []
        self.counters: dict[Place, int] = {}  # the number each list level showed last
        self.depth = 0  # of tables around the content being read
        self.in_code = False  # between Google's code-block markers

    def body(self, body: Tag) -> tuple[Block, ...]:
        children = [child for child in body.children if isinstance(child, Tag)]
        read: list[Read] = []
        for index, child in enumerate(children):
            after = children[index + 1 :]
            if child.name == "hr" and after and all(tag.name == "div" for tag in after):
                continue  # the line above footnotes and comments
            read += self.blocks(child)
        return self.gathered(read)

    def gathered(self, read: list[Read]) -> tuple[Block, ...]:
        self.in_code = False  # a code block is never open past its container
        return tuple(gather_code(read))

    def blocks(self, node: Tag) -> list[Read]:
        """The blocks of one body (or cell) child; anything else (bookmarks) is none."""
        if node.name in ("ul", "ol"):
            return list(self.list_items(node))
        if node.name == "table":
            return [self.table(node)]
        if node.name == "div":
            self.note(node)
            return []
        if node.name == "hr":
            style = str(node.get("style") or "").replace(" ", "")
            return [] if "display:none" in style or "page-break" in style else [Rule()]
        if node.name in _BLOCK_LEVELS:
            return [self.paragraph(node, _BLOCK_LEVELS[node.name])]
        return []

    def paragraph(self, node: Tag, heading: int) -> Read:
        before = self.left_out.total()
        raw = self.runs(node)
        code = None if heading else self.code_line(raw)
        if code is not None:
            return code
        inlines = tidy(raw)
        if not inlines:
            return Empty(left_out=self.left_out.total() > before)
        return Paragraph(inlines, heading)

    def code_line(self, raw: list[Inline]) -> CodeLine | None:
        """The paragraph as a line of code, every space kept: between Google's markers, or
        all monospace."""
        text = "".join(map(_code_text, raw))
        opens, closes = OPENS in text, CLOSES in text
        if not (self.in_code or opens or all_code(tidy(raw))):
            return None
        self.in_code = (self.in_code or opens) and not closes
        return CodeLine(text.translate(DROP_MARKERS), opens, closes)

    def note(self, div: Tag) -> None:
        """A footnote is read; a comment or a page header or footer is counted."""
        backlink = div.find("a", href=_NOTE_BACKLINK)
        found = _NOTE_BACKLINK.search(_href(backlink)) if isinstance(backlink, Tag) else None
        if found is None:
            self.left_out["div"] += 1
        elif found[1] == "cmnt":
            self.left_out["cmnt"] += 1
        else:
            self.footnotes.append(Footnote(f"{self.key}ftnt{found[2]}", self.content(div)))

    def list_items(self, node: Tag) -> Iterator[Read]:
        """Docs writes lists flat, the level in the class. A list nested in an item (HTML
        written by other tools) follows its item one level deeper, and a table in an item
        follows it as a table: nothing in an item is dropped. A stack, not recursion: the
        nesting may be as deep as the file is long."""
        stack = [iter([(node, ("", 0))])]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
            elif entry[0].name == "table":
                yield self.table(entry[0])
            elif entry[0].name in ("ul", "ol"):
                tag, place = self.started(*entry)
                items = tag.find_all("li", recursive=False)
                stack.append(iter([(li, place) for li in items]))
            else:
                li, place = entry
                yield from self.list_entry(li, place)
                deeper = ("", min(place[1] + 1, MAX_LIST_LEVEL))
                stack.append(iter([(tag, deeper) for tag in _nested_in(li)]))

    def started(self, tag: Tag, nested: Place) -> tuple[Tag, Place]:
        """A list block, and the place its items take (``nested``: where a list without
        Docs' class sits): numbering goes on from the same list level before it unless the
        block starts anew (``start`` says where)."""
        classes = [c for c in tag.get_attribute_list("class") if isinstance(c, str)]
        found = next((m for c in classes if (m := _LIST_CLASS.match(c))), None)
        place = (found[1], min(int(found[2]), MAX_LIST_LEVEL)) if found else nested
        start = _number(tag.get("start"))
        if start is not None:
            self.counters[place] = start - 1
        elif "start" in classes or not found or place not in self.counters:
            self.counters[place] = self.lists.first_number(*place) - 1
        return tag, place

    def list_entry(self, li: Tag, place: Place) -> Iterator[Read]:
        """An item, or a heading Docs numbers (its number in its text, as Docs shows it).
        An empty item takes its number, as in Docs, but is not kept."""
        self.counters[place] += 1
        ordered = li.parent is not None and li.parent.name == "ol"
        heading = _heading_in(li)
        if heading is not None:
            label = self.lists.label(*place, self.counters) if ordered else ""
            lead = (Text(f"{label} "),) if label else ()
            if inlines := join_runs((*lead, *self.inlines(heading))):
                yield Paragraph(inlines, _BLOCK_LEVELS[heading.name])
        elif inlines := self.inlines(li):
            checked = STRIKE in self.own_marks(li) if self.lists.checklist(place[0]) else None
            number = self.counters[place] if ordered else 0
            yield ListItem(inlines, place[1], ordered, place[0], number, checked)

    def table(self, table: Tag) -> Table | Paragraph:
        """Rows wherever they sit: the export nests them in a stray ``<thead>``/``<tbody>``.
        Nested past reason, a table is one paragraph of its words."""
        if self.depth >= MAX_TABLE_DEPTH:
            return Paragraph(join_runs([Text(" ".join(table.get_text(" ").split()))]))
        self.depth += 1
        try:
            rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
            cells = [tr.find_all(("td", "th"), recursive=False) for tr in rows]
            spans = tuple(
                s
                for r, row in enumerate(cells)
                for c, td in enumerate(row)
                if (s := _span(r, c, td))
            )
            shown = tuple(tuple(self.content(td) for td in row) for row in cells)
            return Table(shown, spans)
        finally:
            self.depth -= 1

    def content(self, holder: Tag) -> tuple[Block, ...]:
        """The blocks of a cell or a footnote."""
        read = [
            block
            for child in holder.children
            if isinstance(child, Tag)
            for block in self.blocks(child)
        ]
        return self.gathered(read)

    def inlines(self, node: Tag) -> tuple[Inline, ...]:
        return tidy(self.runs(node))

    def runs(self, node: Tag) -> list[Inline]:
        """The text runs inside ``node`` with their marks and link, spaces as written;
        lists and tables inside it are blocks of their own. A stack, not recursion: tags
        may nest thousands deep."""
        out: list[Inline] = []
        stack: list[_Frame] = [(iter(node.children), frozenset(), None)]
        while stack:
            children, marks, link = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
            elif type(child) is NavigableString:  # not a comment or CDATA
                text = strip_layout(child)
                if PLACEHOLDER in text:
                    self.left_out["placeholder"] += text.count(PLACEHOLDER)
                out.append(Text(text, marks, link))
            elif isinstance(child, Tag):
                stack.extend(self.inside(child, marks, link, out))
        return out

    def inside(
        self, tag: Tag, marks: frozenset[str], link: str | None, out: list[Inline]
    ) -> list[_Frame]:
        """What walking into ``tag`` adds: a break, an image, a footnote's number, or its
        children with the marks and link it sets; comment markers are skipped."""
        if tag.name == "br":
            out.append(LineBreak())
        elif tag.name == "img":
            out.extend(_image(tag))
        elif tag.name == "a" and (marker := _NOTE_MARKER.search(_href(tag))):
            if marker[1] == "ftnt":
                out.append(FootnoteRef(f"{self.key}ftnt{marker[2]}"))
        elif tag.name == "a" and _NOTE_BACKLINK.search(_href(tag)):
            pass  # the [1] leading a footnote's own text
        elif tag.name not in ("ul", "ol", "table"):
            return [(iter(tag.children), *self.styled(tag, marks, link))]
        return []

    def styled(
        self, tag: Tag, marks: frozenset[str], link: str | None
    ) -> tuple[frozenset[str], str | None]:
        """The marks and link inside ``tag``: its classes and ``style=`` add marks, an
        ``href`` sets the link."""
        own = marks | self.own_marks(tag)
        if tag.name != "a" or not _href(tag):
            return own, link
        # The export underlines every link; that is not the author's mark.
        return own - {UNDERLINE}, _real_url(_href(tag))

    def own_marks(self, tag: Tag) -> frozenset[str]:
        classes = tag.get_attribute_list("class")
        by_class = (self.class_marks.get(c, frozenset()) for c in classes if isinstance(c, str))
        style = tag.get("style")
        return frozenset().union(*by_class, declared_marks(style if isinstance(style, str) else ""))


def _code_text(inline: Inline) -> str:
    if isinstance(inline, Text):
        return inline.text.translate(_CODE_SPACES)
    return "\n" if isinstance(inline, LineBreak) else ""


def _number(value: object) -> int | None:
    text = value if isinstance(value, str) else ""
    return int(text) if text.strip().isdigit() and len(text) < 10 else None


def _span(row: int, cell: int, td: Tag) -> CellSpan | None:
    columns, rows = (max(1, min(_number(td.get(key)) or 1, 1000)) for key in ("colspan", "rowspan"))
    return CellSpan(row, cell, columns, rows) if columns > 1 or rows > 1 else None


def _heading_in(li: Tag) -> Tag | None:
    """The heading an item holds as its whole content (how Docs exports a numbered heading)."""
    tags = [child for child in li.children if isinstance(child, Tag)]
    words = "".join(c for c in li.children if isinstance(c, NavigableString)).strip()
    if len(tags) == 1 and tags[0].name in _BLOCK_LEVELS and tags[0].name != "p" and not words:
        return tags[0]
    return None


def _nested_in(li: Tag) -> list[Tag]:
    """The lists and tables in an item, not those inside them, in document order."""
    found: list[Tag] = []
    stack = [iter(li.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif not isinstance(child, Tag):
            continue
        elif child.name in ("ul", "ol", "table"):
            found.append(child)
        elif child.name != "li":
            stack.append(iter(child.children))
    return found


def _href(tag: Tag) -> str:
    """The ``href``, or "" without one (bs4 types any attribute as maybe a list of values)."""
    href = tag.get("href")
    return href if isinstance(href, str) else ""


def _real_url(href: str) -> str | None:
    """Undo Google's redirect wrapper; links into the doc itself (``#h.…``) are not links."""
    if href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.netloc.endswith("google.com") and parts.path == "/url":
        return parse_qs(parts.query).get("q", [href])[0]
    return href


_PIXELS = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([\d.]+)px", re.IGNORECASE)


def _image(tag: Tag) -> list[Inline]:
    """An ``<img>``: where its bytes are (an export's ``images/…`` or a link) and the size
    its ``style`` gives it (Google writes ``width: 624.00px; height: 351.00px``)."""
    source = tag.get("src")
    if not isinstance(source, str) or not source.strip():
        return []
    style = tag.get("style")
    size = {key.lower(): round(float(value)) for key, value in _PIXELS.findall(str(style or ""))}
    alt = tag.get("alt") or tag.get("title") or ""
    return [Image(source.strip(), str(alt), size.get("width") or None, size.get("height") or None)]
