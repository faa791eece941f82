"""One tab of a ``documents.get`` response → blocks (and its footnotes).

A tab holds its own ``lists``, ``footnotes``, ``inlineObjects`` and ``positionedObjects``:
their ids mean something only within it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from syncer.model import (
    Block,
    Footnote,
    FootnoteRef,
    Image,
    Inline,
    ListItem,
    Paragraph,
    Rule,
    Table,
    Text,
    plain_text,
)
from syncer.sources.code_lines import (
    CLOSES,
    OPENS,
    CodeLine,
    Empty,
    Read,
    all_code,
    gather_code,
)
from syncer.sources.common import MAX_TABLE_DEPTH, PLACEHOLDER, join_runs, list_level
from syncer.sources.docs_inline import date_chip, person, rich_link, text_run
from syncer.sources.docs_lists import DocsLists
from syncer.sources.docs_table import TableGrid, suggested

Json = dict[str, Any]

_HEADINGS = {f"HEADING_{level}": level for level in range(1, 7)}


class TabReader:
    """Reads one tab's content; counts in ``left_out`` what it leaves out."""

    def __init__(self, part: Json, key: str, left_out: Counter[str]) -> None:
        self.part, self.key, self.left_out = part, key, left_out
        self.lists = DocsLists(part.get("lists") or {})
        self.depth = 0  # of tables around the content being read
        self.in_code = False  # between Google's code-block markers

    def blocks(self, content: list[Json]) -> tuple[Block, ...]:
        read = [block for element in content for block in self.block(element)]
        self.in_code = False  # a block is never open past its container
        return tuple(gather_code(read))

    def block(self, element: Json) -> list[Read]:
        if "paragraph" in element:
            return self.paragraph(element["paragraph"])
        if "tableOfContents" in element:
            self.left_out["toc"] += 1
            return []
        table = element.get("table")
        if table is None or suggested(table):
            return []  # sectionBreak: layout, not notes
        if self.depth >= MAX_TABLE_DEPTH:  # nested past reason: keep the words, not the grid
            grid = TableGrid(table)
            return [block for cell in grid.cells() for block in self.blocks(_cell(cell))]
        return [self.table(table)]

    def paragraph(self, paragraph: Json) -> list[Read]:
        """A paragraph; a horizontal rule in it splits it where it stands. Images placed
        beside it (positioned objects) follow its text."""
        floating = self.floating(paragraph)
        elements = paragraph.get("elements") or []
        if not any("horizontalRule" in element for element in elements):
            return [self.text(paragraph, floating)]
        parts: list[list[Json]] = [[]]
        for element in elements:
            if "horizontalRule" in element and not suggested(element["horizontalRule"]):
                parts.append([])
            else:
                parts[-1].append(element)
        read: list[Read] = [self.text({**paragraph, "elements": parts[0]}, floating)]
        for part in parts[1:]:
            read += [Rule(), self.text({"elements": part})]
        return read

    def text(self, paragraph: Json, floating: tuple[Image, ...] = ()) -> Read:
        elements = paragraph.get("elements") or []
        before = self.left_out.total()
        inlines = self.inlines(elements) + floating
        style = (paragraph.get("paragraphStyle") or {}).get("namedStyleType", "")
        heading, bullet = _HEADINGS.get(style, 0), paragraph.get("bullet")
        if bullet is not None:
            return self.list_entry(bullet, inlines, heading)
        code = None if heading else self.code_line(elements, inlines)
        if code is not None:
            return code
        if not inlines:
            return Empty(left_out=self.left_out.total() > before)
        return Paragraph(inlines, heading)

    def list_entry(self, bullet: Json, inlines: tuple[Inline, ...], heading: int) -> Read:
        """An item, or a heading Docs numbers (the number in its text, as Docs shows it).
        An empty item is counted, as Docs counts it, but not kept."""
        list_id = bullet.get("listId")
        level = list_level(bullet.get("nestingLevel", 0))  # proto3 omits the default 0
        number = self.lists.count(list_id, level)
        if heading:
            label = self.lists.label(list_id, level)
            shown = join_runs((Text(f"{label} "), *inlines)) if label else inlines
            return Paragraph(shown, heading) if shown else Empty()
        if not inlines:
            return Empty()
        ordered = self.lists.ordered(list_id, level)
        checked = False if self.lists.checklist(list_id, level) else None
        if checked is not None:
            self.left_out["checklist"] += 1
        number = number if ordered else 0
        return ListItem(inlines, level, ordered, str(list_id or ""), number, checked)

    def code_line(self, elements: list[Json], inlines: tuple[Inline, ...]) -> CodeLine | None:
        """The paragraph as a line of code: between Google's markers, or all monospace."""
        runs = (e["textRun"] for e in elements if "textRun" in e)
        raw = "".join(run.get("content") or "" for run in runs if not suggested(run))
        opens, closes = OPENS in raw, CLOSES in raw
        if not (self.in_code or opens or all_code(inlines)):
            return None
        self.in_code = (self.in_code or opens) and not closes
        return CodeLine(plain_text(inlines), opens, closes)

    def table(self, table: Json) -> Table:
        self.depth += 1
        try:
            grid = TableGrid(table)
            return grid.table(lambda cell: self.blocks(_cell(cell)))
        finally:
            self.depth -= 1

    def inlines(self, elements: list[Json]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for index, element in enumerate(elements):
            kind, value = _kind(element)
            if not suggested(value):
                out.extend(self.inline(kind, value, last=index == len(elements) - 1))
        return join_runs(out)

    def inline(self, kind: str, value: Json, *, last: bool) -> list[Inline]:
        if kind == "textRun":
            text = value.get("content") or ""
            self.count("placeholder", text.count(PLACEHOLDER))
            return text_run(text.removesuffix("\n") if last else text, value)
        if kind == "person":
            return person(value)
        if kind == "richLink":
            return rich_link(value)
        if kind == "dateElement":
            return date_chip(value)
        if kind == "footnoteReference":
            found = value.get("footnoteId")
            return [FootnoteRef(f"{self.key}{found}")] if isinstance(found, str) else []
        if kind == "inlineObjectElement":
            found = self.image("inlineObjects", value.get("inlineObjectId"))
            if found is not None:
                return [found]
            self.count(self.object_kind("inlineObjects", value.get("inlineObjectId")))
        elif kind == "equation":
            self.count("equation")
        return []  # pageBreak, columnBreak, autoText: layout only

    def object_kind(self, where: str, object_id: object, prefix: str = "") -> str:
        """What an embedded object is: an image, a drawing (no content in the API) or a
        chart from Sheets."""
        embedded = self.embedded(where, object_id)
        if "embeddedDrawingProperties" in embedded:
            return prefix + "drawing"
        return "chart" if "linkedContentReference" in embedded else prefix + "image"

    def floating(self, paragraph: Json) -> tuple[Image, ...]:
        """The images placed beside the text, anchored to this paragraph; a drawing there is
        counted (the API gives no drawing's content)."""
        images = []
        for object_id in paragraph.get("positionedObjectIds") or []:
            found = self.image("positionedObjects", object_id)
            if found is not None:
                images.append(found)
            else:
                self.count(self.object_kind("positionedObjects", object_id, "floating "))
        return tuple(images)

    def image(self, where: str, object_id: object) -> Image | None:
        """An embedded image by where its bytes are (``contentUri``: a link that works for
        about half an hour, read in the same run), its alternative text and its size."""
        embedded = self.embedded(where, object_id)
        uri = (embedded.get("imageProperties") or {}).get("contentUri")
        if not isinstance(uri, str) or not uri:
            return None
        alt = embedded.get("title") or embedded.get("description") or ""
        size = embedded.get("size") or {}
        return Image(uri, str(alt), _pixels(size.get("width")), _pixels(size.get("height")))

    def embedded(self, where: str, object_id: object) -> Json:
        found = (self.part.get(where) or {}).get(object_id) if isinstance(object_id, str) else None
        props = (found or {}).get("inlineObjectProperties") or (found or {}).get(
            "positionedObjectProperties"
        )
        return (props or {}).get("embeddedObject") or {}

    def count(self, kind: str, times: int = 1) -> None:
        if times:
            self.left_out[kind] += times

    def footnotes(self) -> list[Footnote]:
        """The tab's footnotes, keyed as their references are."""
        notes = self.part.get("footnotes") or {}
        return [
            Footnote(f"{self.key}{key}", self.blocks(note.get("content") or []))
            for key, note in notes.items()
        ]

    def count_margins(self) -> None:
        """Page headers and footers that hold words: Docs shows them, the page will not."""
        for where in ("headers", "footers"):
            for margin in (self.part.get(where) or {}).values():
                if _shows_anything(margin.get("content") or []):
                    self.count("margin")


def _pixels(dimension: object) -> int | None:
    """A Docs dimension (points, as Docs gives an image's size) in CSS pixels."""
    if not isinstance(dimension, dict):
        return None
    magnitude, unit = dimension.get("magnitude"), dimension.get("unit", "PT")
    if not isinstance(magnitude, int | float) or magnitude <= 0 or unit != "PT":
        return None
    return round(magnitude * 4 / 3)


def _shows_anything(content: object) -> bool:
    """Whether there is a word or an image anywhere below ``content``."""
    stack = [content]
    while stack:
        found = stack.pop()
        if isinstance(found, dict):
            run = found.get("textRun")
            if "inlineObjectElement" in found:
                return True
            if isinstance(run, dict) and str(run.get("content") or "").strip():
                return True
            stack.extend(found.values())
        elif isinstance(found, list):
            stack.extend(found)
    return False


def _kind(element: Json) -> tuple[str, Json]:
    """An element is one object-valued key (``textRun``, ``person``…) plus indexes."""
    return next(((k, v) for k, v in element.items() if isinstance(v, dict)), ("", {}))


def _cell(cell: Json) -> list[Json]:
    return cell.get("content") or []
