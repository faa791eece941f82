"""A meeting's footnotes, numbered from 1 in the order the meeting refers to them.

Google numbers footnotes through the whole document; a page holds many meetings, each with
its own notes at its end, so each meeting numbers its own. That also keeps a meeting's
fingerprint from changing when a footnote is added to an earlier meeting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TypeVar

from syncer.model import Block, FootnoteRef, Inline, ItemList, ListItem, Paragraph, Table

# What a block of a document's table cell may be: a source's block (or a list, once parsed).
_Held = TypeVar("_Held", bound=Block | ItemList)
_Text = TypeVar("_Text", bound=Paragraph | ListItem)


class FootnoteNumbers:
    """Renumbers the references of one meeting's blocks and gathers the notes they need."""

    def __init__(self, texts: Mapping[str, tuple[Block, ...]]) -> None:
        self.texts = texts
        self.numbers: dict[str, str] = {}
        self.notes: list[tuple[Block, ...]] = []

    def blocks(self, blocks: Sequence[Block]) -> list[Block]:
        """The blocks with each reference holding its number in the meeting."""
        return [self.block(block) for block in blocks]

    def block(self, block: _Held) -> _Held:
        if isinstance(block, Paragraph | ListItem):
            return self.with_numbers(block) if _refers(block.inlines) else block
        if isinstance(block, Table):
            cells = (tuple(tuple(map(self.block, cell)) for cell in row) for row in block.rows)
            return dataclasses.replace(block, rows=tuple(cells))
        return block

    def with_numbers(self, block: _Text) -> _Text:
        return dataclasses.replace(block, inlines=self.inlines(block.inlines))

    def inlines(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return tuple(self.number(i) if isinstance(i, FootnoteRef) else i for i in inlines)

    def number(self, ref: FootnoteRef) -> FootnoteRef:
        if ref.key not in self.numbers:
            self.notes.append(self.texts.get(ref.key, ()))
            self.numbers[ref.key] = str(len(self.notes))
        return FootnoteRef(self.numbers[ref.key])


def _refers(inlines: tuple[Inline, ...]) -> bool:
    return FootnoteRef in map(type, inlines)
