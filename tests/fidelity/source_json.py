"""What a ``documents.get`` response shows, walked straight from the JSON (suggestions as
rejected, as the README documents): only what is under a date heading is in a meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.fidelity.shown import Shown, date_of, words

Json = dict[str, Any]
HEADINGS = {f"HEADING_{n}": n for n in range(1, 7)}
MONOSPACE = ("mono", "courier", "consolas", "code")
UNNUMBERED = (None, "GLYPH_TYPE_UNSPECIFIED", "NONE")


def tab_parts(raw: Json) -> list[Json]:
    if "tabs" not in raw:
        return [raw]
    found: list[Json] = []
    stack = list(reversed(raw["tabs"]))
    while stack:
        tab = stack.pop()
        found.append(tab["documentTab"])
        stack.extend(reversed(tab.get("childTabs") or []))
    return found


class JsonSource:
    """Walks every tab; counts as shown only what a meeting holds."""

    def __init__(self, raw: Json) -> None:
        self.shown = Shown()
        for part in tab_parts(raw):
            self.part, self.counters = part, {}
            self.date: dt.date | None = None
            for element in (part.get("body") or {}).get("content") or []:
                self.top(element)

    def top(self, element: Json) -> None:
        paragraph = element.get("paragraph")
        if paragraph is not None and "bullet" not in paragraph:
            style = (paragraph.get("paragraphStyle") or {}).get("namedStyleType", "")
            found = date_of(text_of(paragraph), HEADINGS.get(style, 0))
            if found is not None:
                self.date = found
                return
        if self.date is not None:
            self.block(element)

    def block(self, element: Json) -> None:
        if "paragraph" in element:
            self.paragraph(element["paragraph"])
        elif "tableOfContents" in element:
            self.shown.named.add("table of contents")
        elif "table" in element and not suggested(element["table"]):
            self.table(element["table"])

    def paragraph(self, paragraph: Json) -> None:
        self.inline_content(paragraph)
        text = text_of(paragraph)
        style = (paragraph.get("paragraphStyle") or {}).get("namedStyleType", "")
        heading, bullet = HEADINGS.get(style, 0), paragraph.get("bullet")
        assert self.date is not None
        if bullet is not None:
            kind, number = self.list_kind(bullet)
            if heading:
                self.shown.heading(self.date, heading)
            else:
                self.shown.item(kind, number, text)
        elif heading and text.strip():
            self.shown.heading(self.date, heading)
        elif monospace(paragraph) and text.strip():
            self.shown.code.append(text.replace("\u000b", "\n").translate(MARKERS))

    def inline_content(self, paragraph: Json) -> None:
        """Count what the paragraph shows beside its text, and the words it shows."""
        for object_id in paragraph.get("positionedObjectIds") or []:
            if self.picture("positionedObjects", object_id):
                self.shown.images += 1
            else:
                self.shown.named.add("floating")
        shown: list[str] = []
        for element in paragraph.get("elements") or []:
            value = next((v for v in element.values() if isinstance(v, dict)), {})
            if suggested(value):
                continue
            if "horizontalRule" in element:
                self.shown.rules += 1
            elif "footnoteReference" in element:
                self.footnote(value.get("footnoteId"))
            elif "inlineObjectElement" in element:
                if self.picture("inlineObjects", value.get("inlineObjectId")):
                    self.shown.images += 1
                else:
                    self.shown.named.add("image")
            elif "equation" in element:
                self.shown.named.add("equation")
            elif "\ue907" in str((element.get("textRun") or {}).get("content")):
                self.shown.named.add("not expose")
            shown.append(_shown_by(element))
        self.shown.words.update(words("".join(shown)))

    def picture(self, where: str, object_id: object) -> bool:
        """Whether the object is an image whose bytes the API links (a drawing has none)."""
        found = (self.part.get(where) or {}).get(object_id) or {}
        props = found.get("inlineObjectProperties") or found.get("positionedObjectProperties")
        embedded = (props or {}).get("embeddedObject") or {}
        return bool((embedded.get("imageProperties") or {}).get("contentUri"))

    def footnote(self, key: object) -> None:
        note = (self.part.get("footnotes") or {}).get(key) if isinstance(key, str) else None
        for element in (note or {}).get("content") or []:
            runs = (element.get("paragraph") or {}).get("elements") or []
            self.shown.words.update(words("".join(map(_shown_by, runs))))

    def list_kind(self, bullet: Json) -> tuple[str, int]:
        """The item's kind and the number it shows, counted as Docs counts: per list and
        level, from the level's start, restarting under each item of the level above."""
        list_id, level = bullet.get("listId"), bullet.get("nestingLevel", 0)
        levels = ((self.part.get("lists") or {}).get(list_id) or {}).get("listProperties") or {}
        nesting = levels.get("nestingLevels") or []
        defined = nesting[level] if level < len(nesting) else {}
        counters = self.counters.setdefault(list_id, {})
        number = counters[level] + 1 if level in counters else defined.get("startNumber", 1)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        counters[level] = number
        if defined.get("glyphType") == "GLYPH_TYPE_UNSPECIFIED" and not defined.get("glyphSymbol"):
            self.shown.named.add("checklist")
            return "task", 0
        return ("bullet", 0) if defined.get("glyphType") in UNNUMBERED else ("number", number)

    def table(self, table: Json) -> None:
        rows = [r for r in table.get("tableRows") or [] if not suggested(r)]
        covered: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            cells = [c for c in row.get("tableCells") or [] if not suggested(c)]
            for c, cell in enumerate(cells):
                style = cell.get("tableCellStyle") or {}
                columns = min(style.get("columnSpan") or 1, len(cells) - c)
                down = min(style.get("rowSpan") or 1, len(rows) - r)
                if (r, c) in covered:
                    continue
                self.shown.cells += 1
                if columns > 1 or down > 1:
                    self.shown.spans.append((columns, down))
                covered |= {(r + i, c + j) for i in range(down) for j in range(columns)}
                for element in cell.get("content") or []:
                    self.block(element)


MARKERS = str.maketrans("", "", "\uec02\uec03\ue907")


def text_of(paragraph: Json) -> str:
    runs = (e.get("textRun") or {} for e in paragraph.get("elements") or [])
    return "".join(r.get("content") or "" for r in runs if not suggested(r)).removesuffix("\n")


def monospace(paragraph: Json) -> bool:
    """Every run with something to show is in a monospace font (and only runs are there)."""
    elements = [e for e in paragraph.get("elements") or [] if not suggested(_value(e))]
    if not all("textRun" in e for e in elements):
        return False
    shown = [e["textRun"] for e in elements if (e["textRun"].get("content") or "").strip()]
    return bool(shown) and all(_font(run) for run in shown)


def _font(run: Json) -> bool:
    font = ((run.get("textStyle") or {}).get("weightedFontFamily") or {}).get("fontFamily")
    return any(word in str(font or "").lower() for word in MONOSPACE)


def _shown_by(element: Json) -> str:
    """A run's text, or a chip's: the name, title or address it shows."""
    if "textRun" in element:
        return "" if suggested(element["textRun"]) else element["textRun"].get("content") or ""
    person = (element.get("person") or {}).get("personProperties") or {}
    link = (element.get("richLink") or {}).get("richLinkProperties") or {}
    return str(person.get("name") or person.get("email") or link.get("title") or "")


def _value(element: Json) -> Json:
    return next((v for v in element.values() if isinstance(v, dict)), {})


def suggested(obj: Json) -> bool:
    return bool(obj.get("suggestedInsertionIds"))
