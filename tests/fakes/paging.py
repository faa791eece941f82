"""How Confluence pages its listings, for the fake: v2 by an opaque cursor, v1 by ``start``.

Both put the next page's relative URL in ``_links.next`` (v2 also in a ``Link`` header, as
the v2 description shows: ``</wiki/api/v2/pages?cursor=…>; rel="next"``) and leave it out
on the last page. A server may return fewer items than ``limit`` asks for.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode


class BadPaging(ValueError):
    """A ``limit`` or ``cursor`` the API would refuse with 400."""


def _limit(query: dict[str, str], largest: int) -> int:
    try:
        limit = int(query.get("limit", 25))
    except ValueError:
        raise BadPaging(f"limit must be a number, not {query.get('limit')!r}") from None
    if not 1 <= limit <= 250:
        raise BadPaging(f"limit must be between 1 and 250, not {limit}")
    return min(limit, largest)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("after:"))
    except ValueError:
        raise BadPaging(f"invalid cursor {cursor!r}") from None


def cursor_page(
    items: list[Any], query: dict[str, str], path: str, largest: int
) -> tuple[list[Any], str | None]:
    """One v2 page of ``items`` and the relative URL of the next (None on the last)."""
    start, limit = _offset(query.get("cursor")), _limit(query, largest)
    chunk = items[start : start + limit]
    if start + limit >= len(items):
        return chunk, None
    cursor = base64.urlsafe_b64encode(f"after:{start + limit}".encode()).decode()
    rest = {k: v for k, v in query.items() if k != "cursor"}
    return chunk, f"{path}?{urlencode({**rest, 'cursor': cursor})}"


def start_page(
    items: list[Any], query: dict[str, str], path: str, largest: int
) -> tuple[list[Any], str | None, int, int]:
    """One v1 page: the items, the next page's URL, ``start`` and ``limit``."""
    try:
        start = max(0, int(query.get("start", 0)))
    except ValueError:
        raise BadPaging(f"start must be a number, not {query.get('start')!r}") from None
    limit = _limit(query, largest)
    chunk = items[start : start + limit]
    if start + limit >= len(items):
        return chunk, None, start, limit
    rest = {k: v for k, v in query.items() if k != "start"}
    return chunk, f"{path}?{urlencode({**rest, 'start': start + limit})}", start, limit
