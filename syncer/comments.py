"""Inline comments on a section that notes-sync rewrites: put back around the same words.

A person's inline comment is anchored by ``<ac:inline-comment-marker ac:ref="…">`` around the
words it is about; Confluence splits one comment into several markers with the same ref where
the words cross other marks. When the doc changes a section, the section is rendered anew:
each comment whose words are still there is anchored to them again (one marker per piece of
text, as Confluence does it); a comment whose words are gone is named, so the plan can say it
loses its place before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from syncer.xhtml import Node, copied, name_of, storage_text

_AC = "urn:confluence:ac"
_MARKER = f"{{{_AC}}}inline-comment-marker"
_REF = f"{{{_AC}}}ref"


@dataclass(frozen=True)
class Comment:
    """One inline comment: its ref, the words it marks, and which of their occurrences in
    the section's text it marks (0 for the first)."""

    ref: str
    words: str
    occurrence: int


def comments_in(nodes: Sequence[Node]) -> list[Comment]:
    """The inline comments of a section, in order of first appearance."""
    slots = list(_slots(nodes))
    text = "".join(piece for _, _, piece, _ in slots)
    found: dict[str, list[tuple[int, int]]] = {}
    offset = 0
    for _, _, piece, refs in slots:
        for ref in refs:
            found.setdefault(ref, []).append((offset, offset + len(piece)))
        offset += len(piece)
    comments = []
    for ref, ranges in found.items():
        start, end = ranges[0][0], ranges[-1][1]
        words = text[start:end]
        if words.strip():
            comments.append(Comment(ref, words, _normal(text[:start]).count(_normal(words))))
    return comments


def anchored(nodes: Sequence[Node], comments: Sequence[Comment]) -> tuple[str, list[Comment]]:
    """The section ``nodes`` (rendered anew) as storage text with each comment's markers put
    back, and the comments whose words are no longer there."""
    wrapper = copied(nodes)
    lost = []
    for comment in sorted(comments, key=lambda c: -len(c.words)):  # outer comments first
        if not _anchor(list(wrapper), comment):
            lost.append(comment)
    return storage_text(wrapper), lost


def _anchor(nodes: list[Node], comment: Comment) -> bool:
    slots = list(_slots(nodes))
    text = _normal("".join(piece for _, _, piece, _ in slots))
    words = _normal(comment.words)
    start = _nth(text, words, comment.occurrence)
    if start < 0:
        return False
    end, offset = start + len(words), 0
    for owner, where, piece, _ in slots:
        low, high = max(start, offset), min(end, offset + len(piece))
        if low < high:
            _wrap(owner, where, piece, low - offset, high - offset, comment.ref)
        offset += len(piece)
    return True


def _nth(text: str, words: str, occurrence: int) -> int:
    """Where the ``occurrence``-th ``words`` start, or the last one's start if there are
    fewer; -1 if there is none."""
    position, last = -1, -1
    for _ in range(occurrence + 1):
        position = text.find(words, position + 1)
        if position < 0:
            return last
        last = position
    return last


Slot = tuple[Node, str, str, tuple[str, ...]]


def _slots(nodes: Sequence[Node]) -> Iterator[Slot]:
    """Every piece of text in order, as (owner, "text" or "tail", text, refs marking it)."""
    for node in nodes:
        yield from _node_slots(node, ())


def _node_slots(node: Node, refs: tuple[str, ...]) -> Iterator[Slot]:
    inside = (*refs, str(node.get(_REF))) if node.tag == _MARKER else refs
    if name_of(node) in ("ac:structured-macro", "ac:parameter", "time", "ac:plain-text-body"):
        pass  # not words a comment can hold on to: lozenges, dates, code
    else:
        if node.text:
            yield node, "text", node.text, inside
        for child in node:
            if isinstance(child.tag, str):
                yield from _node_slots(child, inside)
    if node.tail:
        yield node, "tail", node.tail, refs


def _wrap(owner: Node, where: str, piece: str, start: int, end: int, ref: str) -> None:
    """Put ``piece[start:end]`` of ``owner``'s text or tail into a marker with ``ref``."""
    marker = etree.Element(_MARKER)
    marker.set(_REF, ref)
    marker.text, marker.tail = piece[start:end], piece[end:] or None
    if where == "text":
        owner.text = piece[:start] or None
        owner.insert(0, marker)
    else:
        owner.tail = piece[:start] or None
        owner.addnext(marker)
        marker.tail = piece[end:] or None


def _normal(text: str) -> str:
    return text.replace("\u00a0", " ")
