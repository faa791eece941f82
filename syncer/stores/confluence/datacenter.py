"""Confluence Data Center / Server through REST v1."""

from __future__ import annotations

from typing import Any

from syncer.errors import PageError
from syncer.state import SyncState
from syncer.stores.base import Page
from syncer.stores.confluence.api import NotFound
from syncer.stores.confluence.data import PROPERTY, id_of, is_current, page_of, permitted
from syncer.stores.confluence.pages import ConfluencePages


class DataCenterPages(ConfluencePages):
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
            if is_current(data, title, self.findings):
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
        return page_of(data, prop, self.api)

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

    def _attachments_request(self, page: Page) -> tuple[str, dict[str, Any]]:
        return f"rest/api/content/{id_of(page)}/child/attachment", {"limit": 200}

    def _version_request(self, page: Page, version: int) -> tuple[str, dict[str, Any]]:
        params = {"status": "historical", "version": version, "expand": "body.storage"}
        return f"rest/api/content/{id_of(page)}", params

    def _update_request(self, page: Page, body: str, message: str) -> tuple[str, dict[str, Any]]:
        return f"rest/api/content/{id_of(page)}", {
            "id": id_of(page),
            "type": "page",
            "title": page.title,
            "version": {"number": page.version + 1, "message": message, "minorEdit": self.minor},
            "body": {"storage": {"value": body, "representation": "storage"}},
        }

    def _update_state(
        self, page: Page, state: SyncState, ref: str, version: int
    ) -> tuple[str, int]:
        update = {"key": PROPERTY, "value": state.to_json(), "version": {"number": version + 1}}
        self.api.call("PUT", f"rest/api/content/{id_of(page)}/property/{PROPERTY}", body=update)
        return PROPERTY, version + 1

    def _create_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        value = {"key": PROPERTY, "value": state.to_json()}
        path = f"rest/api/content/{id_of(page)}/property"
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
        path = f"rest/api/content/{id_of(page)}"
        data = self.api.object("GET", path, params={"expand": "operations"})
        return permitted(data.get("operations"), "update", "page")

    def may_create(self) -> bool | None:
        """Asks for the space's ``operations``; whether Data Center expands them is not
        documented, and an expansion it does not know is left out, which reads as None."""
        path = f"rest/api/space/{self.space}"
        data = self.api.object("GET", path, params={"expand": "operations"})
        return permitted(data.get("operations"), "create", "page")

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
