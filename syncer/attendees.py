"""The parts of Google Docs' meeting-notes building block that are not notes: the line that
opens it (a date chip, a bar, the calendar event) and its attendees (person chips).

The block opens a meeting with ``<date> | <event>``: the date is the meeting's, and the event
stays as the meeting's first line, so that no word of it is lost. Its attendees line (labelled
"Attendees", or only person chips right under the date) becomes one "Attendees:" line at the
top of the section, its chips mentions wherever ``[people]`` knows them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from syncer.dates import read_date
from syncer.model import BOLD, Block, DateChip, Inline, Paragraph, Text, is_person_chip

LABEL = "Attendees:"
_LABELLED = re.compile(r"\s*(?:attendees|participants)(?!\w)\s*:?\s*", re.IGNORECASE)
_BAR = re.compile(r"\s*[|·•–—-]\s*")
_BETWEEN = re.compile(r"[\s,;]*")


def opens_meeting(block: Block, day_first: bool = False) -> dt.date | None:
    """The date of a ``<date> | <event>`` line, which opens a meeting: the date a chip (the
    Docs API) or its text (an HTML export, where the chip is text)."""
    return _opening(block, day_first)[0]


def event_line(block: Block, day_first: bool = False) -> Paragraph | None:
    """What follows the date and the bar of an opening line, as a paragraph (None if
    nothing does, or the block is no opening line)."""
    date, rest = _opening(block, day_first)
    return Paragraph(rest) if date and rest else None


def _opening(block: Block, day_first: bool) -> tuple[dt.date | None, tuple[Inline, ...]]:
    if not isinstance(block, Paragraph) or not block.inlines:
        return None, ()
    first, *others = block.inlines
    date: dt.date | None
    if isinstance(first, DateChip) and others and isinstance(others[0], Text):
        date, after = first.date, others[0]
        bar, rest = _BAR.match(after.text), tuple(others[1:])
    elif isinstance(first, Text) and not first.link and "|" in first.text:
        shown, _, text = first.text.partition("|")
        date, after = read_date(shown, day_first=day_first), Text("|" + text, first.marks)
        bar, rest = _BAR.match(after.text), tuple(others)
    else:
        return None, ()
    if date is None or bar is None:
        return None, ()
    left = after.text[bar.end() :]
    return date, ((Text(left, after.marks, after.link),) if left else ()) + rest


def attendees_first(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with the meeting's attendees line, if it has one before its first list,
    made one labelled line and moved to the top."""
    for index, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            break
        line = _attendees(block, first=index == 0)
        if line is not None:
            return [line, *blocks[:index], *blocks[index + 1 :]]
    return list(blocks)


def _attendees(block: Paragraph, first: bool) -> Paragraph | None:
    if block.heading or not any(is_person_chip(inline) for inline in block.inlines):
        return None
    head = block.inlines[0]
    labelled = isinstance(head, Text) and not head.link and _LABELLED.match(head.text)
    rest = block.inlines
    if labelled and isinstance(head, Text):
        after = head.text[labelled.end() :]
        rest = ((Text(after, head.marks),) if after else ()) + block.inlines[1:]
    if not labelled and not (first and _only_chips(rest)):
        return None
    if _only_chips(rest):
        chips = [inline for inline in rest if is_person_chip(inline)]
        rest = tuple(part for chip in chips for part in (Text(", "), chip))[1:]
    return Paragraph((Text(LABEL, frozenset({BOLD})), Text(" "), *rest))


def _only_chips(inlines: Sequence[Inline]) -> bool:
    """Person chips with nothing but commas and spaces between them."""
    return all(
        is_person_chip(inline) or (isinstance(inline, Text) and _BETWEEN.fullmatch(inline.text))
        for inline in inlines
    )
