"""Reading meeting dates the way people type them in headings."""

from __future__ import annotations

import datetime as dt
import re

_NAMED_FORMATS = (
    "%Y-%m-%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%a, %b %d, %Y",
    "%A, %B %d, %Y",
    "%a, %B %d, %Y",
    "%A, %b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
)
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_TRIM = " \t\u00a0:.-–—"  # a heading like "2023-12-20:" still reads as a date


def read_date(text: str, *, day_first: bool = False) -> dt.date | None:
    """The date a heading's whole text names, or None when it is anything more than a date.

    Numeric dates are month first (``12/20/2023``) unless ``day_first``.
    """
    cleaned = " ".join(text.split()).strip(_TRIM)
    if len(cleaned) > 40 or not any(char.isdigit() for char in cleaned):
        return None
    numeric = _NUMERIC.fullmatch(cleaned)
    if numeric:
        first, second, year = (int(part) for part in numeric.groups())
        month, day = (second, first) if day_first else (first, second)
        return _safe_date(year, month, day)
    cleaned = cleaned.replace("Sept ", "Sep ")
    for fmt in _NAMED_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
