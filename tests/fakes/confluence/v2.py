"""The fake's REST v2 routes, as Confluence Cloud serves them."""

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
    _embedded,
    _json,
    _v2_storage,
)
from tests.fakes.http import Answer
from tests.fakes.paging import cursor_page


class V2Api:
    """REST v2 (``/api/v2``), Cloud only."""

    def _v2_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]]]]:
        table = [
            ("GET", r"/spaces", self._v2_spaces),
            ("GET", r"/spaces/(\d+)", self._v2_space),
            ("GET", r"/spaces/(\d+)/operations", self._v2_space_operations),
            ("GET", r"/pages/(\d+)/operations", self._v2_page_operations),
            ("GET", r"/pages", self._v2_pages),
            ("POST", r"/pages", self._v2_create),
            ("GET", r"/pages/(\d+)", self._v2_get),
            ("PUT", r"/pages/(\d+)", self._v2_put),
            ("GET", r"/pages/(\d+)/labels", self._v2_labels),
            ("GET", r"/pages/(\d+)/properties", self._v2_properties),
            ("POST", r"/pages/(\d+)/properties", self._v2_add_property),
            ("GET", r"/pages/(\d+)/properties/([^/]+)", self._v2_get_property),
            ("PUT", r"/pages/(\d+)/properties/([^/]+)", self._v2_put_property),
            ("DELETE", r"/pages/(\d+)/properties/([^/]+)", self._v2_delete_property),
            ("GET", r"/pages/(\d+)/attachments", self._v2_page_attachments),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    def _v2_spaces(self, request: _Request) -> tuple[int, Answer]:
        keys = _csv(request.query.get("keys"))
        ids = _csv(request.query.get("ids"))
        found = [
            space
            for space in self.spaces.values()
            if (not keys or space.key in keys)
            and (not ids or space.id in ids)
            and space.key not in self.forbidden_spaces
        ]  # Cloud hides spaces you cannot see
        return 200, self._v2_listing(request, "/spaces", [self._v2_space_data(s) for s in found])

    def _v2_listing(self, request: _Request, path: str, items: list[Json]) -> Answer:
        """One page of a v2 listing, its cursor in ``_links.next`` and the ``Link`` header."""
        try:
            chunk, following = cursor_page(
                items, request.query, f"{self.context}/api/v2{path}", self.max_page_size
            )
        except ValueError as error:
            raise _Fail(400, str(error)) from None
        links = self._v2_base()
        headers = {}
        if following:
            links["next"] = following
            headers["Link"] = f'<{following}>; rel="next", <{self.url}>; rel="base"'
        answer = _json(200, {"results": chunk, "_links": links})
        answer.headers.update(headers)
        return answer

    def _v2_space(self, request: _Request, space_id: str) -> tuple[int, Json]:
        space = next((s for s in self.spaces.values() if s.id == space_id), None)
        if space is None or space.key in self.forbidden_spaces:
            raise _Fail(404, f"No space with id {space_id}")
        data = self._v2_space_data(space)
        data["_links"].update(self._v2_base())
        return 200, data

    def _v2_space_operations(self, request: _Request, space_id: str) -> tuple[int, Json]:
        self._v2_space(request, space_id)  # the same 404 for a space you cannot see
        return 200, {"operations": self._operations("space"), "_links": self._v2_base()}

    def _v2_page_operations(self, request: _Request, page_id: str) -> tuple[int, Json]:
        self._page(page_id)
        return 200, {"operations": self._operations("page"), "_links": self._v2_base()}

    def _v2_pages(self, request: _Request) -> tuple[int, Answer]:
        query = request.query
        space_ids = _csv(query.get("space-id"))
        keys = {s.key for s in self.spaces.values() if s.id in space_ids}
        title = query.get("title")
        wanted = set(request.values("status")) or {"current", "archived"}  # v2's default
        found = [
            page
            for page in self.pages.values()
            if (not space_ids or page.space_key in keys)
            and (title is None or self._title_matches(page.title, title))
            and page.status in wanted
            and page.space_key not in self.forbidden_spaces
        ]  # Cloud leaves out what you cannot see
        results = [self._v2_page(page, query) for page in found]
        return 200, self._v2_listing(request, "/pages", results)

    def _v2_get(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        if "version" in request.query:
            page = self._as_of(page, request.query["version"])
        data = self._v2_page(page, request.query)
        if request.query.get("include-properties") == "true":
            props = [self._v2_property(p) for p in page.properties.values()]
            data["properties"] = _embedded(props, f"/pages/{page.id}/properties")
        if request.query.get("include-labels") == "true":
            labels = self._v2_label_list(page)["results"]
            data["labels"] = _embedded(labels, f"/pages/{page.id}/labels")
        data["_links"].update(self._v2_base())
        return 200, data

    def _v2_create(self, request: _Request) -> tuple[int, Json]:
        data = request.object()
        space = next((s for s in self.spaces.values() if s.id == str(data.get("spaceId"))), None)
        if space is None:
            raise _Fail(400, f"Space with id {data.get('spaceId')} does not exist")
        self._check_space(space.key)
        title = self._check_title(space.key, data.get("title"))
        body = self._check_new_body(_v2_storage(data))
        page_id = self._create(space.key, title, body, data.get("parentId"), minor=False)
        page = self.pages[page_id]
        answer = self._v2_page(page, {"body-format": "storage"})
        answer["_links"].update(self._v2_base())
        return 200, answer

    def _v2_put(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.object()
        if str(data.get("id")) != page.id:
            raise _Fail(400, "The id in the body must match the id in the path")
        version = data.get("version")
        if not isinstance(version, dict) or "number" not in version:
            raise _Fail(400, "Version is required to update a page")

        def apply() -> None:
            title = self._check_title(page.space_key, data.get("title"), page.id)
            page.body = self._check_new_body(_v2_storage(data))
            page.title = title
            if data.get("parentId"):
                page.parent_id = str(data["parentId"])
            self._save(page, {"number": version["number"], "message": version.get("message")})

        try:
            self._update(page, version["number"], apply)
        except _VersionConflict as conflict:
            raise _Fail(
                self.stale_version_status,
                "Version must be incremented when updating a page. Current Version: "
                f"[{conflict.current}]. Provided version: [{conflict.sent}]",
            ) from None
        answer = self._v2_page(page, {"body-format": "storage"})
        answer["_links"].update(self._v2_base())
        return 200, answer

    def _v2_labels(self, request: _Request, page_id: str) -> tuple[int, Answer]:
        labels = self._v2_label_list(self._page(page_id))["results"]
        return 200, self._v2_listing(request, f"/pages/{page_id}/labels", labels)

    def _v2_properties(self, request: _Request, page_id: str) -> tuple[int, Answer]:
        page = self._page(page_id)
        key = request.query.get("key")
        props = [p for p in page.properties.values() if key is None or p["key"] == key]
        results = [self._v2_property(p) for p in props]
        return 200, self._v2_listing(request, f"/pages/{page_id}/properties", results)

    def _v2_add_property(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        data = request.object()
        key = data.get("key")
        if not isinstance(key, str) or not key or "value" not in data:
            raise _Fail(400, "A content property needs a key and a value")
        if key in page.properties:
            raise _Fail(400, f"A property with key '{key}' already exists on page {page_id}")
        return 200, self._v2_property(self._new_property(page, key, data["value"]))

    def _v2_get_property(self, request: _Request, page_id: str, prop_id: str) -> tuple[int, Json]:
        return 200, self._v2_property(self._property_by_id(self._page(page_id), prop_id))

    def _v2_put_property(self, request: _Request, page_id: str, prop_id: str) -> tuple[int, Json]:
        prop = self._property_by_id(self._page(page_id), prop_id)
        data = request.object()
        number = (data.get("version") or {}).get("number")
        if number is None or "value" not in data:
            raise _Fail(400, "A property update needs a value and version.number")
        if data.get("key", prop["key"]) != prop["key"]:
            raise _Fail(400, "The key of a property cannot be changed")
        if number != prop["version"] + 1:
            raise _Fail(
                409,
                f"Version must be incremented when updating a property. Current Version: "
                f"[{prop['version']}]. Provided version: [{number}]",
            )
        prop.update(value=data["value"], version=number)
        return 200, self._v2_property(prop)

    def _v2_delete_property(
        self, request: _Request, page_id: str, prop_id: str
    ) -> tuple[int, None]:
        page = self._page(page_id)
        prop = self._property_by_id(page, prop_id)
        del page.properties[prop["key"]]
        return 204, None

    # v2 representations

    def _v2_base(self) -> Json:
        return {"base": self.url}

    def _v2_space_data(self, space: Space) -> Json:
        return {
            "id": space.id,
            "key": space.key,
            "name": space.name,
            "type": "global",
            "status": "current",
            "homepageId": space.homepage_id,
            "authorId": "557058:fake-bot",
            "createdAt": "2024-01-02T03:04:05.000Z",
            "_links": {"webui": f"/spaces/{space.key}"},
        }

    def _v2_page(self, page: StoredPage, query: dict[str, str]) -> Json:
        space = self.spaces.get(page.space_key)
        data: Json = {
            "id": page.id,
            "status": page.status,
            "title": page.title,
            "spaceId": space.id if space else "",
            **({"parentId": page.parent_id, "parentType": "page"} if page.parent_id else {}),
            "position": None,
            "authorId": "557058:fake-bot",
            "ownerId": "557058:fake-bot",
            "lastOwnerId": None,
            "createdAt": page.history[0].when,
            "version": self._v2_version(page.current()),
            "body": {},
        }
        body_format = query.get("body-format")
        if body_format == "storage":
            data["body"] = {"storage": {"representation": "storage", "value": page.body}}
        elif body_format not in (None, "none"):
            raise _Fail(400, f"The fake serves body-format=storage only, not {body_format}")
        edit = f"/pages/resumedraft.action?draftId={page.id}"
        data["_links"] = {**self._links(page), "editui": edit}
        return data

    @staticmethod
    def _v2_version(version: PageVersion) -> Json:
        return {
            "number": version.number,
            "message": version.message,
            "minorEdit": version.minorEdit,
            "createdAt": version.when,
            "authorId": "557058:fake-bot",
        }

    def _v2_property(self, prop: Json) -> Json:
        version = {
            "number": prop["version"],
            "message": "",
            "minorEdit": False,
            "createdAt": _now(),
            "authorId": "557058:fake-bot",
        }
        return {"id": prop["id"], "key": prop["key"], "value": prop["value"], "version": version}

    def _v2_label_list(self, page: StoredPage) -> Json:
        results = [
            {"id": str(1000 + i), "name": name, "prefix": "global"}
            for i, name in enumerate(page.labels)
        ]
        return {"results": results, "_links": self._v2_base()}

    def _property_by_id(self, page: StoredPage, prop_id: str) -> Json:
        if not prop_id.isdigit():
            raise _Fail(400, f"property-id must be a number, not {prop_id!r}")
        prop = next((p for p in page.properties.values() if p["id"] == prop_id), None)
        if prop is None:
            raise _Fail(404, f"No property with id {prop_id} on page {page.id}")
        return prop
