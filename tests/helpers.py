"""Small builders shared by the tests: blocks as a source would yield them."""

from __future__ import annotations

from syncer.model import Document, ListItem, Paragraph, Tab, Text


def para(text: str, heading: int = 0) -> Paragraph:
    return Paragraph((Text(text),), heading)


def item(text: str, level: int = 0, ordered: bool = False) -> ListItem:
    return ListItem((Text(text),), level, ordered)


def doc(*blocks, tabs: tuple[Tab, ...] = ()) -> Document:
    return Document(tabs or (Tab("Notes", tuple(blocks)),))
