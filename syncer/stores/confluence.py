"""Archive pages on Confluence: Cloud through the v2 pages API, Data Center through v1.

Each page is read once with its version, body and sync state (a content property), and
written with ``version.number + 1`` in one PUT; the state property follows in one more call.
A 409 (or a v2 400 naming the version) becomes ``VersionConflict``, which the sync answers by
re-reading and re-merging.

Where Atlassian's descriptions leave an answer open, both answers work (see
``../shared/reference/api-facts.md``): the state property is read on its own when the page
came without it (Data Center may not expand ``metadata.properties.<key>``; v2 embeds at
most 50 properties), an "already exists" on creating it means read it and update it, and a
title search checks every result's title and status itself. What the server did is kept in
``findings`` for ``syncer check``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, Self, TypeVar

from syncer.errors import AuthError, PageError
from syncer.stores.base import Page, SyncState
from syncer.stores.confluence_api import ConfluenceApi, NotFound, Rejected

T = TypeVar("T")
PROPERTY = "notes-sync"
LABELS_LIMIT = 200  # labels asked for per page of the listing (both APIs allow 200)
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
        self.findings: dict[str, str] = {}  # open question → what this server answered

    def minor_edits(self) -> Self:
        clone = copy.copy(self)
        clone.minor = True
        return clone

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        path, payload = self._create_request(title, body)
        created = self._write_body(
            title, body, lambda: self.api.object("POST", path, body=payload, safe_to_repeat=False)
        )
        if not created.get("id"):
            raise self.api.unexpected("the new page's id")
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
        listing = self.api.results(self._labels_path(page_id), {"limit": LABELS_LIMIT})
        return _label_names({"results": list(listing)}) or set()

    def _labels_path(self, page_id: str) -> str:
        raise NotImplementedError

    def save_state(self, page: Page, state: SyncState) -> Page:
        return self._with_state(page, state)

    def version_body(self, page: Page, version: int) -> str | None:
        try:
            path, params = self._version_request(page, version)
            data = self.api.object("GET", path, params=params)
        except NotFound:  # old versions can be deleted by retention rules
            return None
        return _storage(data, self.api)

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
        """Update the property we read, or create it; a create that finds it already there
        (it was not among what we read) reads it and updates that."""
        if page.state_version:
            return self._update_state(page, state, page.state_ref, page.state_version)
        try:
            return self._create_state(page, state)
        except Rejected as error:
            if "exist" not in str(error).lower():
                raise
        prop = self._read_property(page.id)
        if prop is None:
            raise PageError(
                f"Confluence says the {PROPERTY} property of '{page.title}' exists, but it"
                " cannot be read back; try again, or delete it on the page"
            )
        self.findings["state"] = (
            f"the {PROPERTY} property existed though it was not read with the page:"
            " read it and updated it"
        )
        ref, version = _property_ref(prop)
        return self._update_state(page, state, ref, version)

    def _update_state(
        self, page: Page, state: SyncState, ref: str, version: int
    ) -> tuple[str, int]:
        raise NotImplementedError

    def _create_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        raise NotImplementedError

    def _read_property(self, page_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def describe(self) -> list[str]:
        """What this server answered on the questions Atlassian's descriptions leave open."""
        return list(self.findings.values())

    # --- read-only probes for ``syncer check`` ---------------------------------------------

    def current_user(self) -> str:
        """Whom the credentials log in as: v1 ``user/current`` exists on Cloud and Data Center."""
        user = self.api.object("GET", "rest/api/user/current")
        if user.get("type") == "anonymous":
            raise AuthError(
                f"Confluence at {self.api.url} took the request as anonymous: check"
                f" {self.api.credentials.variables} (Data Center serves a wrong or expired"
                " personal access token as the anonymous user when anonymous access is on)"
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
    _signed_in = False  # user/current said the credentials are a known user
    _expands_state = False  # this run saw the property come expanded with a page

    def find(self, title: str) -> Page | None:
        if self.page_id:
            return self._read_page(self._get(f"rest/api/content/{self.page_id}"))
        params = {
            "spaceKey": self.space,
            "title": title,
            "type": "page",
            "status": "current",  # Data Center 9 may otherwise return any status
            "expand": self._EXPAND,
        }
        for data in self.api.results("rest/api/content", params):
            if _is_current(data, title, self.findings):
                return self._read_page(data)
        self._not_anonymous()  # an anonymous reader finds nothing: never create on that
        return None

    def _read_page(self, data: dict[str, Any]) -> Page:
        self._seen(data, (data.get("metadata") or {}).get("labels"))
        properties = (data.get("metadata") or {}).get("properties")
        prop = properties.get(PROPERTY) if isinstance(properties, dict) else None
        if prop is not None:
            self._expands_state = True
            self.findings["state"] = (
                f"the sync state comes with the page (metadata.properties.{PROPERTY} expanded)"
            )
        elif not self._expands_state:
            prop = self._read_property(str(data.get("id")))
            if prop is not None:
                self.findings["state"] = (
                    f"this Data Center leaves metadata.properties.{PROPERTY} out of the page:"
                    " the sync state is read on its own (one more request per page)"
                )
        return _page(data, prop, self.api)

    def _read_property(self, page_id: str) -> dict[str, Any] | None:
        try:
            return self.api.object("GET", f"rest/api/content/{page_id}/property/{PROPERTY}")
        except NotFound:
            return None

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

    def _update_state(
        self, page: Page, state: SyncState, ref: str, version: int
    ) -> tuple[str, int]:
        update = {"key": PROPERTY, "value": state.to_json(), "version": {"number": version + 1}}
        self.api.call("PUT", f"rest/api/content/{page.id}/property/{PROPERTY}", body=update)
        return PROPERTY, version + 1

    def _create_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        value = {"key": PROPERTY, "value": state.to_json()}
        path = f"rest/api/content/{page.id}/property"
        self.api.call("POST", path, body=value, safe_to_repeat=False)
        return PROPERTY, 1

    def space_name(self) -> str:
        try:
            space = self.api.object("GET", f"rest/api/space/{self.space}")
        except NotFound:
            self._not_anonymous()
            raise PageError(f"[target] space {self.space}: no such space, or no access") from None
        return str(space.get("name") or self.space)

    def may_update(self, page: Page) -> bool | None:
        path = f"rest/api/content/{page.id}"
        data = self.api.object("GET", path, params={"expand": "operations"})
        return _permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        """Asks for the space's ``operations``; whether Data Center expands them is not
        documented, and an expansion it does not know is left out, which reads as None."""
        path = f"rest/api/space/{self.space}"
        data = self.api.object("GET", path, params={"expand": "operations"})
        return _permitted(data.get("operations"), "create", "page")

    def _new_parent_id(self) -> str | None:
        return self.parent_id or self._homepage()

    def _title_of(self, page_id: str) -> str:
        data = self.api.object("GET", f"rest/api/content/{page_id}")
        if not isinstance(data.get("title"), str):
            raise self.api.unexpected("the page's title")
        return str(data["title"])

    def _get(self, path: str) -> dict[str, Any]:
        try:
            return self.api.object("GET", path, params={"expand": self._EXPAND})
        except NotFound:
            self._not_anonymous()
            raise PageError(f"[target] page_id {self.page_id}: no such page") from None

    def _homepage(self) -> str | None:
        path = f"rest/api/space/{self.space}"
        space = self.api.object("GET", path, params={"expand": "homepage"})
        home = space.get("homepage")
        return str(home["id"]) if isinstance(home, dict) and home.get("id") else None

    def _not_anonymous(self) -> None:
        """Before "not found" is believed: is it the anonymous user who did not find it?"""
        if not self._signed_in:
            self.current_user()
            self._signed_in = True


class CloudPages(_ConfluencePages):
    """Confluence Cloud, REST v2 (``/api/v2/pages``): Atlassian removed the v1 content
    endpoints, so v1 is used only where v2 has no endpoint (adding labels, who am I)."""

    _space: dict[str, Any] | None = None

    def find(self, title: str) -> Page | None:
        if self.page_id:
            return self._find_by_id(self.page_id)
        params = {
            "space-id": self.space_info()["id"],
            "title": title,
            "status": "current",  # v2's default is current and archived pages
            "body-format": "storage",
        }
        for data in self.api.results("api/v2/pages", params):
            if _is_current(data, title, self.findings):
                return _page(data, self._read_property(str(data["id"])), self.api)
        return None

    def _find_by_id(self, page_id: str) -> Page:
        """The page with its body, properties and labels in one request; v2 embeds at
        most 50 of each, so what is not among them is read on its own."""
        params = {"body-format": "storage", "include-properties": "true", "include-labels": "true"}
        try:
            data = self.api.object("GET", f"api/v2/pages/{page_id}", params=params)
        except NotFound:
            raise PageError(f"[target] page_id {page_id}: no such page") from None
        embedded = data.get("properties")
        prop = _keyed(embedded.get("results")) if isinstance(embedded, dict) else None
        if prop is None and _has_more(embedded):
            prop = self._read_property(page_id)
            self.findings["embedded"] = (
                "the page has more than the 50 properties v2 embeds: the sync state is read"
                " on its own"
            )
        if not _has_more(data.get("labels")):
            self._seen(data, data.get("labels"))
        return _page(data, prop, self.api)

    def _create_request(self, title: str, body: str) -> tuple[str, dict[str, Any]]:
        space = self.space_info()
        parent = self._new_parent_id()
        return "api/v2/pages", {
            "spaceId": space["id"],
            "status": "current",
            "title": title,
            **({"parentId": parent} if parent else {}),
            "body": {"representation": "storage", "value": body},
        }

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        return self._permitted(
            lambda: super(CloudPages, self).create(title, body, state, message),
            f"add pages to space {self.space}",
        )

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        return self._permitted(
            lambda: super(CloudPages, self).update(page, body, state, message),
            f"edit '{page.title}'",
        )

    def save_state(self, page: Page, state: SyncState) -> Page:
        return self._permitted(
            lambda: super(CloudPages, self).save_state(page, state), f"edit '{page.title}'"
        )

    def _permitted(self, write: Callable[[], T], doing: str) -> T:
        """v2 answers a write the account may not make with 404 (it documents no 403)."""
        try:
            return write()
        except NotFound:
            raise AuthError(
                f"Confluence Cloud answered {self.api.last_request}: the account in"
                f" {self.api.credentials.variables} may not {doing} (v2 says 404, not 403,"
                f" to a write it does not permit); give it the space permission Add Page in"
                f" {self.space} and lift any edit restriction on the page"
            ) from None

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        return f"api/v2/pages/{page.id}", {"version": version, "body-format": "storage"}

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        # v2 documents only number and message: it has no minor edit (see ``describe``).
        return f"api/v2/pages/{page.id}", {
            "id": page.id,
            "status": "current",
            "title": page.title,
            "body": {"representation": "storage", "value": body},
            "version": {"number": page.version + 1, "message": message},
        }

    def describe(self) -> list[str]:
        told = ["v2 has no minor edit: watchers are notified of every page a sync writes"]
        if self.api.cloud_id:
            told.append(f"through the api.atlassian.com gateway, cloud id {self.api.cloud_id}")
        return [*told, *super().describe()]

    def space_name(self) -> str:
        return str(self.space_info().get("name") or self.space)

    def may_update(self, page: Page) -> bool | None:
        data = self.api.object("GET", f"api/v2/pages/{page.id}/operations")
        return _permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        data = self.api.object("GET", f"api/v2/spaces/{self.space_info()['id']}/operations")
        return _permitted(data.get("operations"), "create", "page")

    def _new_parent_id(self) -> str | None:
        parent = self.parent_id or self.space_info().get("homepageId")
        return str(parent) if parent else None

    def _title_of(self, page_id: str) -> str:
        data = self.api.object("GET", f"api/v2/pages/{page_id}")
        if not isinstance(data.get("title"), str):
            raise self.api.unexpected("the page's title")
        return str(data["title"])

    def space_info(self) -> dict[str, Any]:
        """The space's id and home page; looked up once per run."""
        if self._space is None:
            found = next(
                (
                    space
                    for space in self.api.results("api/v2/spaces", {"keys": self.space})
                    if space.get("key", self.space) == self.space
                ),
                None,
            )
            if found is None:
                raise PageError(f"[target] space {self.space}: no such space, or no access")
            if not found.get("id"):
                raise self.api.unexpected("the space's id")
            self._space = found
        return self._space

    def _labels_path(self, page_id: str) -> str:
        return f"api/v2/pages/{page_id}/labels"

    def _read_property(self, page_id: str) -> dict[str, Any] | None:
        path = f"api/v2/pages/{page_id}/properties"
        return _keyed(list(self.api.results(path, {"key": PROPERTY})))

    def _update_state(
        self, page: Page, state: SyncState, ref: str, version: int
    ) -> tuple[str, int]:
        body = {"key": PROPERTY, "value": state.to_json(), "version": {"number": version + 1}}
        self.api.call("PUT", f"api/v2/pages/{page.id}/properties/{ref}", body=body)
        return ref, version + 1

    def _create_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        path = f"api/v2/pages/{page.id}/properties"
        value = {"key": PROPERTY, "value": state.to_json()}
        created = self.api.object("POST", path, body=value, safe_to_repeat=False)
        if not created.get("id"):
            raise self.api.unexpected("the new property's id")
        return str(created["id"]), 1


def _is_current(data: dict[str, Any], title: str, findings: dict[str, str]) -> bool:
    """A search result that is the current page of exactly this title; a server that
    returns others (another status, a near title) is noted for ``syncer check``."""
    if data.get("title") == title and data.get("status", "current") == "current":
        return True
    findings["search"] = (
        "the title search also returned pages of another title or status (archived,"
        " trashed): they are skipped"
    )
    return False


def _page(data: dict[str, Any], prop: dict[str, Any] | None, api: ConfluenceApi) -> Page:
    state, ref, version = SyncState(), "", 0
    if prop:
        state = SyncState.from_json(prop.get("value"))
        ref, version = _property_ref(prop)
    try:
        title, number, page_id = data["title"], data["version"]["number"], data["id"]
    except (KeyError, TypeError):
        raise api.unexpected("the page's title, version or id") from None
    if not isinstance(title, str) or not isinstance(number, int):
        raise api.unexpected("the page's title and version number")
    return Page(title, _storage(data, api), number, str(page_id), state, ref, version)


def _storage(data: dict[str, Any], api: ConfluenceApi) -> str:
    """The storage body of a v1 or v2 page (both nest it as ``body.storage.value``)."""
    try:
        value = data["body"]["storage"]["value"]
    except (KeyError, TypeError):
        raise api.unexpected("body.storage.value") from None
    if not isinstance(value, str):
        raise api.unexpected("storage body")
    return value


def _property_ref(prop: dict[str, Any]) -> tuple[str, int]:
    """Where a stored property is updated (v2: its id; v1: its key) and its version."""
    ref = str(prop.get("id") or prop.get("key") or PROPERTY)
    number = (prop.get("version") or {}).get("number") if isinstance(prop, dict) else None
    return ref, number if isinstance(number, int) and number > 0 else 1


def _keyed(results: Any) -> dict[str, Any] | None:
    """Our property among a list of properties."""
    if not isinstance(results, list):
        return None
    return next((p for p in results if isinstance(p, dict) and p.get("key") == PROPERTY), None)


def _has_more(embedded: Any) -> bool:
    """Whether v2 left items out of an embedded list (``meta.hasMore``)."""
    meta = embedded.get("meta") if isinstance(embedded, dict) else None
    return isinstance(meta, dict) and meta.get("hasMore") is True


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


def _near_meeting(body: str, message: str) -> str:
    """Which meeting a ``[row,col]`` in Confluence's parse error falls in, if any."""
    row = _ROW.search(message)
    if not row:
        return ""
    lines = body.split("\n")[: int(row.group(1))]
    dates = [m.group(1) for line in lines for m in _DATE_HEADING.finditer(line)]
    return f" (in meeting {dates[-1]})" if dates else ""
