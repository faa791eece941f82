"""What both readers of Google's formats need: runs joined, markers dropped, omissions said."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from syncer.model import DateChip, Inline, Text
from syncer.xml_text import legal

# Docs wraps code blocks in private-use characters (``code_lines``), and puts U+E907 where it
# cannot show an element (a smart chip the API does not expose): all render as nothing.
PLACEHOLDER = "\ue907"
DROP_MARKERS = str.maketrans("", "", "\uec02\uec03" + PLACEHOLDER)
# What the notes say of the placeholders, in both readers (singular, plural).
PLACEHOLDER_WORDS = (
    "element Google does not expose (U+E907, such as a dropdown or file chip)",
    "elements Google does not expose (U+E907, such as dropdown or file chips)",
)
# Docs nests lists 9 levels deep at most (levels 0-8); a deeper level from a hand-made file
# nests at the deepest one, so that no stage after the readers recurses without end.
MAX_LIST_LEVEL = 8
# Tables in tables in tables…: past this depth a table is read as plain paragraphs.
MAX_TABLE_DEPTH = 4
_MONOSPACE = ("mono", "courier", "consolas", "code")


def is_monospace(font_family: str) -> bool:
    """Text set in a monospace font is code (Roboto Mono, Courier New, Consolas…)."""
    family = font_family.lower()
    return any(word in family for word in _MONOSPACE)


def list_level(value: object) -> int:
    """A list item's nesting level as a source gives it, within what Docs itself allows."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return min(max(value, 0), MAX_LIST_LEVEL)


def join_runs(inlines: Iterable[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring runs that look the same and drop empty ones: Google splits runs for
    reasons (spell-check, suggestion ids, colours) that the page does not keep.

    Text is cleaned here, at the source boundary, of characters XML cannot hold (a lone
    surrogate from a broken emoji, a control character): every stage after this one, the
    fingerprints included, sees the text the page will show."""
    out: list[Inline] = []
    for inline in map(_legal, inlines):
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


def _legal(inline: Inline) -> Inline:
    """The inline without illegal characters (the same object when it had none)."""
    if isinstance(inline, Text):
        text, link = legal(inline.text), inline.link and legal(inline.link)
        changed = text != inline.text or link != inline.link
        return Text(text, inline.marks, link) if changed else inline
    if isinstance(inline, DateChip) and legal(inline.display) != inline.display:
        return DateChip(inline.date, legal(inline.display))
    return inline


def number_label(value: int, style: str) -> str:
    """A list number as Google shows it in a style named as CSS names it (``lower-roman``)."""
    if style in ("lower-alpha", "upper-alpha", "lower-latin", "upper-latin") and value > 0:
        letters = ""
        while value > 0:
            value, digit = divmod(value - 1, 26)
            letters = chr(ord("a") + digit) + letters
        return letters.upper() if style.startswith("upper") else letters
    if style in ("lower-roman", "upper-roman") and 0 < value < 4000:
        roman = _roman(value)
        return roman.upper() if style == "upper-roman" else roman
    return f"{value:02d}" if style == "decimal-leading-zero" else str(value)


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(value: int) -> str:
    digits = []
    for size, digit in _ROMAN:
        count, value = divmod(value, size)
        digits.append(digit * count)
    return "".join(digits)


def omission_notes(counts: Counter[str], words: Mapping[str, tuple[str, str]]) -> tuple[str, ...]:
    """``2 images left out``: one note per kind, in the order first met."""
    return tuple(f"{count} {words[kind][count != 1]} left out" for kind, count in counts.items())
