"""The lists of one Docs tab: what each nesting level is, and the number each item shows.

``lists[listId].listProperties.nestingLevels[n]`` defines level ``n``: numbered levels have
a ``glyphType`` (``DECIMAL``, ``ALPHA``…), a ``glyphFormat`` (``%0.``, ``%0.%1.``) and a
``startNumber``; bulleted ones a ``glyphSymbol``; a checklist's levels have neither (only
``GLYPH_TYPE_UNSPECIFIED``: the API does not say which items are checked). Numbering runs
through the whole tab, across paragraphs and tables between items, and a level restarts
under each new item of the level above it, as Docs shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from syncer.sources.common import MAX_LIST_LEVEL, number_label

Json = dict[str, Any]

_UNNUMBERED = (None, "GLYPH_TYPE_UNSPECIFIED", "NONE")
_STYLES = {
    "DECIMAL": "decimal",
    "ZERO_DECIMAL": "decimal-leading-zero",
    "ALPHA": "lower-alpha",
    "UPPER_ALPHA": "upper-alpha",
    "ROMAN": "lower-roman",
    "UPPER_ROMAN": "upper-roman",
}


@dataclass
class DocsLists:
    """The tab's list definitions, and the counters of the items read so far."""

    definitions: Json
    counters: dict[str, list[int | None]] = field(default_factory=dict)  # None: not begun
    levels: dict[tuple[str | None, int], Json] = field(default_factory=dict)  # looked up

    def level(self, list_id: str | None, level: int) -> Json:
        if (list_id, level) not in self.levels:
            found = self.definitions.get(list_id) if list_id is not None else None
            nesting = ((found or {}).get("listProperties") or {}).get("nestingLevels") or []
            defined = (nesting[level] or {}) if 0 <= level < len(nesting) else {}
            self.levels[(list_id, level)] = defined
        return self.levels[(list_id, level)]

    def ordered(self, list_id: str | None, level: int) -> bool:
        """Numbered levels have a ``glyphType``; bulleted ones a ``glyphSymbol``."""
        return self.level(list_id, level).get("glyphType") not in _UNNUMBERED

    def checklist(self, list_id: str | None, level: int) -> bool:
        found = self.level(list_id, level)
        return found.get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and not found.get("glyphSymbol")

    def count(self, list_id: str | None, level: int) -> int:
        """The number the next item at ``level`` shows; the levels below restart."""
        counters = self.counters.setdefault(list_id or "", [None] * (MAX_LIST_LEVEL + 1))
        before = counters[level]
        number = self._start(list_id, level) if before is None else before + 1
        counters[level:] = [number] + [None] * (MAX_LIST_LEVEL - level)
        return number

    def label(self, list_id: str | None, level: int) -> str:
        """The number of the item last counted at ``level`` as Docs writes it ("2.1."), or ""
        for a bulleted level."""
        if not self.ordered(list_id, level):
            return ""
        counters = self.counters.get(list_id or "") or [None] * (MAX_LIST_LEVEL + 1)
        label = str(self.level(list_id, level).get("glyphFormat") or f"%{level}.")
        for shown in range(level, -1, -1):  # %10 does not exist: levels are 0-8
            value = counters[shown]
            value = self._start(list_id, shown) if value is None else value
            style = _STYLES.get(self.level(list_id, shown).get("glyphType") or "", "decimal")
            label = label.replace(f"%{shown}", number_label(value, style))
        return label

    def _start(self, list_id: str | None, level: int) -> int:
        start = self.level(list_id, level).get("startNumber", 1)
        return start if isinstance(start, int) and not isinstance(start, bool) else 1
