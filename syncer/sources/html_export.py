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
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from syncer.errors import SourceError
from syncer.files import DEFAULT_LIMIT, TooLarge, read_stream_at_most, size_text
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
from syncer.sources.common import (
    DROP_MARKERS,
    MAX_LIST_LEVEL,
    MAX_TABLE_DEPTH,
    is_monospace,
    join_runs,
    omission_notes,
)

_BLOCK_LEVELS = {"p": 0, **{f"h{level}": level for level in range(1, 7)}}
_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_LIST_LEVEL = re.compile(r"lst-kix_[\w-]+-(\d+)$")
# ``#cmnt1`` in the text points at the comment; ``#cmnt_ref1`` in the comment points back.
_NOTE_MARKER = re.compile(r"#(?:cmnt|ftnt)\d+$")
_NOTE_BACKLINK = re.compile(r"#(cmnt|ftnt)_ref\d+$")
# A Docs export's body has the class "doc-content" (older ones: a class of its own CSS rule).
_DOC_CLASS = re.compile(r"c\d+$")
_HOW_TO_EXPORT = (
    "export the doc with File > Download > Web page (.html, zipped), or save its"
    " documents.get response as .json"
)
_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")
# What we leave out on purpose, with the words the preview uses (singular, plural).
_OMISSIONS = {
    "cmnt": ("comment", "comments"),
    "ftnt": ("footnote", "footnotes"),
    "div": ("page header or footer", "page headers and footers"),
    "img": ("image", "images"),
}


def read_zip_export(
    data: bytes, *, name: str = "export.zip", limit: int = DEFAULT_LIMIT
) -> Document:
    """The zipped export: every HTML file in it (a tab each, in the zip's order), not the
    images. Each is inflated only up to ``limit`` bytes in all, so a zip bomb is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = [info for info in archive.infolist() if _is_page(info)]
            if not pages:
                raise SourceError(f"{name}: the zip holds no .html file (not a Docs export?)")
            documents = [
                read_html_export(html, name=f"{name}: {member}")
                for member, html in _inflated(archive, pages, limit, name)
            ]
    except zipfile.BadZipFile as error:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise SourceError(
                f"{name}: not a zip file (expected Docs' File > Download > Web page)"
            ) from None
        raise SourceError(f"{name}: cannot read the zip: {error}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as error:
        raise SourceError(f"{name}: cannot read the zip: {error}") from None
    tabs = tuple(tab for document in documents for tab in document.tabs)
    omitted = tuple(note for document in documents for note in document.omitted)
    return Document(tabs, omitted)


def _is_page(info: zipfile.ZipInfo) -> bool:
    """An HTML file, not a folder nor the ``__MACOSX/._x.html`` shadow a Mac zip adds."""
    path = PurePosixPath(info.filename)
    return (
        not info.is_dir()
        and path.suffix.lower() in (".html", ".htm")
        and path.parts[0] != "__MACOSX"
        and not path.name.startswith("._")
    )


def _inflated(
    archive: zipfile.ZipFile, pages: list[zipfile.ZipInfo], limit: int, name: str
) -> Iterator[tuple[str, bytes]]:
    left = limit
    for info in pages:
        try:
            if info.file_size > left:
                raise TooLarge(limit)
            with archive.open(info) as member:
                html = read_stream_at_most(member, left)
        except TooLarge:
            raise SourceError(
                f"{name}: {info.filename} inflates to more than {size_text(limit)}"
                " ([source] max_file_mb): a zip bomb, or a doc larger than the limit"
            ) from None
        left -= len(html)
        yield info.filename, html


def read_html_export(data: bytes, *, name: str = "export.html") -> Document:
    """Read an HTML export; ``name`` (the file) is what errors mention."""
    soup = BeautifulSoup(data, "lxml")
    if soup.body is None or not _is_docs_export(soup):
        what = _looks_like(data, soup)
        raise SourceError(f"{name}: not a Google Docs export ({what}); {_HOW_TO_EXPORT}")
    reader = _Reader(_class_marks(soup))
    blocks = tuple(block for child in soup.body.children for block in reader.blocks(child))
    title = soup.title.get_text(strip=True) if soup.title else ""
    return Document((Tab(title, blocks),), reader.notes())


def _is_docs_export(soup: BeautifulSoup) -> bool:
    """Docs marks its export's body: the class ``doc-content``, or (older exports) a class
    ``cN`` whose rule is in the export's own style sheet."""
    assert soup.body is not None
    classes = soup.body.get_attribute_list("class")
    if "doc-content" in classes:
        return True
    css = "".join(style.get_text() for style in soup.find_all("style"))
    rules = {rule for rule, _ in _RULE.findall(css)}
    return any(_DOC_CLASS.match(c) and c in rules for c in classes if isinstance(c, str))


