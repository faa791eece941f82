"""Code blocks, from paragraphs that are lines of code, in either of Google's formats.

Docs brackets its code blocks with private-use characters (U+EC03 opens one, U+EC02 closes
it); text typed in a monospace font paragraph by paragraph is code too. The readers mark
each such paragraph as a ``CodeLine`` with every space it holds, and each empty paragraph
as ``Empty``; ``gather_code`` makes the lines into ``CodeBlock``s, with the empty paragraphs
between them as blank lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from syncer.model import CODE, Block, CodeBlock, Inline, LineBreak, Text

OPENS = "\uec03"
CLOSES = "\uec02"


@dataclass(frozen=True)
class CodeLine:
    """A paragraph read as a line (or, with soft breaks, lines) of code, exactly as typed;
    ``opens``/``closes`` when Google's markers begin or end a code block on it."""

    text: str
    opens: bool = False
    closes: bool = False


@dataclass(frozen=True)
class Empty:
    """A paragraph that shows nothing: a blank line inside a code block, else nothing. One
    that held only what was left out (``left_out``: an image) ends a code block instead."""

    left_out: bool = False


Read = Block | CodeLine | Empty  # what a reader yields before ``gather_code``


def all_code(inlines: tuple[Inline, ...] | list[Inline]) -> bool:
    """Whether a paragraph's text is all monospace: some text, all of it code (spaces
    aside), and nothing but text and breaks."""
    runs = [inline for inline in inlines if not isinstance(inline, LineBreak)]
    shown = [run for run in runs if isinstance(run, Text) and run.text.strip()]
    only_text = all(isinstance(run, Text) for run in runs)
    return only_text and bool(shown) and all(CODE in run.marks for run in shown)


def gather_code(read: Iterable[Read]) -> list[Block]:
    """The blocks, each run of code lines one ``CodeBlock``; empty paragraphs go."""
    out: list[Block] = []
    lines: list[str] = []
    blanks = 0  # empty paragraphs since the last line of the open block
    for block in read:
        if isinstance(block, CodeLine):
            if block.opens:
                _flush(lines, out)
            lines += [""] * blanks if lines else []
            lines.append(block.text)
            blanks = 0
            if block.closes:
                _flush(lines, out)
        elif isinstance(block, Empty) and not block.left_out:
            blanks += 1
        else:
            _flush(lines, out)
            blanks = 0
            if not isinstance(block, Empty):
                out.append(block)
    _flush(lines, out)
    return out


def _flush(lines: list[str], out: list[Block]) -> None:
    """End the open block: its lines, without empty ones at its edges, as one code block."""
    text = "\n".join(lines).lstrip("\n").rstrip("\n")
    if text.strip():
        out.append(CodeBlock(text))
    lines.clear()
