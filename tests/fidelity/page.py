"""What a reader sees on the page: the same ``Shown`` read from the storage rendered."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from syncer.reading import name_of
from syncer.xhtml import parse_fragment
from tests.fidelity.shown import Shown, words

# What notes-sync writes around the words: macro parameters (lozenge titles, anchor names),
# tasks' ids and status, and (in an item's own text) the links of footnote numbers.
NOT_WORDS = {"ac:parameter", "ac:task-id", "ac:task-status"}
NESTED = {"ul", "ol", "ac:task-list", "ac:link"}
# Elements that end a word: blocks and breaks (marks like <strong> do not).
APART = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "br", "ac:task", "hr"}
APART |= {"ac:link"}  # a footnote's number is not part of the word it follows


def on_page(storage: str) -> Shown:
    shown = Shown()
    root = parse_fragment(storage)
    date: dt.date | None = None
    for node in root.iter():
        name = name_of(node)
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            date = _date(node) or date
            if _date(node) is None and date is not None:
                shown.heading(date, int(name[1]))
        elif name == "li" or name == "ac:task":
            _item(shown, node)
        elif name in ("td", "th"):
            _cell(shown, node)
        elif name == "hr":
            shown.rules += 1
        elif name == "ac:image":
            shown.images += 1
        elif name == "ac:structured-macro" and node.get("{urn:confluence:ac}name") == "code":
            shown.code.append("".join(node.itertext()))
    shown.words.update(words("".join(_texts(root))))
    return shown


def _date(heading: etree._Element) -> dt.date | None:
    try:
        return dt.date.fromisoformat("".join(heading.itertext()).strip())
    except ValueError:
        return None


def _item(shown: Shown, node: etree._Element) -> None:
    parent = node.getparent()
    assert parent is not None
    if name_of(node) == "ac:task":
        body = next((c for c in node if name_of(c) == "ac:task-body"), node)
        shown.item("task", 0, _own_text(body))
        return
    kind = "number" if name_of(parent) == "ol" else "bullet"
    number = int(parent.get("start") or 1) + [c for c in parent if name_of(c) == "li"].index(node)
    shown.item(kind, number, _own_text(node))


def _cell(shown: Shown, node: etree._Element) -> None:
    shown.cells += 1
    columns, rows = (int(node.get(key) or 1) for key in ("colspan", "rowspan"))
    if columns > 1 or rows > 1:
        shown.spans.append((columns, rows))


def _own_text(node: etree._Element) -> str:
    """The text of an item without its nested lists (and without what we write)."""
    return "".join(_texts(node, NESTED | NOT_WORDS))


def _texts(node: etree._Element, skipped: set[str] = NOT_WORDS) -> list[str]:
    parts = [node.text or ""]
    for child in node:
        name = name_of(child)
        if name not in skipped:
            parts += [" " if name in APART else "", *_texts(child, skipped)]
        parts += [" " if name in APART else "", child.tail or ""]
    return parts
