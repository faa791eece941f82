"""Google Docs' HTML export (File > Download > Web page, or Drive's export) → a ``Document``.

The export is a flat page: styling lives in CSS classes, a nested list is a run of sibling
``<ul>``/``<ol>`` blocks whose class ``lst-kix_<id>-<level>`` gives the level, and links go
through ``google.com/url?q=``. Every ``<div>`` directly in the body is a page header or footer,
a comment or a footnote, never the notes themselves: those are counted, not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

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
    Document,
    Inline,
    LineBreak,
    ListItem,
    Paragraph,
    Tab,
    Table,
    Text,
)
from syncer.sources.common import DROP_MARKERS, is_monospace, join_runs, omission_notes

_BLOCK_LEVELS = {"p": 0, **{f"h{level}": level for level in range(1, 7)}}
_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_LIST_LEVEL = re.compile(r"lst-kix_[\w-]+-(\d+)$")
# ``#cmnt1`` in the text points at the comment; ``#cmnt_ref1`` in the comment points back.
_NOTE_MARKER = re.compile(r"#(?:cmnt|ftnt)\d+$")
_NOTE_BACKLINK = re.compile(r"#(cmnt|ftnt)_ref\d+$")
# The export itself is one line and writes soft breaks as <br>, so a newline and its
# indentation at the edge of a text node is pretty-printing between tags, not a space.
_LAYOUT = re.compile(r"^[ \t\r\n]*\n[ \t]*|\r?\n[ \t\r\n]*$")
_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")
# What we leave out on purpose, with the words the preview uses (singular, plural).
_OMISSIONS = {
    "cmnt": ("comment", "comments"),
    "ftnt": ("footnote", "footnotes"),
    "div": ("page header or footer", "page headers and footers"),
    "img": ("image", "images"),
}


def read_zip_export(data: bytes, *, name: str = "export.zip") -> Document:
    """The zipped export holds one HTML file (and its images, which we do not carry over)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = [n for n in archive.namelist() if n.lower().endswith((".html", ".htm"))]
            if not pages:
                raise SourceError(f"{name}: the zip holds no .html file (not a Docs export?)")
            html = archive.read(pages[0])
    except zipfile.BadZipFile:
        raise SourceError(
            f"{name}: not a zip file (expected Docs' File > Download > Web page)"
        ) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise SourceError(f"{name}: cannot read the zip: {error}") from None
    return read_html_export(html, name=name)


def read_html_export(data: bytes, *, name: str = "export.html") -> Document:
    """Read an HTML export; ``name`` (the file) is what errors mention."""
    soup = BeautifulSoup(data, "lxml")
    if soup.body is None:
        raise SourceError(f"{name}: not an HTML export (no <body>)")
    reader = _Reader(_class_marks(soup))
    blocks = tuple(block for child in soup.body.children for block in reader.blocks(child))
    title = soup.title.get_text(strip=True) if soup.title else ""
    return Document((Tab(title, blocks),), reader.notes())


def _class_marks(soup: BeautifulSoup) -> dict[str, frozenset[str]]:
    """CSS class → the marks its rule sets (``.c5{font-weight:700}`` → bold)."""
    css = "".join(style.get_text() for style in soup.find_all("style"))
    return {name: _marks(body) for name, body in _RULE.findall(css)}


def _marks(declarations: str) -> frozenset[str]:
    pairs = (d.split(":", 1) for d in declarations.lower().split(";") if ":" in d)
    style = {key.strip(): value.strip() for key, value in pairs}
    decoration = style.get("text-decoration", "").split()
    found = {
        BOLD: style.get("font-weight") in ("700", "bold"),
        ITALIC: style.get("font-style") == "italic",
        UNDERLINE: "underline" in decoration,
        STRIKE: "line-through" in decoration,
        SUPERSCRIPT: style.get("vertical-align") == "super",
        SUBSCRIPT: style.get("vertical-align") == "sub",
        CODE: is_monospace(style.get("font-family", "")),
    }
    return frozenset(mark for mark, on in found.items() if on)


