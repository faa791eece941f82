"""What the style sheet of a Google Docs HTML export says: marks and lists.

The export styles text with classes (``.c5{font-weight:700}``; older exports with ``style=``
on each element), and draws each list level's bullet or number with CSS: the rule
``.lst-kix_<id>-<level>>li:before{content:…}`` holds the glyph (``"\\0025cf  "``, or
``counter(lst-ctn-kix_<id>-0,decimal) ". "``), and ``ol.lst-kix_<id>-<level>.start`` resets
the level's counter where a list starts. A checklist exports as a bulleted list whose every
level shows "●" (Docs' bullet presets alternate ●, ○ and ■), with a checked item's
``<li>`` struck through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syncer.model import BOLD, CODE, ITALIC, STRIKE, SUBSCRIPT, SUPERSCRIPT, UNDERLINE
from syncer.sources.common import is_monospace, number_label

_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_GLYPH = re.compile(r"\.lst-kix_([\w-]+)-(\d+)\s*>\s*li:before\s*\{[^}]*?content:([^;}]*)")
_RESET = re.compile(
    r"ol\.lst-kix_([\w-]+)-(\d+)\.start\s*\{[^}]*?counter-reset:\s*[\w-]+\s+(-?\d+)"
)
_CONTENT = re.compile(
    r'"((?:[^"\\]|\\.)*)"|counter\(\s*lst-ctn-kix_([\w-]+)-(\d+)\s*,\s*([\w-]+)\s*\)'
)
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_BULLET = "\u25cf"


def declared_marks(declarations: str) -> frozenset[str]:
    """The marks a rule's or a ``style=`` attribute's declarations set."""
    pairs = (d.split(":", 1) for d in declarations.lower().split(";") if ":" in d)
    style = {key.strip(): value.strip() for key, value in pairs}
    decoration = style.get("text-decoration", "").split()
    found = {
        BOLD: style.get("font-weight") in ("700", "bold"),
        ITALIC: style.get("font-style") == "italic",
        UNDERLINE: "underline" in decoration,
        STRIKE: "line-through" in decoration,
        SUPERSCRIPT: style.get("vertical-align") == "super",
        SUBSCRIPT: style.get("vertical-align") == "sub",
        CODE: is_monospace(style.get("font-family", "")),
    }
    return frozenset(mark for mark, on in found.items() if on)


def class_marks(css: str) -> dict[str, frozenset[str]]:
    """CSS class → the marks its rule sets (``.c5{font-weight:700}`` → bold)."""
    return {name: declared_marks(body) for name, body in _RULE.findall(css)}


def class_names(css: str) -> set[str]:
    return {name for name, _ in _RULE.findall(css)}


@dataclass(frozen=True)
class ListStyles:
    """Each list level's glyph (a CSS ``content`` value) and the counter value it resets
    to where a list starts, by (list id, level)."""

    glyphs: dict[tuple[str, int], str]
    resets: dict[tuple[str, int], int]

    @classmethod
    def of(cls, css: str) -> ListStyles:
        glyphs = {(found[1], int(found[2])): found[3].strip() for found in _GLYPH.finditer(css)}
        resets = {(found[1], int(found[2])): int(found[3]) for found in _RESET.finditer(css)}
        return cls(glyphs, resets)

    def checklist(self, list_id: str) -> bool:
        """Whether the list is a checklist: several levels, each drawn as "●"."""
        shown = [glyph for (key, _), glyph in self.glyphs.items() if key == list_id]
        return len(shown) > 1 and all(_literal(glyph).strip() == _BULLET for glyph in shown)

    def first_number(self, list_id: str, level: int) -> int:
        """The number a list starting at this level shows first."""
        return self.resets.get((list_id, level), 0) + 1

    def label(self, list_id: str, level: int, counters: dict[tuple[str, int], int]) -> str:
        """The level's glyph with the counters filled in ("2.1."), without its padding."""
        parts = []
        for found in _CONTENT.finditer(self.glyphs.get((list_id, level), "")):
            if found[1] is not None:
                parts.append(_unescape(found[1]))
            else:
                value = counters.get((found[2], int(found[3])), 1)
                parts.append(number_label(value, found[4]))
        return "".join(parts).strip()


def _literal(content: str) -> str:
    """A ``content`` value's strings, joined and unescaped (no counters)."""
    return "".join(_unescape(found[1]) for found in _CONTENT.finditer(content) if found[1])


def _unescape(text: str) -> str:
    return _ESCAPE.sub(_unescaped, text)


def _unescaped(found: re.Match[str]) -> str:
    if not found[1]:
        return found[2]
    code = int(found[1], 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"
