"""The plain data that flows between stages: a read document, then parsed meetings.

Sources turn a file or an API response into a ``Document`` (tabs of flat blocks), the parser
turns blocks into ``Meeting``s, and the renderer only ever sees these types. Everything is a
frozen dataclass so stages can be tested by comparing values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Inline marks a text run can carry. Sources map their own styling onto these names.
BOLD = "bold"
ITALIC = "italic"
UNDERLINE = "underline"
STRIKE = "strike"
CODE = "code"
SUPERSCRIPT = "sup"
SUBSCRIPT = "sub"
MARKS = (BOLD, ITALIC, UNDERLINE, STRIKE, CODE, SUPERSCRIPT, SUBSCRIPT)


@dataclass(frozen=True)
class Text:
    """A run of text with one set of marks and an optional link target (the real URL)."""

    text: str
    marks: frozenset[str] = frozenset()
    link: str | None = None


def is_person_chip(inline: object) -> bool:
    """A Google person chip, as the readers give it: text linked to its ``mailto:``."""
    return isinstance(inline, Text) and bool(inline.link and inline.link.startswith("mailto:"))


@dataclass(frozen=True)
class LineBreak:
    """A soft line break inside a paragraph (Google's U+000B, an HTML ``<br>``)."""


@dataclass(frozen=True)
class DateChip:
    """A Google Docs date chip: the calendar date it stands for and the text it shows."""

    date: dt.date
    display: str


@dataclass(frozen=True)
class FootnoteRef:
    """Where a footnote is referenced. In a ``Document`` its ``key`` names the source's
    footnote (``Document.footnotes``); in a ``Meeting`` it is the footnote's number there,
    since the parser numbers each meeting's footnotes from 1."""

    key: str


@dataclass(frozen=True)
class Image:
    """A picture in the text. A source names where its bytes are (``source``: a URL, a path
    in a zip export, a ``data:`` URI); once they are read, ``name`` is the attachment they
    are stored as (a short hash of the bytes and their extension, so a new picture is a new
    name). ``width``/``height`` are the size the doc shows it at, in pixels."""

    source: str
    alt: str = ""
    width: int | None = None
    height: int | None = None
    name: str | None = None


Inline = Text | LineBreak | DateChip | FootnoteRef | Image


@dataclass(frozen=True)
class Attachment:
    """A file the page holds (an image's bytes), by the name the page refers to it with."""

    name: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``heading`` is 1-6 for a heading, 0 for body text."""

    inlines: tuple[Inline, ...]
    heading: int = 0


@dataclass(frozen=True)
class ListItem:
    """One flat list entry as a source sees it; the parser rebuilds nesting from ``level``.

    ``list_id`` names the list it belongs to in the source ("" when the source does not say):
    a new list starts where it changes. ``number`` is the number Google shows on a numbered
    item (0 when unknown), so that numbering continues across paragraphs as it does there.
    ``checked`` is None for a bulleted or numbered item, True or False for a checklist's."""

    inlines: tuple[Inline, ...]
    level: int = 0
    ordered: bool = False
    list_id: str = ""
    number: int = 0
    checked: bool | None = None


@dataclass(frozen=True)
class CellSpan:
    """A merged cell: ``row`` and ``cell`` are its place in ``Table.rows`` (covered cells are
    not there), ``columns`` and ``rows`` how far it reaches."""

    row: int
    cell: int
    columns: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Table:
    """A table: rows of cells, each cell a sequence of blocks (nested lists once parsed), and
    the spans of its merged cells."""

    rows: tuple[tuple[tuple[Block | ItemList, ...], ...], ...]
    spans: tuple[CellSpan, ...] = ()

    def span(self, row: int, cell: int) -> CellSpan | None:
        return next((s for s in self.spans if (s.row, s.cell) == (row, cell)), None)


@dataclass(frozen=True)
class CodeBlock:
    """A code block: its text with every space and line as written."""

    text: str


@dataclass(frozen=True)
class Rule:
    """A horizontal rule."""


Block = Paragraph | ListItem | Table | CodeBlock | Rule


@dataclass(frozen=True)
class Footnote:
    """A footnote's text, as the blocks a source read from it."""

    key: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Tab:
    """One document tab. A tab boundary always ends a meeting."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """What a source read: its tabs, and what it left out on purpose (shown in the preview)."""

    tabs: tuple[Tab, ...]
    omitted: tuple[str, ...] = ()
    revision: str | None = None
    footnotes: tuple[Footnote, ...] = ()


# --- parsed meetings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A nested note: its text and the lists nested under it; ``done`` for a checked item of
    a checklist."""

    inlines: tuple[Inline, ...]
    children: tuple[ItemList, ...] = ()
    done: bool = False


@dataclass(frozen=True)
class Topic:
    """A top-level list item of a meeting.

    ``tags`` are the canonical intents found in its leading brackets, in order; ``inlines`` is
    its text with those intent brackets taken out (presenters and other brackets stay as
    written); ``presenter`` is who brings it, when the text says so.
    """

    inlines: tuple[Inline, ...]
    children: tuple[ItemList, ...] = ()
    tags: tuple[str, ...] = ()
    presenter: str | None = None
    done: bool = False


@dataclass(frozen=True)
class ItemList:
    """A bulleted, numbered or check list; at the top of a meeting its items are ``Topic``s.
    A numbered list shows ``start`` on its first item; a checklist (``tasks``) has no
    numbers, its items are done or not."""

    items: tuple[Item | Topic, ...]
    ordered: bool = False
    start: int = 1
    tasks: bool = False


# A block of a meeting's body, of a table cell or of a footnote.
BodyBlock = Paragraph | ItemList | Table | CodeBlock | Rule


@dataclass(frozen=True)
class Footnotes:
    """The footnotes of a meeting, at its end: note ``n`` is ``notes[n - 1]``."""

    notes: tuple[tuple[BodyBlock, ...], ...]


MeetingBlock = BodyBlock | Footnotes


@dataclass(frozen=True)
class Meeting:
    """A dated meeting: everything between its date heading and the next one."""

    date: dt.date
    blocks: tuple[MeetingBlock, ...] = field(default=())

    @property
    def topics(self) -> tuple[Topic, ...]:
        """The topics of the meeting, across all of its top-level lists, in order."""
        return tuple(
            item
            for block in self.blocks
            if isinstance(block, ItemList)
            for item in block.items
            if isinstance(item, Topic)
        )


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees, without marks: used for dates, tags and previews."""
    parts = []
    for inline in inlines:
        if isinstance(inline, Text):
            parts.append(inline.text)
        elif isinstance(inline, DateChip):
            parts.append(inline.display)
        elif isinstance(inline, LineBreak):
            parts.append("\n")
    return "".join(parts)