class _Reader:
    """Walks the body; counts what it leaves out so the preview can say so."""

    def __init__(self, class_marks: dict[str, frozenset[str]]) -> None:
        self.class_marks = class_marks
        self.left_out: Counter[str] = Counter()

    def notes(self) -> tuple[str, ...]:
        return omission_notes(self.left_out, _OMISSIONS)

    def blocks(self, node: object) -> list[Block]:
        """The blocks of one body (or cell) child; anything else (``<hr>``, bookmarks) is none."""
        if not isinstance(node, Tag):
            return []
        if node.name in ("ul", "ol"):
            return self.list_items(node)
        if node.name == "table":
            return [self.table(node)]
        if node.name == "div":
            self.left_out[_left_out_kind(node)] += 1
            return []
        if node.name in _BLOCK_LEVELS:
            inlines = self.inlines(node)
            return [Paragraph(inlines, _BLOCK_LEVELS[node.name])] if inlines else []
        return []

    def list_items(self, node: Tag) -> list[Block]:
        """Lists are flat: the level is in the class, not in any nesting."""
        levels = (
            int(m[1]) for c in node.get_attribute_list("class") if (m := _LIST_LEVEL.match(c))
        )
        level = next(levels, 0)
        items = (
            ListItem(self.inlines(li), level, node.name == "ol")
            for li in node.find_all("li", recursive=False)
        )
        return [item for item in items if item.inlines]

    def table(self, table: Tag) -> Table:
        """Rows wherever they sit: the export nests them in a stray ``<thead>``/``<tbody>``."""
        rows = (tr for tr in table.find_all("tr") if tr.find_parent("table") is table)
        return Table(
            tuple(
                tuple(
                    tuple(block for child in td.children for block in self.blocks(child))
                    for td in tr.find_all(("td", "th"), recursive=False)
                )
                for tr in rows
            )
        )

    def inlines(self, node: Tag) -> tuple[Inline, ...]:
        raw: list[Inline] = []
        self.walk(node, frozenset(), None, raw)
        return _tidy(raw)

    def walk(self, node: Tag, marks: frozenset[str], link: str | None, out: list[Inline]) -> None:
        for child in node.children:
            if type(child) is NavigableString:  # not a comment or CDATA
                text = _LAYOUT.sub("", child).translate(DROP_MARKERS)
                out.append(Text(text, marks, link))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                out.append(LineBreak())
            elif child.name == "img":
                self.left_out["img"] += 1
            elif child.name == "a" and _NOTE_MARKER.search(_href(child)):
                continue  # the [a] or [1] pointing at a comment or footnote
            elif child.name not in ("ul", "ol", "table"):
                self.walk(child, *self.styled(child, marks, link), out)

    def styled(
        self, tag: Tag, marks: frozenset[str], link: str | None
    ) -> tuple[frozenset[str], str | None]:
        """The marks and link inside ``tag``: its classes add marks, an ``href`` sets the link."""
        classes = tag.get_attribute_list("class")
        own = marks.union(*(self.class_marks.get(c, frozenset()) for c in classes))
        if tag.name != "a" or not _href(tag):
            return own, link
        # The export underlines every link; that is not the author's mark.
        return own - {UNDERLINE}, _real_url(_href(tag))


def _left_out_kind(div: Tag) -> str:
    """``cmnt`` or ``ftnt`` for a comment or footnote (its backlink says which), else ``div``."""
    backlink = div.find("a", href=_NOTE_BACKLINK)
    found = _NOTE_BACKLINK.search(_href(backlink)) if backlink else None
    return found[1] if found else "div"


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


def _tidy(raw: list[Inline]) -> tuple[Inline, ...]:
    """HTML whitespace rules across runs: collapse, trim at the ends and around breaks."""
    out: list[Inline] = []
    at_line_start = True
    for inline in raw:
        if isinstance(inline, Text):
            text = _SPACES.sub(" ", inline.text)
            if at_line_start:
                text = text.lstrip(" ")
            if text:
                at_line_start = text.endswith(" ")
                out.append(Text(text, inline.marks, inline.link))
        else:
            _rstrip_last(out)
            out.append(inline)
            at_line_start = True
    _rstrip_last(out)
    return join_runs(out)


def _rstrip_last(out: list[Inline]) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip(" "), out[-1].marks, out[-1].link)
