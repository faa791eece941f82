"""Reading meeting dates the way people type them in headings, and saying why text that looks
like a date is not read as one (so that a meeting is never silently filed under another)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {
    name: number
    for number, full in enumerate((m.lower() for m in _MONTH_NAMES), start=1)
    for name in (full, full[:3])
} | {"sept": 9}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAY}\.?,?\s+")
_TRAILING_WEEKDAY = re.compile(rf"(?:\s*\(\s*{_WEEKDAY}\.?\s*\)|,?\s+{_WEEKDAY}\.?)$")
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_SEPARATORS = re.compile(r"[\s,./-]+")
_TRIM = " \t\u00a0:.-–—"  # a heading like "2023-12-20:" still reads as a date
_LONGEST = 40


@dataclass(frozen=True)
class DateReading:
    """What a heading's text says: a date, or why it is not one though it looks like one
    (``problem``); both None for text that is no date at all."""

    date: dt.date | None = None
    problem: str | None = None


def read_date(text: str, *, day_first: bool = False) -> dt.date | None:
    """The date a heading's whole text names, or None when it is anything more than a date.

    Numeric dates are month first (``12/20/2023``) unless ``day_first``; with dots
    (``27.12.2023``) they are day first, as everyone who writes dots writes them.
    """
    return reading(text, day_first=day_first).date


def reading(text: str, *, day_first: bool = False) -> DateReading:
    """The date ``text`` is, or why text shaped like a date is not read as one."""
    cleaned = _clean(text)
    if len(cleaned) > _LONGEST or not any(char.isdigit() for char in cleaned):
        return DateReading()
    if numeric := _YEAR_FIRST.fullmatch(cleaned):
        year, _, month, day = numeric.groups()
        return _checked(int(year), int(month), int(day))
    if numeric := _NUMERIC.fullmatch(cleaned):
        return _numeric(*numeric.groups(), day_first=day_first)
    return _named(cleaned)


def starts_with_date(text: str, *, day_first: bool = False) -> dt.date | None:
    """The date a heading begins with when more words follow it (``2023-12-20 retro``)."""
    words = text.split()
    for count in range(1, min(len(words), 6)):
        date = read_date(" ".join(words[:count]), day_first=day_first)
        if date is not None:
            return date
    return None


def _clean(text: str) -> str:
    """Lower case, one space between words, no weekday name, no ``th`` after a day."""
    cleaned = " ".join(text.split()).strip(_TRIM).lower()
    cleaned = _LEADING_WEEKDAY.sub("", cleaned)
    cleaned = _TRAILING_WEEKDAY.sub("", cleaned).strip(_TRIM)
    return _ORDINAL.sub(r"\1", cleaned)


def _numeric(first: str, separator: str, second: str, year: str, *, day_first: bool) -> DateReading:
    """``12/27/2023``, ``27.12.2023``, ``12/27/23``: which number is the day depends on the
    dots, else on ``[meetings] date_order``; a two-digit year is in this century."""
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    dots = separator == "."
    day_is_first = dots or day_first
    month, day = (int(second), int(first)) if day_is_first else (int(first), int(second))
    found = _checked(full_year, month, day)
    if found.date is None and not dots and _checked(full_year, day, month).date is not None:
        order, other = ("day", "mdy") if day_first else ("month", "dmy")
        return DateReading(
            problem=f"not a date with the {order} first, as [meetings] date_order says;"
            f' if the doc writes dates the other way, set date_order = "{other}"'
        )
    return found


def _named(cleaned: str) -> DateReading:
    """A month name, a day and a year in any of the orders people write them."""
    parts = [part for part in _SEPARATORS.split(cleaned) if part]
    months = [part for part in parts if part in _MONTHS]
    numbers = [part for part in parts if part.isdigit()]
    if len(months) != 1 or len(months) + len(numbers) != len(parts) or len(parts) > 3:
        return DateReading()
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(parts) == 2 and days:
        return DateReading(problem="it has no year")
    if len(parts) != 3 or len(years) != 1 or len(days) != 1:
        return DateReading()
    if parts.index(years[0]) == 1:  # "27 2023 Dec": nobody writes the year in the middle
        return DateReading()
    return _checked(int(years[0]), _MONTHS[months[0]], int(days[0]))


def _checked(year: int, month: int, day: int) -> DateReading:
    try:
        return DateReading(dt.date(year, month, day))
    except ValueError:
        pass
    if not 1 <= month <= 12:
        return DateReading(problem=f"there is no month {month}")
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return DateReading(problem=f"there is no year {year}")
    return DateReading(problem=f"{_MONTH_NAMES[month - 1]} {year} has no day {day}")
