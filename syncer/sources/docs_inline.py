"""The inline content of a Docs paragraph: text runs with their marks, and chips."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncer.dates import read_date
from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    DateChip,
    Inline,
    LineBreak,
    Text,
)
from syncer.sources.common import DROP_MARKERS, is_monospace

Json = dict[str, Any]

# U+000B is Docs' soft line break (Shift+Enter); a bare "\n" inside a run means the same.
_BREAK = re.compile("[\u000b\n]")


def text_run(text: str, run: Json) -> list[Inline]:
    """A run's text, split at soft breaks, with Google's invisible markers taken out."""
    style = run.get("textStyle") or {}
    shown, link = marks(style), _url(style)
    out: list[Inline] = []
    for index, piece in enumerate(_BREAK.split(text.translate(DROP_MARKERS))):
        if index:
            out.append(LineBreak())
        out.append(Text(piece, shown, link))
    return out


def marks(style: Json) -> frozenset[str]:
    """The marks a ``textStyle`` sets."""
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


def person(chip: Json) -> list[Inline]:
    """A person chip: the name (or address) shown, linked to mail."""
    props = chip.get("personProperties") or {}
    email = props.get("email")
    shown = props.get("name") or email
    if not shown:
        return []
    link = f"mailto:{email}" if email else None
    return [Text(shown, marks(chip.get("textStyle") or {}) - {UNDERLINE}, link)]


def rich_link(chip: Json) -> list[Inline]:
    """A rich link chip: its title, linked to its address."""
    props = chip.get("richLinkProperties") or {}
    uri = props.get("uri")
    label = props.get("title") or uri
    return [Text(label, marks(chip.get("textStyle") or {}) - {UNDERLINE}, uri)] if label else []


def date_chip(chip: Json) -> list[Inline]:
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
