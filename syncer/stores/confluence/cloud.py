"""Confluence Cloud through REST v2 (and v1 only where v2 has no endpoint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from syncer.errors import AuthError, PageError
from syncer.state import SyncState
from syncer.stores.base import Page
from syncer.stores.confluence.api import NotFound
from syncer.stores.confluence.data import (
    PROPERTY,
    has_more,
    id_of,
    is_current,
    keyed,
    page_of,
    permitted,
)
from syncer.stores.confluence.pages import ConfluencePages

T = TypeVar("T")


class CloudPages(ConfluencePages):
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
            if is_current(data, title, self.findings):
                return page_of(data, self._read_property(str(data["id"])), self.api)
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
        prop = keyed(embedded.get("results")) if isinstance(embedded, dict) else None
        if prop is None and has_more(embedded):
            prop = self._read_property(page_id)
            self.findings["embedded"] = (
                "the page has more than the 50 properties v2 embeds: the sync state is read"
                " on its own"
            )
        if not has_more(data.get("labels")):
            self._seen(data, data.get("labels"))
        return page_of(data, prop, self.api)

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
        return self.permitted(
            lambda: super(CloudPages, self).create(title, body, state, message),
            f"add pages to space {self.space}",
        )

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        return self.permitted(
            lambda: super(CloudPages, self).update(page, body, state, message),
            f"edit '{page.title}'",
        )

    def save_state(self, page: Page, state: SyncState) -> Page:
        return self.permitted(
            lambda: super(CloudPages, self).save_state(page, state), f"edit '{page.title}'"
        )

    def permitted(self, write: Callable[[], T], doing: str) -> T:
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

    def _attachments_request(self, page: Page) -> tuple[str, dict[str, Any]]:
        return f"api/v2/pages/{id_of(page)}/attachments", {"limit": 250}

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        return f"api/v2/pages/{id_of(page)}", {"version": version, "body-format": "storage"}

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        # v2 documents only number and message: it has no minor edit (see ``describe``).
        return f"api/v2/pages/{id_of(page)}", {
            "id": id_of(page),
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
        data = self.api.object("GET", f"api/v2/pages/{id_of(page)}/operations")
        return permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        data = self.api.object("GET", f"api/v2/spaces/{self.space_info()['id']}/operations")
        return permitted(data.get("operations"), "create", "page")

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
        return keyed(list(self.api.results(path, {"key": PROPERTY})))

    def _update_state(
        self, page: Page, state: SyncState, ref: str, version: int
    ) -> tuple[str, int]:
        body = {"key": PROPERTY, "value": state.to_json(), "version": {"number": version + 1}}
        self.api.call("PUT", f"api/v2/pages/{id_of(page)}/properties/{ref}", body=body)
        return ref, version + 1

    def _create_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        path = f"api/v2/pages/{id_of(page)}/properties"
        value = {"key": PROPERTY, "value": state.to_json()}
        created = self.api.object("POST", path, body=value, safe_to_repeat=False)
        if not created.get("id"):
            raise self.api.unexpected("the new property's id")
        return str(created["id"]), 1
