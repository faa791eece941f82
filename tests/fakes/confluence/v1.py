"""The fake's REST v1 routes, as Data Center and Cloud serve them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.fakes.confluence.state import (
    PageVersion,
    Space,
    StoredPage,
    _Fail,
    _now,
    _Request,
    _VersionConflict,
)
from tests.fakes.confluence.wire import (
    Json,
    _csv,
    _expand,
    _v1_storage,
)
from tests.fakes.paging import start_page


class V1Api:
    """REST v1 (``/rest/api``): Data Center's whole API, and on Cloud what v2 lacks."""

    def _v1_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]]:
        table = [
            ("GET", r"/content", self._v1_search),
            ("POST", r"/content", self._v1_create),
            ("GET", r"/content/(\d+)", self._v1_get),
            ("PUT", r"/content/(\d+)", self._v1_put),
            ("GET", r"/content/(\d+)/property", self._v1_properties),
            ("POST", r"/content/(\d+)/property", self._v1_add_property),
            ("GET", r"/content/(\d+)/property/([^/]+)", self._v1_get_property),
            ("PUT", r"/content/(\d+)/property/([^/]+)", self._v1_put_property),
            ("DELETE", r"/content/(\d+)/property/([^/]+)", self._v1_delete_property),
            ("GET", r"/content/(\d+)/label", self._v1_labels),
            ("POST", r"/content/(\d+)/label", self._v1_add_labels),
            ("GET", r"/space/([^/]+)", self._v1_space),
            ("GET", r"/user/current", self._v1_current_user),
            *self._attachment_routes(),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    def _v1_search(self, request: _Request) -> tuple[int, Json]:
        query = request.query
        key, title = query.get("spaceKey"), query.get("title")
        if key and key in self.forbidden_spaces:
            self._check_space(key)
        # Cloud's v1 searched current pages; Data Center 9+ any status unless asked.
        wanted = _csv(query.get("status")) or (
            {"current"} if self.deployment == "cloud" else {"current", "archived", "trashed"}
        )
        found = [
            page
            for page in self.pages.values()
            if (not key or page.space_key == key)
            and (title is None or self._title_matches(page.title, title))
            and query.get("type", "page") == "page"
            and page.status in wanted
            and self._visible(page)
        ]
        try:
            chunk, following, start, limit = start_page(
                found, query, "/rest/api/content", self.max_page_size
            )
        except ValueError as error:
            raise _Fail(400, str(error)) from None
        expand = _expand(query)
        results = [self._v1_content(page, expand) for page in chunk]
        links = {**self._v1_base(), "self": f"{self.url}/rest/api/content"}
        if following:
            links["next"] = following
        return 200, {
            "results": results,
            "start": start,
            "limit": limit,
            "size": len(results),
            "_links": links,
        }

    def _title_matches(self, title: str, wanted: str) -> bool:
        if self.title_match == "loose":
            return wanted.lower() in title.lower()
        return title == wanted

    def _v1_get(self, request: _Request, page_id: str) -> tuple[int, Json]:
        expand = _expand(request.query, default={"space", "version"})
        page = self._page(page_id)
        if "version" in request.query:  # ?status=historical&version=N: that version
            page = self._as_of(page, request.query["version"])
        return 200, self._v1_single(page, expand)

    def _v1_create(self, request: _Request) -> tuple[int, Json]:
        data = request.object()
        key = (data.get("space") or {}).get("key")
        if data.get("type", "page") != "page":
            raise _Fail(400, "The fake creates only content of type page")
        if key not in self.spaces:
            raise _Fail(404, f"No space with key : {key}")
        self._check_space(key)
        title = self._check_title(key, data.get("title"))
        body = self._check_new_body(_v1_storage(data))
        ancestors = data.get("ancestors") or []
        parent = ancestors[-1].get("id") if ancestors else None
        minor = bool((data.get("version") or {}).get("minorEdit", False))
        page_id = self._create(key, title, body, parent, minor)
        return 200, self._v1_single(self.pages[page_id], {"space", "version", "body.storage"})

    def _v1_put(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.object()
        version = data.get("version")
        if not isinstance(version, dict) or "number" not in version:
            raise _Fail(
                400,
                "Must supply an incremented version when updating Content. No version supplied.",
            )

        def apply() -> None:
            title = self._check_title(page.space_key, data.get("title"), page.id)
            body = _v1_storage(data)
            page.body = page.body if body is None else self._check_new_body(body)
            page.title = title
            ancestors = data.get("ancestors") or []
            if ancestors:
                page.parent_id = str(ancestors[-1].get("id"))
            self._save(page, version)

        try:
            self._update(page, version["number"], apply)
        except _VersionConflict as conflict:
            message = (
                f"Version must be incremented on update. Current version is: {conflict.current}"
            )
            raise _Fail(409, message) from None
        return 200, self._v1_single(page, {"space", "version", "body.storage", "ancestors"})

    def _v1_properties(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        results = [self._v1_property(page, prop) for prop in page.properties.values()]
        return 200, {
            "results": results,
            "start": 0,
            "limit": 10,
            "size": len(results),
            "_links": self._v1_base(),
        }

    def _v1_add_property(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.object()
        key = data.get("key")
        if not isinstance(key, str) or not key or "value" not in data:
            raise _Fail(400, "A content property needs a key and a value")
        if key in page.properties:
            raise _Fail(
                400,
                f"Cannot add a property with key '{key}' to content with id {page.id}: "
                "a property with that key already exists",
            )
        return 200, self._v1_property(page, self._new_property(page, key, data["value"]))

    def _v1_get_property(self, request: _Request, page_id: str, key: str) -> tuple[int, Json]:
        page = self._page(page_id)
        if key not in page.properties:
            raise _Fail(404, f"No property with key '{key}' on content {page_id}")
        return 200, self._v1_property(page, page.properties[key])

    def _v1_put_property(self, request: _Request, page_id: str, key: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.object()
        number = (data.get("version") or {}).get("number")
        if number is None:
            raise _Fail(400, "Must supply an incremented version when updating a property")
        if "value" not in data:
            raise _Fail(400, "A content property needs a value")
        prop = page.properties.get(key)
        if prop is None:
            if number != 1:
                raise _Fail(404, f"No property with key '{key}' on content {page_id}")
            prop = self._new_property(page, key, data["value"])
        elif number != prop["version"] + 1:
            raise _Fail(
                409,
                f"Version must be incremented on update. Current version is: {prop['version']}",
            )
        else:
            prop.update(value=data["value"], version=number)
        return 200, self._v1_property(page, prop)

    def _v1_delete_property(self, request: _Request, page_id: str, key: str) -> tuple[int, None]:
        page = self._page(page_id)
        if page.properties.pop(key, None) is None:
            raise _Fail(404, f"No property with key '{key}' on content {page_id}")
        return 204, None

    def _v1_labels(self, request: _Request, page_id: str) -> tuple[int, Json]:
        everything = self._v1_label_list(self._page(page_id))
        try:
            chunk, following, start, limit = start_page(
                everything["results"],
                request.query,
                f"/rest/api/content/{page_id}/label",
                self.max_page_size,
            )
        except ValueError as error:
            raise _Fail(400, str(error)) from None
        links = {**everything["_links"], **({"next": following} if following else {})}
        return 200, {
            **everything,
            "results": chunk,
            "start": start,
            "limit": limit,
            "size": len(chunk),
            "_links": links,
        }

    def _v1_add_labels(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.json()
        labels = data if isinstance(data, list) else [data]
        for label in labels:
            name = label.get("name") if isinstance(label, dict) else None
            if not isinstance(name, str) or not name or " " in name:
                raise _Fail(400, f"Invalid label: {label!r}")
            if name not in page.labels:
                page.labels.append(name)
        return 200, self._v1_label_list(page)

    def _v1_space(self, request: _Request, key: str) -> tuple[int, Json]:
        space = self.spaces.get(key)
        if space is None:
            raise _Fail(404, f"No space with key : {key}")
        self._check_space(key)
        home = self.pages.get(space.homepage_id)
        # Cloud's v1 documents ``expand=operations`` on a space; Data Center does not, and
        # an expansion Confluence does not know is left out, so this fake leaves it out there.
        operations = "operations" in _expand(request.query) and self.deployment == "cloud"
        return 200, {
            **({"operations": self._operations("space")} if operations else {}),
            **self._v1_space_ref(space),
            "homepage": self._v1_content(home, set()) if home else {"id": space.homepage_id},
            "_links": {**self._v1_base(), "webui": f"/spaces/{key}"},
        }

    def _v1_current_user(self, request: _Request) -> tuple[int, Json]:
        """Cloud names the user by account id, Data Center by username and user key."""
        picture = {"path": "/images/icons/profilepics/default.svg", "width": 48, "height": 48}
        if request.anonymous:  # what Data Center answers the anonymous user
            user: Json = {
                "type": "anonymous",
                "profilePicture": {**picture, "isDefault": True},
                "displayName": "Anonymous",
            }
        elif self.deployment == "cloud":
            user = {
                "type": "known",
                "accountId": "557058:fake-bot",
                "accountType": "atlassian",
                "email": self.username,
                "publicName": self.display_name,
                "displayName": self.display_name,
                "profilePicture": {**picture, "isDefault": True},
                "isExternalCollaborator": False,
            }
        else:
            user = {
                "type": "known",
                "username": "notes-bot",
                "userKey": "ff8080817a4f8f3b017a4f9de3a50000",
                "displayName": self.display_name,
                "profilePicture": {**picture, "isDefault": True},
            }
        user["_links"] = {**self._v1_base(), "self": f"{self.url}/rest/api/user/current"}
        return 200, user

    def _operations(self, target: str) -> list[Json]:
        """What the user may do to a page or in a space, as ``{"operation","targetType"}``."""
        if target == "space":
            reads = [("read", "space")]
            writes = [("create", "page"), ("create", "blogpost"), ("create", "comment")]
        else:
            reads, writes = [("read", "page")], [("update", "page"), ("delete", "page")]
        allowed = reads + ([] if self.read_only else writes)
        return [{"operation": op, "targetType": kind} for op, kind in allowed]

    # v1 representations

    def _v1_base(self) -> Json:
        return {"base": self.url, "context": self.context}

    def _v1_space_ref(self, space: Space) -> Json:
        return {
            "id": int(space.id),
            "key": space.key,
            "name": space.name,
            "type": "global",
            "status": "current",
            "_links": {
                "webui": f"/spaces/{space.key}",
                "self": f"{self.url}/rest/api/space/{space.key}",
            },
        }

    def _v1_single(self, page: StoredPage, expand: set[str]) -> Json:
        data = self._v1_content(page, expand)
        data["_links"].update(self._v1_base())
        return data

    def _v1_content(self, page: StoredPage, expand: set[str]) -> Json:
        data: Json = {"id": page.id, "type": "page", "status": "current", "title": page.title}
        expandable: Json = {}
        space = self.spaces.get(page.space_key)
        if "space" in expand and space is not None:
            data["space"] = self._v1_space_ref(space)
        else:
            expandable["space"] = f"/rest/api/space/{page.space_key}"
        if "version" in expand:
            data["version"] = self._v1_version(page, page.current())
        else:
            expandable["version"] = ""
        if "body.storage" in expand:
            data["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        else:
            expandable["body"] = ""
        if "ancestors" in expand:
            data["ancestors"] = [self._v1_ancestor(pid) for pid in self._ancestry(page)]
        else:
            expandable["ancestors"] = ""
        if "operations" in expand:
            data["operations"] = self._operations("page")
        else:
            expandable["operations"] = ""
        metadata = self._v1_metadata(page, expand)
        if metadata:
            data["metadata"] = metadata
        else:
            expandable["metadata"] = ""
        self_link = f"{self.url}/rest/api/content/{page.id}"
        edit = f"/pages/resumedraft.action?draftId={page.id}"
        data["_links"] = {**self._links(page), "edit": edit, "self": self_link}
        data["_expandable"] = expandable
        return data

    def _v1_version(self, page: StoredPage, version: PageVersion) -> Json:
        by = (
            {"type": "known", "accountId": "557058:fake-bot", "displayName": "Notes Bot"}
            if self.deployment == "cloud"
            else {"type": "known", "username": "notes-bot", "displayName": "Notes Bot"}
        )
        return {
            "by": by,
            "when": version.when,
            "message": version.message,
            "number": version.number,
            "minorEdit": version.minorEdit,
            "_links": {
                "self": f"{self.url}/rest/experimental/content/{page.id}/version/{version.number}"
            },
        }

    def _v1_metadata(self, page: StoredPage, expand: set[str]) -> Json:
        metadata: Json = {}
        keys = [e.removeprefix("metadata.properties.") for e in expand]
        wanted = [k for k, e in zip(keys, expand, strict=True) if e.startswith("metadata.prop")]
        if wanted and (self.expands_properties or self.deployment == "cloud"):
            metadata["properties"] = {
                key: self._v1_property(page, page.properties[key])
                for key in wanted
                if key in page.properties
            }
        if "metadata.labels" in expand:
            metadata["labels"] = self._v1_label_list(page)
        return metadata

    def _v1_property(self, page: StoredPage, prop: Json) -> Json:
        return {
            "id": prop["id"],
            "key": prop["key"],
            "value": prop["value"],
            "version": {
                "number": prop["version"],
                "minorEdit": False,
                "when": _now(),
                "message": "",
            },
            "_links": {"self": f"{self.url}/rest/api/content/{page.id}/property/{prop['key']}"},
            "_expandable": {"content": f"/rest/api/content/{page.id}"},
        }

    def _v1_label_list(self, page: StoredPage) -> Json:
        results = [
            {"prefix": "global", "name": name, "id": str(1000 + i), "label": name}
            for i, name in enumerate(page.labels)
        ]
        return {
            "results": results,
            "start": 0,
            "limit": 200,
            "size": len(results),
            "_links": self._v1_base(),
        }

    def _v1_ancestor(self, page_id: str) -> Json:
        page = self.pages.get(page_id)
        if page is None:
            return {"id": page_id, "type": "page", "status": "current"}
        return self._v1_content(page, set())

    def _ancestry(self, page: StoredPage) -> list[str]:
        chain: list[str] = []
        parent = page.parent_id
        while parent and parent not in chain:
            chain.insert(0, parent)
            above = self.pages.get(parent)
            parent = above.parent_id if above else None
        return chain

    def _new_property(self, page: StoredPage, key: str, value: Any) -> Json:
        prop = {"id": self._new_id(), "key": key, "value": value, "version": 1}
        page.properties[key] = prop
        return prop
