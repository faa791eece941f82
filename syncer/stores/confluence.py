"""Archive pages on Confluence: Cloud through the v2 pages API, Data Center through v1.

Each page is read once with its version, body and sync state (a content property), and
written with ``version.number + 1`` in one PUT; the state property follows in one more call.
A 409 becomes ``VersionConflict``, which the sync answers by re-reading and re-merging.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Sequence
from typing import Any, Self

from syncer.errors import AuthError, PageError
from syncer.stores.base import Page, SyncState
from syncer.stores.confluence_api import ConfluenceApi, NotFound, Rejected

PROPERTY = "notes-sync"
LABELS_LIMIT = 200  # a page with more labels than this may get ours added twice: harmless
_DATE_HEADING = re.compile(r"<h[1-6]>(\d{4}-\d{2}-\d{2})</h[1-6]>")
_ROW = re.compile(r"\[row,col[^\]]*\]:\s*\[(\d+),")


class _ConfluencePages:
    """What Cloud and Data Center share: the state property and error wording."""

    def __init__(
        self,
        api: ConfluenceApi,
        space: str,
        *,
        page_id: str | None = None,
        parent_id: str | None = None,
        minor: bool = False,
        labels: Sequence[str] = (),
    ) -> None:
        self.api, self.space, self.page_id = api, space, page_id
        self.parent_id, self.minor = parent_id, minor
        self.labels = tuple(labels)
        self._labels_seen: dict[str, set[str]] = {}  # page id → labels read with the page

    def minor_edits(self) -> Self:
        clone = copy.copy(self)
        clone.minor = True
        return clone

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        path, payload = self._create_request(title, body)
        created = self._write_body(
            title, body, lambda: self.api.call("POST", path, body=payload, safe_to_repeat=False)
        )
        page = self._with_state(Page(title, body, 1, str(created["id"])), state)
        self._add_labels(page.id, present=())
        return page

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        path, payload = self._update_request(page, body, message)
        self._write_body(page.title, body, lambda: self.api.call("PUT", path, body=payload))
        version = page.version + 1
        written = Page(
            page.title, body, version, page.id, page.state, page.state_ref, page.state_version
        )
        written = self._with_state(written, state)
        self._add_labels(page.id, self._labels_seen.get(page.id))
        return written

    def _add_labels(self, page_id: str, present: Collection[str] | None) -> None:
        """Add the configured labels the page lacks, through v1 (Cloud's v2 API cannot write
        labels); ``present`` None: not read with the page, so read them first."""
        if not self.labels:
            return
        if present is None:
            present = self._read_labels(page_id)
        missing = [label for label in self.labels if label not in present]
        if missing:
            body = [{"prefix": "global", "name": label} for label in missing]
            self.api.call("POST", f"rest/api/content/{page_id}/label", body=body)
        self._labels_seen[page_id] = {*present, *missing}

    def _seen(self, data: dict[str, Any], labels: Any) -> dict[str, Any]:
        """Remember the labels a page was read with, so adding ours needs no extra read."""
        names = _label_names(labels)
        if names is not None:
            self._labels_seen[str(data["id"])] = names
        return data

    def _read_labels(self, page_id: str) -> set[str]:
        path = self._labels_path(page_id)
        return _label_names(self.api.call("GET", path, params={"limit": LABELS_LIMIT})) or set()

    def _labels_path(self, page_id: str) -> str:
        raise NotImplementedError

    def save_state(self, page: Page, state: SyncState) -> Page:
        return self._with_state(page, state)

    def version_body(self, page: Page, version: int) -> str | None:
        try:
            path, params = self._version_request(page, version)
            data = self.api.call("GET", path, params=params)
        except NotFound:  # old versions can be deleted by retention rules
            return None
        return str(data["body"]["storage"]["value"])

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def _create_request(self, title: str, body: str) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def _write_body(self, title: str, body: str, send: Any) -> Any:
        """Send a page body; a storage parse error names the meeting it points at."""
        try:
            return send()
        except Rejected as error:
            if "xhtml" not in str(error).lower():
                raise
            raise PageError(
                f"Confluence could not parse the new body of '{title}'"
                f"{_near_meeting(body, str(error))}: {error}"
            ) from None

    def _with_state(self, page: Page, state: SyncState) -> Page:
        ref, version = self._save_state(page, state)
        return Page(page.title, page.body, page.version, page.id, state, ref, version)

    def _save_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        raise NotImplementedError

    # --- read-only probes for ``syncer check`` ---------------------------------------------

    def current_user(self) -> str:
        """Whom the credentials log in as: v1 ``user/current`` exists on Cloud and Data Center."""
        user = self.api.call("GET", "rest/api/user/current") or {}
        if user.get("type") == "anonymous":
            raise AuthError(
                f"Confluence at {self.api.url} took the request as anonymous:"
                f" check {self.api.credentials.variables}"
            )
        name = user.get("displayName") or user.get("publicName") or user.get("username")
        return str(name or "an account without a name")

    def new_page_parent(self) -> tuple[str, str] | None:
        """(id, title) of the page new year pages go under; None: the space's top level."""
        parent = self._new_parent_id()
        if parent is None:
            return None
        try:
            return parent, self._title_of(parent)
        except NotFound:
            origin = "[target] parent_id" if self.parent_id else "the space's home page"
            raise PageError(f"{origin} {parent}: no such page") from None

    def may_update(self, page: Page) -> bool | None:
        """Whether the account may edit ``page``; None when Confluence does not say."""
        raise NotImplementedError

    def may_create(self) -> bool | None:
        """Whether the account may add pages to the space; None when Confluence does not say."""
        raise NotImplementedError

    def _new_parent_id(self) -> str | None:
        raise NotImplementedError

    def _title_of(self, page_id: str) -> str:
        raise NotImplementedError


