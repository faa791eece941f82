"""Google Docs' HTML export (File > Download > Web page, or Drive's export) → a ``Document``.

The export is a flat page: styling lives in CSS classes, a nested list is a run of sibling
``<ul>``/``<ol>`` blocks whose class ``lst-kix_<id>-<level>`` gives the level, and links go
through ``google.com/url?q=``. Comments and footnotes are appended at the end and are not notes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

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

_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_LIST_LEVEL = re.compile(r"lst-kix_[\w-]+-(\d+)$")
_NOTE_LINK = re.compile(r"#(cmnt|ftnt)(_ref)?\d+$")
_MONOSPACE = ("mono", "courier", "consolas", "code")
_DROP_MARKERS = str.maketrans("", "", "\uec02\uec03")
_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")
_OMISSIONS = {
    "cmnt": ("comment", "comments"),
    "ftnt": ("footnote", "footnotes"),
    "img": ("image", "images"),
}


def read_zip_export(data: bytes, *, name: str = "export.zip") -> Document:
    """The zipped export holds one HTML file (and its images, which we do not carry over)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        pages = [n for n in archive.namelist() if n.lower().endswith((".html", ".htm"))]
        if not pages:
            raise SourceError(f"{name}: the zip holds no .html export")
        html = archive.read(pages[0])
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise SourceError(f"{name}: not a zip file ({error})") from None
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
    marks: dict[str, frozenset[str]] = {}
    for name, body in _RULE.findall(css):
        rule = body.replace(" ", "").lower()
        found = {
            BOLD: "font-weight:700" in rule or "font-weight:bold" in rule,
            ITALIC: "font-style:italic" in rule,
            UNDERLINE: "text-decoration:underline" in rule,
            STRIKE: "line-through" in rule,
            SUPERSCRIPT: "vertical-align:super" in rule,
            SUBSCRIPT: "vertical-align:sub" in rule,
            CODE: "font-family" in rule and any(word in rule for word in _MONOSPACE),
        }
        marks[name] = frozenset(mark for mark, on in found.items() if on)
    return marks


class _Reader:
    """Walks the body; counts what it leaves out so the preview can say so."""

    def __init__(self, class_marks: dict[str, frozenset[str]]) -> None:
        self.class_marks = class_marks
        self.left_out: Counter[str] = Counter()

    def notes(self) -> tuple[str, ...]:
        return tuple(
            f"{count} {_OMISSIONS[kind][count != 1]} left out"
            for kind, count in self.left_out.items()
        )

    def blocks(self, node: object) -> list[Block]:
        if not isinstance(node, Tag):
            return []
        if node.name in ("ul", "ol"):
            level = next(
                (int(m.group(1)) for c in node.get("class", []) if (m := _LIST_LEVEL.match(c))), 0
            )
            items = (
                ListItem(self.inlines(li), level, node.name == "ol")
                for li in node.find_all("li", recursive=False)
            )
            return [item for item in items if item.inlines]
        if node.name == "table":
            return [self.table(node)]
        if node.name == "div":
            return self.note_div(node)
        if node.name == "p" or (
            len(node.name) == 2 and node.name[0] == "h" and node.name[1] in "123456"
        ):
            heading = int(node.name[1]) if node.name != "p" else 0
            inlines = self.inlines(node)
            return [Paragraph(inlines, heading)] if inlines else []
        return []  # <hr>, bookmark anchors, stray markup: not notes

    def note_div(self, div: Tag) -> list[Block]:
        """A trailing comment or footnote: counted, not read."""
        anchor = div.find("a", href=_NOTE_LINK)
        if anchor is not None:
            self.left_out[_NOTE_LINK.search(anchor["href"]).group(1)] += 1
            return []
        return [block for child in div.children for block in self.blocks(child)]

    def table(self, table: Tag) -> Table:
        rows = []
        for tr in table.find_all("tr"):
            cells = [
                tuple(block for child in td.children for block in self.blocks(child))
                for td in tr.find_all(("td", "th"), recursive=False)
            ]
            rows.append(tuple(cells))
        return Table(tuple(rows))

    def inlines(self, node: Tag) -> tuple[Inline, ...]:
        raw: list[Inline] = []
        self.walk(node, frozenset(), None, raw)
        return _tidy(raw)

    def walk(self, node: Tag, marks: frozenset[str], link: str | None, out: list[Inline]) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    out.append(Text(str(child).translate(_DROP_MARKERS), marks, link))
            elif child.name == "br":
                out.append(LineBreak())
            elif child.name == "img":
                self.left_out["img"] += 1
            elif child.name == "a" and _NOTE_LINK.search(child.get("href", "")):
                continue  # a comment or footnote marker such as [a] or [1]
            elif child.name in ("ul", "ol", "table"):
                continue
            else:
                classes = child.get("class", [])
                own = marks.union(*(self.class_marks.get(c, frozenset()) for c in classes))
                is_link = child.name == "a" and bool(child.get("href"))
                target = _real_url(child["href"]) if is_link else link
                if is_link:  # the export underlines every link; that is not the author's mark
                    own = own - {UNDERLINE}
                self.walk(child, own, target, out)


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
            if not text:
                continue
            at_line_start = text.endswith(" ")
            previous = out[-1] if out else None
            if isinstance(previous, Text) and (previous.marks, previous.link) == (
                inline.marks,
                inline.link,
            ):
                out[-1] = Text(previous.text + text, inline.marks, inline.link)
            else:
                out.append(Text(text, inline.marks, inline.link))
        else:
            _rstrip_last(out)
            out.append(inline)
            at_line_start = True
    _rstrip_last(out)
    return tuple(item for item in out if not (isinstance(item, Text) and not item.text))


def _rstrip_last(out: list[Inline]) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip(" "), out[-1].marks, out[-1].link)
