"""What a reader sees of a document, read independently of the readers under test, and what
the same reader sees on the page: words, list items with their kind and number, merged
cells, headings, code, rules, and the kinds of content the notes must name."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from syncer.model import Paragraph, Text
from syncer.parse import ParseOptions, meeting_date

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def date_of(text: str, heading: int) -> dt.date | None:
    """The meeting a top-level paragraph opens, as the parser decides it (the one thing
    taken from the code under test: which paragraphs become date headings)."""
    return meeting_date(Paragraph((Text(text),), heading), ParseOptions()).date


@dataclass
class Shown:
    """What one side shows. ``items`` are (kind, number, words) with kind ``bullet``,
    ``number`` or ``task``; ``headings`` the levels of each meeting's own headings in order;
    ``code`` the lines of code (source) or code blocks (page); ``images`` the pictures it
    shows; ``named`` what a note must name for content left out."""

    words: Counter[str] = field(default_factory=Counter)
    items: list[tuple[str, int, str]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    cells: int = 0
    headings: dict[dt.date, list[int]] = field(default_factory=dict)
    code: list[str] = field(default_factory=list)
    rules: int = 0
    images: int = 0
    named: set[str] = field(default_factory=set)

    def item(self, kind: str, number: int, text: str) -> None:
        if text.strip():
            self.items.append((kind, number if kind == "number" else 0, " ".join(words(text))))

    def heading(self, date: dt.date, level: int) -> None:
        self.headings.setdefault(date, []).append(level)


def page_levels(levels: list[int], section: int = 2) -> list[int]:
    """The levels a meeting's own headings take under a date heading of ``section``: their
    depth relative to each other kept, all below the date; past h6 they are no headings."""
    if not levels:
        return []
    shift = max(0, section + 1 - min(levels))
    placed = (max(section + 1, level + shift) for level in levels)
    return [level for level in placed if level <= 6]