class DataCenterPages(_ConfluencePages):
    """Confluence Data Center / Server, REST v1 (``/rest/api/content``)."""

    _EXPAND = f"body.storage,version,metadata.properties.{PROPERTY},metadata.labels"

    def find(self, title: str) -> Page | None:
        if self.page_id:
            return self._read_page(self._get(f"rest/api/content/{self.page_id}"))
        params = {"spaceKey": self.space, "title": title, "type": "page", "expand": self._EXPAND}
        results = self.api.call("GET", "rest/api/content", params=params)["results"]
        return self._read_page(results[0]) if results else None

    def _read_page(self, data: dict[str, Any]) -> Page:
        return _v1_page(self._seen(data, (data.get("metadata") or {}).get("labels")))

    def _labels_path(self, page_id: str) -> str:
        return f"rest/api/content/{page_id}/label"

    def _create_request(self, title: str, body: str) -> tuple[str, dict[str, Any]]:
        parent = self._new_parent_id()
        return "rest/api/content", {
            "type": "page",
            "title": title,
            "space": {"key": self.space},
            "ancestors": [{"id": parent}] if parent else [],
            "body": {"storage": {"value": body, "representation": "storage"}},
        }

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        params = {"status": "historical", "version": version, "expand": "body.storage"}
        return f"rest/api/content/{page.id}", params

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        return f"rest/api/content/{page.id}", {
            "id": page.id,
            "type": "page",
            "title": page.title,
            "version": {"number": page.version + 1, "message": message, "minorEdit": self.minor},
            "body": {"storage": {"value": body, "representation": "storage"}},
        }

    def _save_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        path = f"rest/api/content/{page.id}/property"
        value = {"key": PROPERTY, "value": state.to_json()}
        if page.state_version:
            number = page.state_version + 1
            update = {**value, "version": {"number": number}}
            self.api.call("PUT", f"{path}/{PROPERTY}", body=update)
            return PROPERTY, number
        self.api.call("POST", path, body=value, safe_to_repeat=False)
        return PROPERTY, 1

    def space_name(self) -> str:
        try:
            space = self.api.call("GET", f"rest/api/space/{self.space}")
        except NotFound:
            raise PageError(f"[target] space {self.space}: no such space, or no access") from None
        return str(space.get("name") or self.space)

    def may_update(self, page: Page) -> bool | None:
        path = f"rest/api/content/{page.id}"
        data = self.api.call("GET", path, params={"expand": "operations"})
        return _permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        """Asks for the space's ``operations``; whether Data Center expands them is not
        documented, and an expansion it does not know is left out, which reads as None."""
        path = f"rest/api/space/{self.space}"
        data = self.api.call("GET", path, params={"expand": "operations"})
        return _permitted(data.get("operations"), "create", "page")

    def _new_parent_id(self) -> str | None:
        return self.parent_id or self._homepage()

    def _title_of(self, page_id: str) -> str:
        return str(self.api.call("GET", f"rest/api/content/{page_id}")["title"])

    def _get(self, path: str) -> dict[str, Any]:
        try:
            page: dict[str, Any] = self.api.call("GET", path, params={"expand": self._EXPAND})
        except NotFound:
            raise PageError(f"[target] page_id {self.page_id}: no such page") from None
        return page

    def _homepage(self) -> str | None:
        space = self.api.call("GET", f"rest/api/space/{self.space}", params={"expand": "homepage"})
        return str(space["homepage"]["id"]) if space.get("homepage") else None


