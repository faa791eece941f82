"""One parsed view of an archive page: where its dated sections are, wherever people put them.

A page is parsed once. Its dated sections are found at the top level, in layout cells, in
macro bodies and table cells: a heading whose text is a date (typed, a ``<time>`` lozenge,
behind an anchor macro, marked or annotated) opens one, and it runs over the siblings after
it until a heading as high as its own, the next dated heading, or the end of its container.
The merge, the topic index and the conflict view all read this one view; a new body is made
by cutting exact byte ranges of the old one, so what notes-sync does not own is kept byte for
byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from syncer.dates import read_date
from syncer.errors import PageError
from syncer.reading import reader_form
from syncer.xhtml import Node, Span, element_spans, name_of, parse_fragment
from syncer.xml_text import legal

DEFAULT_HEADING_LEVEL = 2
_HEADING = re.compile(r"h([1-6])")
# Where a section may be replaced or a new one put: containers of blocks people write into.
_CONTAINERS = {"ac:layout-cell", "ac:rich-text-body", "td", "th", "li", "blockquote", "div"}
# Inside these, the storage is a copy or a fallback the editor keeps in step by itself.
_SEALED = {"ac:adf-extension", "ac:adf-fallback", "ac:placeholder", "ac:task-body", "ac:link"}
_NOT_TEXT = {"ac:structured-macro", "ac:emoticon", "ac:image", "ac:parameter"}


@dataclass(frozen=True)
class Section:
    """A dated section: its heading's date and level, its raw byte range, its elements, and
    why it cannot be replaced safely (None when it can)."""

    date: dt.date
    level: int
    start: int
    end: int
    nodes: tuple[Node, ...]
    container: Node | None
    unsafe: str | None = None

    def contains(self, offset: int) -> bool:
        return self.start < offset < self.end


@dataclass(frozen=True)
class Placement:
    """Where a meeting without a section would go: the offset, the heading level to render it
    at, and why it cannot go there (None when it can)."""

    offset: int
    level: int
    unsafe: str | None = None


@dataclass
class PageView:
    """A page body, parsed once, with its dated sections in page order."""

    body: str
    day_first: bool = False
    root: Node = field(init=False)
    sections: list[Section] = field(init=False)

    def __post_init__(self) -> None:
        self.root = parse_fragment(self.body)
        nodes = [node for node in self.root.iter() if node is not self.root]
        spans = element_spans(self.body)
        if len(nodes) != len(spans):
            raise PageError("page body could not be read element by element")
        self._spans = dict(zip(nodes, spans, strict=True))
        self._forms: dict[int, str] = {}
        self.sections = list(self._find_sections())

    # --- reading -----------------------------------------------------------------------------

    def dated(self, date: dt.date) -> list[Section]:
        """The sections of one date (more than one only on a page edited by hand)."""
        return [section for section in self.sections if section.date == date]

    def span(self, node: Node) -> Span:
        """Where one of the page's elements sits in its body."""
        return self._spans[node]

    def raw(self, section: Section) -> str:
        return self.body[section.start : section.end]

    def reader_form(self, section: Section) -> str:
        """What a reader sees of a section (computed once per section)."""
        if section.start not in self._forms:
            self._forms[section.start] = reader_form(section.nodes)
        return self._forms[section.start]

    # --- writing -----------------------------------------------------------------------------

    def placement(self, date: dt.date) -> Placement:
        """Where a new section for ``date`` goes: before the first older section (newest first),
        else after the last one, in the container they are in; on a page without sections, at
        the end."""
        anchors = [s for s in self.sections if s.container is not None and _placeable(s)]
        older = next((s for s in anchors if s.date < date), None)
        if older is not None:
            offset, level = older.start, older.level
        elif anchors:
            offset, level = anchors[-1].end, anchors[-1].level
        else:
            level = self.sections[0].level if self.sections else DEFAULT_HEADING_LEVEL
            return Placement(len(self.body), level)
        inside = next((s for s in self.sections if s.contains(offset)), None)
        if inside is not None:
            why = f"it would go inside the section of {inside.date.isoformat()}"
            return Placement(offset, level, why)
        return Placement(offset, level)

    def level_for(self, date: dt.date) -> int:
        """The heading level to render a meeting at: its section's, or where it would go."""
        found = self.dated(date)
        return found[0].level if found else self.placement(date).level

    def spliced(self, edits: Iterable[tuple[int, int, str]]) -> str:
        """The body with each (start, end, text) range replaced; edits may not overlap, and
        several inserts at one offset keep their order."""
        out: list[str] = []
        position = 0
        for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1])):
            if start < position:
                raise PageError("overlapping edits of one page")  # a bug, never user input
            out += [self.body[position:start], text]
            position = end
        out.append(self.body[position:])
        return "".join(out)

    # --- finding sections ----------------------------------------------------------------------

    def _find_sections(self) -> Iterator[Section]:
        headings = [(node, date) for node in self.root.iter() if (date := self._date_of(node))]
        dated = {node for node, _ in headings}
        for node, date in headings:
            parent = node.getparent()
            assert parent is not None  # the root is never a heading
            nodes = _section_nodes(node, dated)
            start = self._spans[node].start
            end = self._end_of(nodes[-1], parent)
            container = parent if _is_container(parent) else None
            section = Section(date, _level(node), start, end, tuple(nodes), container)
            yield _with_safety(section, parent, dated)

    def _date_of(self, node: Node) -> dt.date | None:
        if not _level(node):
            return None
        return read_date(legal(heading_text(node)), day_first=self.day_first)

    def _end_of(self, last: Node, parent: Node) -> int:
        """The section's raw end: where the next sibling starts, else where its container's
        content ends (the text after the last element belongs to the section)."""
        after = last.getnext()
        while after is not None and not isinstance(after.tag, str):
            after = after.getnext()
        if after is not None:
            return self._spans[after].start
        return len(self.body) if parent is self.root else self._spans[parent].inner_end


