"""What Confluence's JSON answers hold, read defensively: a page, its storage body, its state
property, labels, permitted operations; and which meeting a storage parse error points at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from syncer.state import SyncState
from syncer.stores.base import Page
from syncer.stores.confluence.api import ConfluenceApi

PROPERTY = "notes-sync"
_DATE_HEADING = re.compile(r"<h[1-6]>(\d{4}-\d{2}-\d{2})</h[1-6]>")
_ROW = re.compile(r"\[row,col[^\]]*\]:\s*\[(\d+),")


@dataclass(frozen=True)
class PageRef:
    """A Confluence page's handle: its id, and where its state property is (v2: the
    property's id; v1: its key) at which version (0: none yet), so that writing it back is one
    request."""

    id: str
    state_ref: str = ""
    state_version: int = 0


def page_ref(page: Page) -> PageRef:
    """The handle of a page this store read or wrote."""
    if not isinstance(page.handle, PageRef):
        raise TypeError(f"page {page.title!r} was not read from Confluence")
    return page.handle


def id_of(page: Page) -> str:
    return page_ref(page).id


def is_current(data: dict[str, Any], title: str, findings: dict[str, str]) -> bool:
    """A search result that is the current page of exactly this title; a server that
    returns others (another status, a near title) is noted for ``syncer check``."""
    if data.get("title") == title and data.get("status", "current") == "current":
        return True
    findings["search"] = (
        "the title search also returned pages of another title or status (archived,"
        " trashed): they are skipped"
    )
    return False


def page_of(data: dict[str, Any], prop: dict[str, Any] | None, api: ConfluenceApi) -> Page:
    state, ref, version = SyncState(), "", 0
    if prop:
        state = SyncState.from_json(prop.get("value"))
        ref, version = property_ref(prop)
    try:
        title, number, page_id = data["title"], data["version"]["number"], data["id"]
    except (KeyError, TypeError):
        raise api.unexpected("the page's title, version or id") from None
    if not isinstance(title, str) or not isinstance(number, int):
        raise api.unexpected("the page's title and version number")
    return Page(title, storage(data, api), number, state, PageRef(str(page_id), ref, version))


def storage(data: dict[str, Any], api: ConfluenceApi) -> str:
    """The storage body of a v1 or v2 page (both nest it as ``body.storage.value``)."""
    try:
        value = data["body"]["storage"]["value"]
    except (KeyError, TypeError):
        raise api.unexpected("body.storage.value") from None
    if not isinstance(value, str):
        raise api.unexpected("storage body")
    return value


def property_ref(prop: dict[str, Any]) -> tuple[str, int]:
    """Where a stored property is updated (v2: its id; v1: its key) and its version."""
    ref = str(prop.get("id") or prop.get("key") or PROPERTY)
    number = (prop.get("version") or {}).get("number") if isinstance(prop, dict) else None
    return ref, number if isinstance(number, int) and number > 0 else 1


def keyed(results: Any) -> dict[str, Any] | None:
    """Our property among a list of properties."""
    if not isinstance(results, list):
        return None
    return next((p for p in results if isinstance(p, dict) and p.get("key") == PROPERTY), None)


def has_more(embedded: Any) -> bool:
    """Whether v2 left items out of an embedded list (``meta.hasMore``)."""
    meta = embedded.get("meta") if isinstance(embedded, dict) else None
    return isinstance(meta, dict) and meta.get("hasMore") is True


def label_names(labels: Any) -> set[str] | None:
    """The names in a v1 or v2 list of labels, or None when the answer holds no such list."""
    results = labels.get("results") if isinstance(labels, dict) else None
    if not isinstance(results, list):
        return None
    names = (label.get("name") for label in results if isinstance(label, dict))
    return {name for name in names if isinstance(name, str)}


def permitted(operations: Any, operation: str, target: str) -> bool | None:
    """Whether a list of ``{"operation","targetType"}`` grants this one; None if no list."""
    if not isinstance(operations, list):
        return None
    wanted = {"operation": operation, "targetType": target}
    return any(
        isinstance(o, dict) and all(o.get(k) == v for k, v in wanted.items()) for o in operations
    )


def near_meeting(body: str, message: str) -> str:
    """Which meeting a ``[row,col]`` in Confluence's parse error falls in, if any."""
    row = _ROW.search(message)
    if not row:
        return ""
    lines = body.split("\n")[: int(row.group(1))]
    dates = [m.group(1) for line in lines for m in _DATE_HEADING.finditer(line)]
    return f" (in meeting {dates[-1]})" if dates else ""
