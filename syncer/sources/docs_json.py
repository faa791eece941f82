"""A saved Google Docs ``documents.get`` response → a ``Document``.

The JSON is read as the Docs API sends it, with or without ``includeTabsContent``, and as if
every open suggestion were rejected: the archive only ever shows text the authors agreed on.
Content that cannot be carried over (images, footnotes, equations) is counted, so the preview
can say what is missing instead of losing it silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncer.dates import read_date
from syncer.errors import SourceError
from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    Block,
    DateChip,
    Document,
    Inline,
    LineBreak,
    ListItem,
    Paragraph,
    Tab,
    Table,
    Text,
)
from syncer.sources.common import (
    DROP_MARKERS,
    MAX_TABLE_DEPTH,
    is_monospace,
    join_runs,
    list_level,
    omission_notes,
)

Json = dict[str, Any]

_HEADINGS = {f"HEADING_{level}": level for level in range(1, 7)}
_UNORDERED_GLYPHS = (None, "GLYPH_TYPE_UNSPECIFIED", "NONE")
# U+000B is Docs' soft line break (Shift+Enter); a bare "\n" inside a run means the same.
_BREAK = re.compile("[\u000b\n]")
# Elements we leave out on purpose, with the words the preview uses (singular, plural).
_OMISSIONS = {
    "inlineObjectElement": ("image (inline object)", "images (inline objects)"),
    "footnoteReference": ("footnote marker", "footnote markers"),
    "equation": ("equation", "equations"),
}


def read_docs_json(data: bytes, *, name: str = "document") -> Document:
    """Read a ``documents.get`` response; ``name`` (the file) is what errors mention."""
    with _no_cycle_collection():
        return _read(data, name)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The decoded JSON and the model are trees: no cycles for the collector to find, yet on a
    large doc its full passes over millions of fresh objects cost as much as the reading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(data: bytes, name: str) -> Document:
    raw = _load(data, name)
    left_out: Counter[str] = Counter()
    try:
        tabs = tuple(
            Tab(title, _TabReader(part.get("lists") or {}, left_out).blocks(_content(part)))
            for title, part in _parts(raw)
        )
    except (AttributeError, TypeError) as error:  # a field of the wrong JSON type
        raise SourceError(f"{name}: unexpected Google Docs JSON structure ({error})") from None
    revision = raw.get("revisionId")
    return Document(
        tabs, omission_notes(left_out, _OMISSIONS), revision if isinstance(revision, str) else None
    )


def _load(data: bytes, name: str) -> Json:
    try:
        raw = json.loads(data)
    except ValueError as error:  # also covers bytes that are not UTF-8
        raise SourceError(f"{name}: not a JSON file ({error})") from None
    except RecursionError:
        raise SourceError(f"{name}: not a Google Docs document (JSON nested too deep)") from None
    if not isinstance(raw, dict) or not ("body" in raw or "tabs" in raw):
        raise SourceError(
            f"{name}: not a Google Docs document (no 'body' or 'tabs'; "
            "expected a saved documents.get response)"
        )
    return raw


def _parts(raw: Json) -> Iterator[tuple[str, Json]]:
    """(title, part holding ``body`` and ``lists``) per tab; an untabbed doc is one tab."""
    if "tabs" in raw:
        yield from _flatten(raw["tabs"] or [])
    else:
        yield raw.get("title") or "", raw


def _flatten(tabs: list[Json]) -> Iterator[tuple[str, Json]]:
    """Tabs in reading order: each parent, then its child tabs."""
    for tab in tabs:
        yield (tab.get("tabProperties") or {}).get("title") or "", tab.get("documentTab") or {}
        yield from _flatten(tab.get("childTabs") or [])


def _content(part: Json) -> list[Json]:
    return (part.get("body") or {}).get("content") or []


def _suggested(obj: Json) -> bool:
    """A suggested insertion: not part of the agreed text until someone accepts it."""
    return bool(obj.get("suggestedInsertionIds"))


def _kind(element: Json) -> tuple[str, Json]:
    """An element is one object-valued key (``textRun``, ``person``…) plus indexes."""
    return next(((k, v) for k, v in element.items() if isinstance(v, dict)), ("", {}))


@dataclass
class _TabReader:
    """Reads one tab's content; list ids only mean something within their tab."""

    lists: Json
    left_out: Counter[str]
    depth: int = 0  # of tables around the content being read

    def blocks(self, content: list[Json]) -> tuple[Block, ...]:
        return tuple(block for element in content for block in self.block(element))

    def block(self, element: Json) -> list[Block]:
        if "paragraph" in element:
            paragraph = self.paragraph(element["paragraph"])
            return [paragraph] if paragraph else []
        table = element.get("table")
        if table is None or _suggested(table):
            return []  # tableOfContents, sectionBreak: navigation and layout, not notes
        if self.depth >= MAX_TABLE_DEPTH:  # nested past reason: keep the words, not the grid
            return [block for cell in _cells(table) for block in self.blocks(_cell(cell))]
        return [self.table(table)]

    def paragraph(self, paragraph: Json) -> Paragraph | ListItem | None:
        inlines = self.inlines(paragraph.get("elements") or [])
        if not inlines:
            return None
        bullet = paragraph.get("bullet")
        if bullet is not None:
            level = list_level(bullet.get("nestingLevel", 0))  # proto3 omits the default 0
            return ListItem(inlines, level, self.ordered(bullet.get("listId"), level))
        style = (paragraph.get("paragraphStyle") or {}).get("namedStyleType", "")
        return Paragraph(inlines, _HEADINGS.get(style, 0))

    def ordered(self, list_id: str | None, level: int) -> bool:
        """Numbered levels have a ``glyphType``; bulleted ones a ``glyphSymbol``."""
        found = self.lists.get(list_id) if list_id is not None else None
        props = (found or {}).get("listProperties") or {}
        levels = props.get("nestingLevels") or []
        glyph = levels[level].get("glyphType") if 0 <= level < len(levels) else None
        return glyph not in _UNORDERED_GLYPHS

    def table(self, table: Json) -> Table:
        self.depth += 1
        try:
            return Table(tuple(tuple(self.blocks(_cell(c)) for c in row) for row in _rows(table)))
        finally:
            self.depth -= 1

    def inlines(self, elements: list[Json]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for index, element in enumerate(elements):
            kind, value = _kind(element)
            if not _suggested(value):
                out.extend(self.inline(kind, value, last=index == len(elements) - 1))
        return join_runs(out)

    def inline(self, kind: str, value: Json, *, last: bool) -> list[Inline]:
        if kind == "textRun":
            text = value.get("content") or ""
            return _text_run(text.removesuffix("\n") if last else text, value)
        if kind == "person":
            return _person(value)
        if kind == "richLink":
            return _rich_link(value)
        if kind == "dateElement":
            return _date_chip(value)
        if kind in _OMISSIONS:
            self.left_out[kind] += 1
        return []  # horizontalRule, pageBreak, columnBreak, autoText: layout only


def _rows(table: Json) -> Iterator[list[Json]]:
    """The cells of each row, suggested rows and cells left out."""
    for row in table.get("tableRows") or []:
        if not _suggested(row):
            yield [cell for cell in row.get("tableCells") or [] if not _suggested(cell)]


def _cells(table: Json) -> Iterator[Json]:
    return (cell for row in _rows(table) for cell in row)


def _cell(cell: Json) -> list[Json]:
    return cell.get("content") or []


def _text_run(text: str, run: Json) -> list[Inline]:
    style = run.get("textStyle") or {}
    marks, link = _marks(style), _url(style)
    out: list[Inline] = []
    for index, piece in enumerate(_BREAK.split(text.translate(DROP_MARKERS))):
        if index:
            out.append(LineBreak())
        out.append(Text(piece, marks, link))
    return out


def _marks(style: Json) -> frozenset[str]:
    offset = style.get("baselineOffset")
    font = (style.get("weightedFontFamily") or {}).get("fontFamily") or ""
    on = {
        BOLD: style.get("bold"),
        ITALIC: style.get("italic"),
        # Docs underlines every link by default; that underline is not the author's mark.
        UNDERLINE: style.get("underline") and "link" not in style,
        STRIKE: style.get("strikethrough"),
        SUPERSCRIPT: offset == "SUPERSCRIPT",
        SUBSCRIPT: offset == "SUBSCRIPT",
        CODE: is_monospace(font),
    }
    return frozenset(mark for mark, enabled in on.items() if enabled)


def _url(style: Json) -> str | None:
    """Only real URLs: heading, bookmark and tab links point into the doc, not the page."""
    url = (style.get("link") or {}).get("url")
    return url if url and not url.startswith("#") else None


def _person(chip: Json) -> list[Inline]:
    props = chip.get("personProperties") or {}
    email = props.get("email")
    shown = props.get("name") or email
    if not shown:
        return []
    link = f"mailto:{email}" if email else None
    return [Text(shown, _marks(chip.get("textStyle") or {}) - {UNDERLINE}, link)]


def _rich_link(chip: Json) -> list[Inline]:
    props = chip.get("richLinkProperties") or {}
    uri = props.get("uri")
    label = props.get("title") or uri
    return [Text(label, _marks(chip.get("textStyle") or {}) - {UNDERLINE}, uri)] if label else []


def _date_chip(chip: Json) -> list[Inline]:
    """The calendar date the chip shows: its text when that reads as a date, else its
    instant seen in the chip's own time zone (a date-only chip's instant may be midnight UTC).
    """
    props = chip.get("dateElementProperties") or {}
    display = props.get("displayText") or ""
    shown = read_date(display)
    if shown is not None:
        return [DateChip(shown, display)]
    try:
        moment = dt.datetime.fromisoformat(props["timestamp"])
    except (KeyError, TypeError, ValueError):
        return [Text(display)] if display else []  # no usable instant: keep what readers see
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        date = moment.astimezone(_zone(props.get("timeZoneId"))).date()
    except OverflowError:  # 9999-12-31T23:00Z is in year 10000 east of UTC: take its own date
        date = moment.date()
    return [DateChip(date, display or date.isoformat())]


def _zone(key: str | None) -> dt.tzinfo:
    """The chip's zone, or UTC when it names none (or one this machine does not know)."""
    if key:
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.UTC
