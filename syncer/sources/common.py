"""What both readers of Google's formats need: runs joined, markers dropped, omissions said."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from syncer.model import Inline, Text

# Docs wraps code blocks in these private-use characters; they render as nothing.
DROP_MARKERS = str.maketrans("", "", "\uec02\uec03")
_MONOSPACE = ("mono", "courier", "consolas", "code")


def is_monospace(font_family: str) -> bool:
    """Text set in a monospace font is code (Roboto Mono, Courier New, Consolas…)."""
    family = font_family.lower()
    return any(word in family for word in _MONOSPACE)


def join_runs(inlines: Iterable[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring runs that look the same and drop empty ones: Google splits runs for
    reasons (spell-check, suggestion ids, colours) that the page does not keep."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text):
            if not inline.text:
                continue
            previous = out[-1] if out else None
            if isinstance(previous, Text) and (previous.marks, previous.link) == (
                inline.marks,
                inline.link,
            ):
                out[-1] = Text(previous.text + inline.text, inline.marks, inline.link)
                continue
        out.append(inline)
    return tuple(out)


def omission_notes(counts: Counter[str], words: Mapping[str, tuple[str, str]]) -> tuple[str, ...]:
    """``2 images left out``: one note per kind, in the order first met."""
    return tuple(f"{count} {words[kind][count != 1]} left out" for kind, count in counts.items())
