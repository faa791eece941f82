"""Readers of single configuration values: each turns a TOML value into what it means, or
records one problem that names the key and says what it must be."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncer.files import MB

QUIET_MINUTES_MAX = 7 * 24 * 60
MAX_FILE_MB_LIMIT = 10_000
MAX_IMAGE_MB = 10  # an image larger is left out of the page, and the plan says so
# Characters Confluence does not allow in a label name.
_LABEL_FORBIDDEN = set(":;,.?&[]()#^*@!'`<>\"/\\|")
_DOC_ID = r"[A-Za-z0-9_-]{20,}"
_BARE_DOC_ID = re.compile(rf"^{_DOC_ID}$")
_DOC_URL = re.compile(rf"^https://docs\.google\.com/document(?:/u/\d+)?/d/({_DOC_ID})(?:[/?#].*)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class At:
    """Where a value is read: the key's label for messages, the folder relative paths are
    relative to, and the problems found so far (every one is reported at once)."""

    label: str
    base: Path
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.label} {text}")


def raw(value: Any, at: At) -> Any:
    """A value checked where it is used with others (``[target] deployment``)."""
    return value


def text(value: Any, at: At) -> str | None:
    if isinstance(value, str):
        return value
    at.problem("must be a string")
    return None


def path(value: Any, at: At) -> Path | None:
    if not isinstance(value, str) or not value.strip():
        at.problem("must be a non-empty path")
        return None
    return at.base / Path(value).expanduser()


def boolean(value: Any, at: At) -> bool | None:
    if isinstance(value, bool):
        return value
    at.problem("must be true or false")
    return None


def seconds(value: Any, at: At) -> float | None:
    """Seconds one request may take, its whole answer included."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        at.problem("must be a number of seconds above 0 and at most 3600")
        return None
    return float(value)


def megabytes(value: Any, at: At, default: int = 100) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = -1
    if not 0 < value <= MAX_FILE_MB_LIMIT:
        at.problem(
            f"must be a number of megabytes above 0 and at most {MAX_FILE_MB_LIMIT}"
            f" (default {default})"
        )
        return None
    return int(value * MB)


def image_megabytes(value: Any, at: At) -> int | None:
    return megabytes(value, at, default=MAX_IMAGE_MB)


def quiet_minutes(value: Any, at: At) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        at.problem("must be a whole number of minutes (0 turns it off)")
        return None
    if value > QUIET_MINUTES_MAX:
        at.problem(f"must be at most {QUIET_MINUTES_MAX} (a week), not {value}")
        return None
    return value


def page_id(value: Any, at: At) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        at.problem("must be a page id (digits)")
        return None
    return str(value)


def document_id(value: Any, at: At) -> str | None:
    """The doc's ID, from the ID itself or the URL copied from the browser."""
    found = value.strip() if isinstance(value, str) else ""
    if _BARE_DOC_ID.match(found):
        return found
    match = _DOC_URL.match(found)
    if match:
        return match.group(1)
    at.problem(
        f"must be a Google Doc ID or a https://docs.google.com/document/d/… URL, not {value!r}"
    )
    return None


def email(value: Any, at: At) -> str | None:
    if isinstance(value, str) and _EMAIL.match(value.strip()):
        return value.strip()
    at.problem(f"must be the e-mail address of the user to act as, not {value!r}")
    return None


def date_order(value: Any, at: At) -> bool | None:
    """Whether 01/02/2023 is 1 February (``dmy``) rather than 2 January (``mdy``)."""
    if value in ("mdy", "dmy"):
        return bool(value == "dmy")
    at.problem('must be "mdy" or "dmy"')
    return None


def action_items(value: Any, at: At) -> bool | None:
    """Whether plain bullets that read as action items become tasks too (``detect``), or
    only the doc's checklists (``checklists``)."""
    if value in ("checklists", "detect"):
        return bool(value == "detect")
    at.problem('must be "checklists" or "detect"')
    return None


def prefixes(value: Any, at: At) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        at.problem('must be a list of prefixes, e.g. ["AI:", "TODO", "[action]"]')
        return None
    return tuple(dict.fromkeys(p.strip() for p in value))


def timezone(value: Any, at: At) -> ZoneInfo | None:
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    at.problem(f"must be an IANA name such as America/New_York, not {value!r}")
    return None


def date(value: Any, at: At) -> dt.date | None:
    """A TOML date (2024-01-31) or the same written as a string; anything else is a problem,
    never ignored (a window silently dropped would publish meetings outside it)."""
    if isinstance(value, dt.datetime):
        at.problem(f"must be a date without a time, e.g. {value.date().isoformat()}")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    at.problem(f'must be a date written YYYY-MM-DD, e.g. "2024-01-31", not {value!r}')
    return None


def words(value: Any, at: At) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        at.problem("must be a list of words")
        return None
    return tuple(w.strip().lower() for w in value)


def labels(value: Any, at: At) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(label, str) for label in value):
        at.problem('must be a list of label names, e.g. ["arch-hours"]')
        return None
    for label in value:
        bad = sorted({c for c in label if c.isspace() or c in _LABEL_FORBIDDEN})
        if not label or len(label) > 255 or bad:
            shown = ", ".join(repr(c) for c in bad) or "its length"
            at.problems.append(f"{at.label}: {label!r} is not a Confluence label ({shown})")
        elif label != label.lower():
            at.problems.append(
                f"{at.label}: Confluence keeps labels lower case: write {label.lower()!r}"
            )
    return tuple(dict.fromkeys(value))
