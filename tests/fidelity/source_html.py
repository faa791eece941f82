"""What a Google Docs HTML export shows, walked straight from its markup: only what is under
a date heading is in a meeting; footnotes (the ``<div>``s at the end) count where a meeting
refers to them, comments and page headers must be named."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from tests.fidelity.shown import Shown, date_of, words

LEVELS = {"p": 0, **{f"h{n}": n for n in range(1, 7)}}
MARKER = re.compile(r"#(cmnt|ftnt)(_ref)?(\d+)$")
LIST = re.compile(r"lst-kix_([\w-]+)-\d+$")
GLYPH = re.compile(r"\.lst-kix_([\w-]+)-\d+\s*>\s*li:before\s*\{[^}]*?content:([^;}]*)")
LAYOUT = (re.compile(r"^[ \t\r]*\n[ \t]*"), re.compile(r"\n[ \t]*$"))


def checklists(css: str) -> set[str]:
    """Lists every level of which shows "●": how a checklist exports."""
    glyphs: dict[str, set[str]] = {}
    for list_id, content in GLYPH.findall(css):
        glyphs.setdefault(list_id, set()).add(content.strip().strip('"').split("\\")[-1][:6])
    return {key for key, shown in glyphs.items() if shown == {"0025cf"}}


class HtmlSource:
    def __init__(self, data: bytes) -> None:
        soup = BeautifulSoup(data, "lxml")
        assert soup.body is not None
        self.checklists = checklists("".join(s.get_text() for s in soup.find_all("style")))
        self.shown, self.refs, self.in_code = Shown(), set[str](), False
        self.date: dt.date | None = None
        self.numbers: dict[str, int] = {}
        children = [child for child in soup.body.children if isinstance(child, Tag)]
        notes = [child for child in children if child.name == "div"]
        for index, child in enumerate(children):
            after = children[index + 1 :]
            if child.name == "hr" and after and all(tag.name == "div" for tag in after):
                continue
            if child.name != "div":
                self.top(child)
        for div in notes:
            self.note(div)

    def top(self, node: Tag) -> None:
        if node.name in LEVELS:
            found = date_of(node.get_text(), LEVELS[node.name])
            if found is not None:
                self.date = found
                return
        if self.date is not None:
            self.block(node)

    def block(self, node: Tag) -> None:
        if node.name in ("ul", "ol"):
            self.list_block(node)
        elif node.name == "table":
            self.table(node)
        elif node.name == "hr":
            style = str(node.get("style") or "").replace(" ", "")
            self.shown.rules += "display:none" not in style and "page-break" not in style
        elif node.name in LEVELS:
            self.paragraph(node, LEVELS[node.name])

    def paragraph(self, node: Tag, level: int) -> None:
        text = self.text(node)
        assert self.date is not None
        if level and text.strip():
            self.shown.heading(self.date, level)
        opens, closes = "\uec03" in text, "\uec02" in text
        if not level and (self.in_code or opens):
            line = text.translate(CODE).replace("\u00a0", " ")
            if line.strip():
                self.shown.code.append(line)
            self.in_code = (self.in_code or opens) and not closes

    def list_block(self, node: Tag) -> None:
        classes = [c for c in node.get_attribute_list("class") if isinstance(c, str)]
        found = next((m[1] for c in classes if (m := LIST.match(c))), None)
        kind = "number" if node.name == "ol" else "bullet"
        kind = "task" if kind == "bullet" and found in self.checklists else kind
        number = int(str(node.get("start") or 1)) - 1
        for li in node.find_all("li", recursive=False):
            number += 1
            held = [c for c in li.children if isinstance(c, Tag) and c.name in LEVELS]
            if len(held) == 1 and held[0].name != "p":
                assert self.date is not None
                self.shown.heading(self.date, LEVELS[held[0].name])
                self.text(held[0])
                continue
            self.shown.item(kind, number, self.text(li, nested=False))
            for inner in li.find_all(("ul", "ol"), recursive=False):
                self.list_block(inner)

    def table(self, node: Tag) -> None:
        for tr in (tr for tr in node.find_all("tr") if tr.find_parent("table") is node):
            for td in tr.find_all(("td", "th"), recursive=False):
                self.shown.cells += 1
                spans = (int(str(td.get(key) or 1)) for key in ("colspan", "rowspan"))
                columns, rows = spans
                if columns > 1 or rows > 1:
                    self.shown.spans.append((columns, rows))
                for child in td.children:
                    if isinstance(child, Tag):
                        self.block(child)

    def note(self, div: Tag) -> None:
        backlink = next((MARKER.search(str(a.get("href"))) for a in div.find_all("a")), None)
        if backlink is None:
            if div.get_text().strip():
                self.shown.named.add("page header")
        elif backlink[1] == "cmnt":
            self.shown.named.add("comment")
        elif backlink[3] in self.refs:
            self.text(div)

    def text(self, node: Tag, nested: bool = True) -> str:
        """The text ``node`` shows, its words counted; markers of comments and footnotes
        are not text (a footnote's is remembered), images must be named."""
        parts: list[str] = []
        stack = [iter(node.children)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif type(child) is NavigableString:
                parts.append(_unlaid(str(child)))
            elif isinstance(child, Tag):
                parts.append(self.inner(child, stack, nested))
        text = "".join(parts)
        self.shown.words.update(words(text))
        return text

    def inner(self, tag: Tag, stack: list, nested: bool) -> str:
        marker = MARKER.search(str(tag.get("href") or "")) if tag.name == "a" else None
        if marker:
            if marker[1] == "ftnt" and not marker[2]:
                self.refs.add(marker[3])
            return ""
        if tag.name == "br":
            return "\n"
        if tag.name == "img":
            if str(tag.get("src") or "").strip():
                self.shown.images += 1
            else:
                self.shown.named.add("image")
        if nested or tag.name not in ("ul", "ol", "table"):
            stack.append(iter(tag.children))
        return ""


CODE = str.maketrans("", "", "\uec02\uec03\ue907")


def _unlaid(text: str) -> str:
    """Text without the pretty-printing of the fixture files at its edges."""
    for layout in LAYOUT:
        text = layout.sub("", text)
    return text