def heading_text(node: Node) -> str:
    """A heading's text as a reader reads it: a date lozenge reads as its date, an anchor
    or another macro in it reads as nothing."""
    parts: list[str] = [node.text or ""]
    for child in node:
        name = name_of(child)
        if name == "time":
            parts.append(str(child.get("datetime") or ""))
        elif name not in _NOT_TEXT:
            parts.append(heading_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _level(node: Node) -> int:
    match = _HEADING.fullmatch(name_of(node))
    return int(match.group(1)) if match else 0


def _section_nodes(heading: Node, dated: set[Node]) -> list[Node]:
    """The heading and its siblings up to a heading as high as its own or a dated one."""
    level = _level(heading)
    nodes = [heading]
    sibling = heading.getnext()
    while sibling is not None:
        if isinstance(sibling.tag, str):
            other = _level(sibling)
            if sibling in dated or (other and other <= level):
                break
            nodes.append(sibling)
        sibling = sibling.getnext()
    return nodes


def _is_container(node: Node) -> bool:
    return name_of(node) in _CONTAINERS or node.getparent() is None


def _with_safety(section: Section, parent: Node, dated: set[Node]) -> Section:
    """The section, with why replacing it would harm what is around it, if it would."""
    why = None
    sealed = next((a for a in _lineage(parent) if name_of(a) in _SEALED), None)
    if sealed is not None:
        why = f"its heading is inside <{name_of(sealed)}>, which Confluence keeps in step itself"
    elif section.container is None:
        why = f"its heading is inside <{name_of(parent)}>"
    else:
        held = [n for node in section.nodes[1:] for n in node.iter() if n in dated]
        if held:
            why = f"its section holds another dated heading ({heading_text(held[0]).strip()})"
    return dataclasses.replace(section, unsafe=why)


def _placeable(section: Section) -> bool:
    return section.unsafe is None or section.unsafe.startswith("its section holds")


def _lineage(node: Node) -> Iterator[Node]:
    current: Node | None = node
    while current is not None:
        yield current
        current = current.getparent()