def _looks_like(data: bytes, soup: BeautifulSoup) -> str:
    """What the file seems to be instead, in a few words, to point at the broken step."""
    if not data.strip():
        return "an empty file"
    if b"\0" in data[:4096]:
        return "binary data"
    if b"<" not in data:
        return "plain text, not HTML"
    if soup.find("input", attrs={"type": "password"}) or soup.find("form"):
        return "a login or form page"
    return "an HTML page without the Docs markup"


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
        self.depth = 0  # of tables around the content being read

    def notes(self) -> tuple[str, ...]:
        return omission_notes(self.left_out, _OMISSIONS)

    def blocks(self, node: object) -> list[Block]:
        """The blocks of one body (or cell) child; anything else (``<hr>``, bookmarks) is none."""
        if not isinstance(node, Tag):
            return []
        if node.name in ("ul", "ol"):
            return list(self.list_items(node))
        if node.name == "table":
            return [self.table(node)]
        if node.name == "div":
            self.left_out[_left_out_kind(node)] += 1
            return []
        if node.name in _BLOCK_LEVELS:
            inlines = self.inlines(node)
            return [Paragraph(inlines, _BLOCK_LEVELS[node.name])] if inlines else []
        return []

    def list_items(self, node: Tag) -> Iterator[Block]:
        """Docs writes lists flat, the level in the class. A list nested in an item (HTML
        written by other tools) follows its item one level deeper, and a table in an item
        follows it as a table: nothing in an item is dropped. A stack, not recursion: the
        nesting may be as deep as the file is long."""
        stack = [iter([(node, _class_level(node))])]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
            elif entry[0].name == "table":
                yield self.table(entry[0])
            elif entry[0].name == "li":
                li, level = entry
                if inlines := self.inlines(li):
                    ordered = li.parent is not None and li.parent.name == "ol"
                    yield ListItem(inlines, level, ordered)
                deeper = min(level + 1, MAX_LIST_LEVEL)
                stack.append(iter([(tag, deeper) for tag in _nested_in(li)]))
            else:
                items = entry[0].find_all("li", recursive=False)
                stack.append(iter([(li, entry[1]) for li in items]))

    def table(self, table: Tag) -> Table | Paragraph:
        """Rows wherever they sit: the export nests them in a stray ``<thead>``/``<tbody>``.
        Nested past reason, a table is one paragraph of its words."""
        if self.depth >= MAX_TABLE_DEPTH:
            return Paragraph(join_runs([Text(" ".join(table.get_text(" ").split()))]))
        self.depth += 1
        try:
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
        finally:
            self.depth -= 1

    def inlines(self, node: Tag) -> tuple[Inline, ...]:
        raw: list[Inline] = []
        self.walk(node, frozenset(), None, raw)
        return _tidy(raw)

    def walk(self, node: Tag, marks: frozenset[str], link: str | None, out: list[Inline]) -> None:
        """The text runs inside ``node`` with their marks and link; lists and tables inside
        it are blocks of their own. A stack, not recursion: tags may nest thousands deep."""
        stack = [(iter(node.children), marks, link)]
        while stack:
            children, marks, link = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
            elif type(child) is NavigableString:  # not a comment or CDATA
                out.append(Text(_strip_layout(child).translate(DROP_MARKERS), marks, link))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                out.append(LineBreak())
            elif child.name == "img":
                self.left_out["img"] += 1
            elif child.name == "a" and _NOTE_MARKER.search(_href(child)):
                continue  # the [a] or [1] pointing at a comment or footnote
            elif child.name not in ("ul", "ol", "table"):
                stack.append((iter(child.children), *self.styled(child, marks, link)))

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


def _class_level(node: Tag) -> int:
    """The level a Docs list's class gives (``lst-kix_…-2``), within what Docs allows."""
    classes = node.get_attribute_list("class")
    levels = (int(m[1]) for c in classes if isinstance(c, str) and (m := _LIST_LEVEL.match(c)))
    return min(next(levels, 0), MAX_LIST_LEVEL)


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


def _strip_layout(text: str) -> str:
    """The text without pretty-printing at its edges: the export itself is one line and
    writes soft breaks as ``<br>``, so a newline and its indentation at the edge of a text
    node is layout between tags, not a space. (Linear: a long run of newlines is no trap.)"""
    head = len(text) - len(text.lstrip(" \t\r\n"))
    newline = text.rfind("\n", 0, head)
    if newline >= 0:
        start = newline + 1
        while start < len(text) and text[start] in " \t":
            start += 1
        text = text[start:]
    body = len(text.rstrip(" \t\r\n"))
    newline = text.find("\n", body)
    if newline >= 0:
        cut = newline - 1 if newline > body and text[newline - 1] == "\r" else newline
        text = text[:cut]
    return text


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
