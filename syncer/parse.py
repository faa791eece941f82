"""Blocks → meetings and topics: where meetings start, what belongs to them, what a topic is."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from syncer.action_items import ActionItems, with_tasks
from syncer.attendees import attendees_first, event_line, opens_meeting
from syncer.dates import DateReading, reading, starts_with_date
from syncer.footnotes import FootnoteNumbers
from syncer.lists import nested_lists
from syncer.model import (
    Block,
    BodyBlock,
    DateChip,
    Document,
    Footnotes,
    Inline,
    Item,
    ItemList,
    ListItem,
    Meeting,
    Paragraph,
    Tab,
    Table,
    Text,
    Topic,
)
from syncer.xml_text import legal

INTENTS = ("inform", "ideation", "analysis", "quest")
DEFAULT_ALIASES: Mapping[str, str] = {"question": "quest", "informish": "inform"}

_BRACKET = re.compile(r"\s*\[([^\[\]\n]{1,60})\]")
_PRESENTER = re.compile(r"\s*\(([^()\n]{1,60})\)")
_NAME_LIKE = re.compile(r"[A-Z][\w.'’-]*(?:[ /][A-Z][\w.'’-]*){0,3}")


@dataclass(frozen=True)
class ParseOptions:
    """How to read a notes doc: extra intent aliases, whether 01/02/2023 is 1 February, and
    which notes are action items."""

    aliases: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ALIASES))
    day_first: bool = False
    action_items: ActionItems = field(default_factory=ActionItems)

    def intent(self, name: str) -> str | None:
        """The canonical intent a bracket word stands for, if it stands for one."""
        word = name.strip().lower()
        return word if word in INTENTS else self.aliases.get(word)


@dataclass(frozen=True)
class DateWarning:
    """A heading that looks like a date but is not read as one: its notes went on under the
    meeting before it (``filed_under``; None before the first meeting: in no meeting)."""

    heading: str
    problem: str
    filed_under: dt.date | None
    tab: str = ""

    def message(self) -> str:
        where = f" in tab {self.tab!r}" if self.tab else ""
        went = (
            f"its notes were filed under the meeting of {self.filed_under.isoformat()}"
            if self.filed_under
            else "its notes are in no meeting (no dated meeting comes before it)"
        )
        return (
            f"heading {self.heading!r}{where} looks like a date but is not read as one"
            f" ({self.problem}): {went}"
        )


@dataclass(frozen=True)
class Parsed:
    """The meetings of a document, and the headings that look like dates but are not."""

    meetings: tuple[Meeting, ...]
    warnings: tuple[DateWarning, ...] = ()


def parse_document(document: Document, options: ParseOptions | None = None) -> tuple[Meeting, ...]:
    """All meetings of all tabs, in document order; a date that appears twice is one meeting."""
    return read_meetings(document, options).meetings


def read_meetings(document: Document, options: ParseOptions | None = None) -> Parsed:
    """The meetings, as ``parse_document``, with a warning for each date-like heading."""
    options = options or ParseOptions()
    bodies: dict[dt.date, list[list[Block]]] = {}
    warnings: list[DateWarning] = []
    for tab in document.tabs:
        for date, body in _bodies_of(tab, options, warnings):
            bodies.setdefault(date, []).append(body)
    texts = {note.key: note.blocks for note in document.footnotes}
    meetings = (_meeting(date, parts, texts, options) for date, parts in bodies.items())
    return Parsed(tuple(meetings), tuple(warnings))


def _meeting(
    date: dt.date,
    parts: list[list[Block]],
    texts: Mapping[str, tuple[Block, ...]],
    options: ParseOptions,
) -> Meeting:
    """One meeting from the parts of the doc under its date (one per time it is written),
    its footnotes numbered through all of them and gathered at its end."""
    footnotes = FootnoteNumbers(texts)
    body = tuple(
        block
        for part in parts
        for block in _structure(attendees_first(footnotes.blocks(part)), options)
    )
    body = with_tasks(body, options.action_items)
    if not footnotes.notes:
        return Meeting(date, body)
    return Meeting(date, (*body, Footnotes(tuple(_structure(n, None) for n in footnotes.notes))))


def meeting_date(block: Block, options: ParseOptions) -> DateReading:
    """The date a block opens a meeting for (a heading or a lone paragraph that is only a
    date), or why a paragraph that opens none looks as if it should: a date that cannot be
    (``2023-02-30``), one without a year, or a heading that starts with a date."""
    if not isinstance(block, Paragraph):
        return DateReading()
    if len(block.inlines) == 1 and isinstance(block.inlines[0], DateChip):
        return DateReading(block.inlines[0].date)
    if opened := opens_meeting(block, options.day_first):
        return DateReading(opened)
    text = _shown_text(block)
    found = reading(text, day_first=options.day_first)
    if found.date is None and any(isinstance(inline, DateChip) for inline in block.inlines):
        return DateReading()  # a chip in a sentence: the sentence is no date
    if found.date or found.problem or not block.heading:
        return found
    if starts_with_date(text, day_first=options.day_first):
        return DateReading(problem="a meeting's heading is its date alone")
    return found


def _shown_text(block: Paragraph) -> str:
    """The text as the page reads its headings (a chip as its date), so page and doc agree."""
    return legal("".join(_heading_text(inline) for inline in block.inlines))


def _heading_text(inline: Inline) -> str:
    if isinstance(inline, Text):
        return inline.text
    return inline.date.isoformat() if isinstance(inline, DateChip) else ""


def _bodies_of(
    tab: Tab, options: ParseOptions, warnings: list[DateWarning]
) -> Iterable[tuple[dt.date, list[Block]]]:
    """Each dated part of a tab: its date and the blocks under it."""
    date: dt.date | None = None
    body: list[Block] = []
    for block in tab.blocks:
        found = meeting_date(block, options)
        if found.date is not None:
            if date is not None:
                yield date, body
            event = event_line(block, options.day_first)
            date, body = found.date, [event] if event else []
            continue
        if found.problem and isinstance(block, Paragraph):
            heading = " ".join(_shown_text(block).split())
            warnings.append(DateWarning(heading, found.problem, date, tab.title))
        if date is not None:
            body.append(block)
    if date is not None:
        yield date, body


def _structure(
    blocks: Iterable[Block | ItemList], options: ParseOptions | None
) -> tuple[BodyBlock, ...]:
    """Group runs of flat list items into nested lists; with options, top items are topics.
    A list already nested (``Table`` cells may hold one) is kept as it is."""
    result: list[BodyBlock] = []
    run: list[ListItem] = []
    for block in [*blocks, None]:
        if isinstance(block, ListItem):
            run.append(block)
            continue
        if run:
            result.extend(_lists(run, options))
            run = []
        if isinstance(block, Table):
            result.append(_table(block))
        elif block is not None:
            result.append(block)
    return tuple(result)


def _lists(run: list[ListItem], options: ParseOptions | None) -> tuple[ItemList, ...]:
    lists = nested_lists(run)
    if options is None:
        return lists
    return tuple(
        ItemList(tuple(_topic(item, options) for item in top.items), *_kind(top)) for top in lists
    )


def _kind(found: ItemList) -> tuple[bool, int, bool]:
    return found.ordered, found.start, found.tasks


def _table(table: Table) -> Table:
    """Cells keep their lists nested, but a list in a cell holds notes, not topics."""
    rows = tuple(tuple(_structure(cell, None) for cell in row) for row in table.rows)
    return Table(rows, table.spans)


def _topic(item: Item | Topic, options: ParseOptions) -> Topic:
    """Split a top-level item into its intent tags, its presenter and its remaining text."""
    head = _leading_text(item.inlines)
    tags: list[str] = []
    cuts: list[tuple[int, int]] = []
    presenter = None
    position = 0
    while bracket := _BRACKET.match(head, position):
        intents = [options.intent(word) for word in bracket.group(1).split("/")]
        if all(intents):
            tags.extend(tag for tag in intents if tag and tag not in tags)
            cuts.append((bracket.start(), bracket.end()))
        elif presenter is None and _NAME_LIKE.fullmatch(bracket.group(1).strip()):
            presenter = bracket.group(1).strip()
        position = bracket.end()
    named = _PRESENTER.match(head, position)
    if named:
        presenter = named.group(1).strip()
    inlines = _lstrip(_cut(item.inlines, cuts)) if cuts else item.inlines
    return Topic(inlines, item.children, tuple(tags), presenter, item.done)


def _leading_text(inlines: tuple[Inline, ...]) -> str:
    text = []
    for inline in inlines:
        if not isinstance(inline, Text):
            break
        text.append(inline.text)
    return "".join(text)


def _cut(inlines: tuple[Inline, ...], cuts: list[tuple[int, int]]) -> tuple[Inline, ...]:
    """Remove character spans (sorted offsets into the leading text) from the inline runs."""
    result: list[Inline] = []
    offset = 0
    for inline in inlines:
        if not isinstance(inline, Text) or offset >= cuts[-1][1]:
            result.append(inline)
            continue
        end = offset + len(inline.text)
        kept, position = [], offset
        for start, stop in cuts:
            if stop <= position or start >= end:
                continue
            kept.append(inline.text[position - offset : max(start, position) - offset])
            position = min(stop, end)
        kept.append(inline.text[position - offset :])
        offset = end
        if text := "".join(kept):
            result.append(Text(text, inline.marks, inline.link))
    return tuple(result)


def _lstrip(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    if inlines and isinstance(inlines[0], Text):
        first = inlines[0]
        stripped = first.text.lstrip()
        rest = inlines[1:]
        return ((Text(stripped, first.marks, first.link), *rest)) if stripped else _lstrip(rest)
    return inlines


def read_topic(text: str, options: ParseOptions) -> Topic:
    """A topic's intents, presenter and text from its text alone, as read back from a page."""
    return _topic(Item((Text(text),)), options)