class CloudPages(_ConfluencePages):
    """Confluence Cloud, REST v2 (``/api/v2/pages``); v1 content endpoints are retiring."""

    _space: dict[str, Any] | None = None

    def find(self, title: str) -> Page | None:
        if self.page_id:
            params = {
                "body-format": "storage",
                "include-properties": "true",
                "include-labels": "true",
            }
            try:
                data = self.api.call("GET", f"api/v2/pages/{self.page_id}", params=params)
            except NotFound:
                raise PageError(f"[target] page_id {self.page_id}: no such page") from None
            return _v2_page(self._seen(data, data.get("labels")), _embedded_property(data))
        params = {"space-id": self.space_info()["id"], "title": title, "body-format": "storage"}
        results = self.api.call("GET", "api/v2/pages", params=params)["results"]
        if not results:
            return None
        return _v2_page(results[0], self._property(str(results[0]["id"])))

    def _create_request(self, title: str, body: str) -> tuple[str, dict[str, Any]]:
        space = self.space_info()
        return "api/v2/pages", {
            "spaceId": space["id"],
            "status": "current",
            "title": title,
            "parentId": self._new_parent_id(),
            "body": {"representation": "storage", "value": body},
        }

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        return f"api/v2/pages/{page.id}", {"version": version, "body-format": "storage"}

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        return f"api/v2/pages/{page.id}", {
            "id": page.id,
            "status": "current",
            "title": page.title,
            "body": {"representation": "storage", "value": body},
            # v2 documents only number and message; minorEdit is sent, and may be ignored.
            "version": {"number": page.version + 1, "message": message, "minorEdit": self.minor},
        }

    def space_name(self) -> str:
        return str(self.space_info().get("name") or self.space)

    def may_update(self, page: Page) -> bool | None:
        data = self.api.call("GET", f"api/v2/pages/{page.id}/operations")
        return _permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        data = self.api.call("GET", f"api/v2/spaces/{self.space_info()['id']}/operations")
        return _permitted(data.get("operations"), "create", "page")

    def _new_parent_id(self) -> str | None:
        parent = self.parent_id or self.space_info().get("homepageId")
        return str(parent) if parent else None

    def _title_of(self, page_id: str) -> str:
        return str(self.api.call("GET", f"api/v2/pages/{page_id}")["title"])

    def space_info(self) -> dict[str, Any]:
        """The space's id and home page; looked up once per run."""
        if self._space is None:
            found = self.api.call("GET", "api/v2/spaces", params={"keys": self.space})["results"]
            if not found:
                raise PageError(f"[target] space {self.space}: no such space, or no access")
            self._space = found[0]
        return self._space

    def _labels_path(self, page_id: str) -> str:
        return f"api/v2/pages/{page_id}/labels"

    def _property(self, page_id: str) -> dict[str, Any] | None:
        path = f"api/v2/pages/{page_id}/properties"
        results = self.api.call("GET", path, params={"key": PROPERTY})["results"]
        return results[0] if results else None

    def _save_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        path = f"api/v2/pages/{page.id}/properties"
        value = {"key": PROPERTY, "value": state.to_json()}
        if page.state_version:
            number = page.state_version + 1
            body = {**value, "version": {"number": number}}
            self.api.call("PUT", f"{path}/{page.state_ref}", body=body)
            return page.state_ref, number
        created = self.api.call("POST", path, body=value, safe_to_repeat=False)
        return str(created["id"]), 1


def _v1_page(data: dict[str, Any]) -> Page:
    prop = ((data.get("metadata") or {}).get("properties") or {}).get(PROPERTY)
    return _page(data, data["body"]["storage"]["value"], prop)


def _v2_page(data: dict[str, Any], prop: dict[str, Any] | None) -> Page:
    return _page(data, data["body"]["storage"]["value"], prop)


def _page(data: dict[str, Any], body: str, prop: dict[str, Any] | None) -> Page:
    state, ref, version = SyncState(), "", 0
    if prop:
        state = SyncState.from_json(prop.get("value"))
        ref = str(prop.get("id") or prop.get("key") or PROPERTY)
        version = int((prop.get("version") or {}).get("number") or 1)
    return Page(
        data["title"], body, data["version"]["number"], str(data["id"]), state, ref, version
    )


def _label_names(labels: Any) -> set[str] | None:
    """The names in a v1 or v2 list of labels, or None when the answer holds no such list."""
    results = labels.get("results") if isinstance(labels, dict) else None
    if not isinstance(results, list):
        return None
    names = (label.get("name") for label in results if isinstance(label, dict))
    return {name for name in names if isinstance(name, str)}


def _permitted(operations: Any, operation: str, target: str) -> bool | None:
    """Whether a list of ``{"operation","targetType"}`` grants this one; None if no list."""
    if not isinstance(operations, list):
        return None
    wanted = {"operation": operation, "targetType": target}
    return any(
        isinstance(o, dict) and all(o.get(k) == v for k, v in wanted.items()) for o in operations
    )


def _embedded_property(data: dict[str, Any]) -> dict[str, Any] | None:
    results = (data.get("properties") or {}).get("results") or []
    return next((p for p in results if p.get("key") == PROPERTY), None)


def _near_meeting(body: str, message: str) -> str:
    """Which meeting a ``[row,col]`` in Confluence's parse error falls in, if any."""
    row = _ROW.search(message)
    if not row:
        return ""
    lines = body.split("\n")[: int(row.group(1))]
    dates = [m.group(1) for line in lines for m in _DATE_HEADING.finditer(line)]
    return f" (in meeting {dates[-1]})" if dates else ""
