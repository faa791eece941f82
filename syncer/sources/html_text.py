"""Whitespace in an HTML export: pretty-printing taken out, HTML's rules applied to runs."""

from __future__ import annotations

import re

from syncer.model import FootnoteRef, Image, Inline, Text
from syncer.sources.common import DROP_MARKERS, join_runs

_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")


def strip_layout(text: str) -> str:
    """The text without pretty-printing at its edges: the export itself is one line and
    writes soft breaks as ``<br>``, so a newline and its indentation at the edge of a text
    node is layout between tags, not a space. (Linear: a long run of newlines is no trap.)"""
    head = len(text) - len(text.lstrip(" \t\r\n"))
    newline = text.rfind("\n", 0, head)
    if newline >= 0:
        start = newline + 1
        while start < len(text) and text[start] in " \t":
            start += 1
        text = text[start:]
    body = len(text.rstrip(" \t\r\n"))
    newline = text.find("\n", body)
    if newline >= 0:
        cut = newline - 1 if newline > body and text[newline - 1] == "\r" else newline
        text = text[:cut]
    return text


def tidy(raw: list[Inline]) -> tuple[Inline, ...]:
    """HTML whitespace rules across runs: collapse, trim at the ends and around breaks
    (a footnote's number and an image are part of the line); Google's invisible markers go."""
    out: list[Inline] = []
    at_line_start = True
    for inline in raw:
        if isinstance(inline, (FootnoteRef, Image)):
            out.append(inline)
            at_line_start = False
        elif isinstance(inline, Text):
            text = _SPACES.sub(" ", inline.text.translate(DROP_MARKERS))
            if at_line_start:
                text = text.lstrip(" ")
            if text:
                at_line_start = text.endswith(" ")
                out.append(Text(text, inline.marks, inline.link))
        else:
            _rstrip_last(out)
            out.append(inline)
            at_line_start = True
    _rstrip_last(out)
    return join_runs(out)


def _rstrip_last(out: list[Inline]) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip(" "), out[-1].marks, out[-1].link)
