"""What Cloud and Data Center pages share: the page handle, the state property, labels, the
wording of errors, and the read-only probes ``syncer check`` asks."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from typing import Any, Self

from syncer.errors import AuthError, PageError
from syncer.state import SyncState
from syncer.stores.base import Page
from syncer.stores.confluence.api import ConfluenceApi, NotFound, Rejected
from syncer.stores.confluence.data import (
    PROPERTY,
    PageRef,
    id_of,
    label_names,
    near_meeting,
    page_ref,
    property_ref,
    storage,
)

LABELS_LIMIT = 200  # labels asked for per page of the listing (both APIs allow 200)


class ConfluencePages:
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

    def held(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()  # each write is checked against the page's version

    @property
    def requests(self) -> int:
        return self.api.requests

    @property
    def url(self) -> str:
        return self.api.url

    @property
    def last_date(self) -> str | None:
        return self.api.last_date

    def id_of(self, page: Page) -> str:
        return id_of(page)

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
        page = self._with_state(Page(title, body, 1, handle=PageRef(str(created["id"]))), state)
        self._add_labels(str(created["id"]), present=())
        return page

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        path, payload = self._update_request(page, body, message)
        self._write_body(page.title, body, lambda: self.api.call("PUT", path, body=payload))
        ref = page_ref(page)
        written = self._with_state(Page(page.title, body, page.version + 1, handle=ref), state)
        self._add_labels(ref.id, self._labels_seen.get(ref.id))
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
        names = label_names(labels)
        if names is not None:
            self._labels_seen[str(data["id"])] = names
        return data

    def _read_labels(self, page_id: str) -> set[str]:
        listing = self.api.results(self._labels_path(page_id), {"limit": LABELS_LIMIT})
        return label_names({"results": list(listing)}) or set()

    def _labels_path(self, page_id: str) -> str:
        raise NotImplementedError

    def save_state(self, page: Page, state: SyncState) -> Page:
        return self._with_state(page, state)

    def attach(self, page: Page, name: str, data: bytes, media_type: str) -> None:
        """Through v1 on both (v2 has no upload); a failure is one line naming the file."""
        path = f"rest/api/content/{id_of(page)}/child/attachment"
        try:
            self.api.upload(path, name, data, media_type)
        except PageError as error:
            raise PageError(f"cannot attach {name} to '{page.title}': {error}") from None

    def attachments(self, page: Page) -> set[str]:
        path, params = self._attachments_request(page)
        return {
            str(item["title"])
            for item in self.api.results(path, params)
            if isinstance(item.get("title"), str)
        }

    def _attachments_request(self, page: Page) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def version_body(self, page: Page, version: int) -> str | None:
        try:
            path, params = self._version_request(page, version)
            data = self.api.object("GET", path, params=params)
        except NotFound:  # old versions can be deleted by retention rules
            return None
        return storage(data, self.api)

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
                f"{near_meeting(body, str(error))}: {error}"
            ) from None

    def _with_state(self, page: Page, state: SyncState) -> Page:
        state_ref, version = self._save_state(page, state)
        handle = PageRef(id_of(page), state_ref, version)
        return Page(page.title, page.body, page.version, state, handle)

    def _save_state(self, page: Page, state: SyncState) -> tuple[str, int]:
        """Update the property we read, or create it; a create that finds it already there
        (it was not among what we read) reads it and updates that."""
        ref = page_ref(page)
        if ref.state_version:
            return self._update_state(page, state, ref.state_ref, ref.state_version)
        try:
            return self._create_state(page, state)
        except Rejected as error:
            if "exist" not in str(error).lower():
                raise
        prop = self._read_property(ref.id)
        if prop is None:
            raise PageError(
                f"Confluence says the {PROPERTY} property of '{page.title}' exists, but it"
                " cannot be read back; try again, or delete it on the page"
            )
        self.findings["state"] = (
            f"the {PROPERTY} property existed though it was not read with the page:"
            " read it and updated it"
        )
        where, version = property_ref(prop)
        return self._update_state(page, state, where, version)

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
