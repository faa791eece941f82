"""What the fake Confluence keeps: spaces, pages with their versions, properties and labels,
and the requests it is serving."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


# --- state -----------------------------------------------------------------------------


@dataclass
class Space:
    key: str
    id: str
    homepage_id: str
    name: str


@dataclass
class PageVersion:
    number: int
    message: str = ""
    minorEdit: bool = False  # the API's spelling, as tests read it
    when: str = field(default_factory=lambda: _now())
    body: str | None = None  # the storage body this version saved, when known


@dataclass
class StoredPage:
    """A page as the fake keeps it; ``properties`` maps key → {"id","key","value","version"}
    (``version`` an int); ``labels`` holds label names (prefix ``global``)."""

    id: str
    space_key: str
    title: str
    parent_id: str | None
    body: str
    version: int = 1
    history: list[PageVersion] = field(default_factory=lambda: [PageVersion(1)])
    properties: dict[str, Json] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    status: str = "current"  # or "archived", "trashed"

    def current(self) -> PageVersion:
        """The latest version; ``version`` rules (a test may bump it without a history entry)."""
        last = self.history[-1] if self.history else None
        return last if last and last.number == self.version else PageVersion(self.version)


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    content_type: str | None = None
    trickle: float = 0.0


class _Fail(Exception):
    """Raised by a handler; the dispatcher wraps it in the envelope of the API asked."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class _Request:
    method: str
    path: str  # below the API root, e.g. "/content/123"
    query: dict[str, str]
    raw: bytes
    anonymous: bool = False  # Data Center served it as the anonymous user
    pairs: tuple[tuple[str, str], ...] = ()  # the query as sent, repeated names kept
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def values(self, name: str) -> list[str]:
        """A multi-valued parameter, repeated (``status=a&status=b``) or comma-separated."""
        return [v.strip() for k, raw in self.pairs if k == name for v in raw.split(",") if v]

    def json(self) -> Any:
        try:
            return json.loads(self.raw or b"null")
        except ValueError:
            raise _Fail(400, "Could not parse the request body as JSON") from None

    def object(self) -> Json:
        data = self.json()
        if not isinstance(data, dict):
            raise _Fail(400, "The request body must be a JSON object")
        return data


class _VersionConflict(Exception):
    def __init__(self, current: int, sent: Any) -> None:
        super().__init__(f"current {current}, sent {sent}")
        self.current, self.sent = current, sent


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
