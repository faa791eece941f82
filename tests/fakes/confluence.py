"""A fake Confluence over real HTTP on 127.0.0.1: Cloud (v1 + v2 pages API) or Data Center (v1).

It keeps pages, versions, content properties and labels, and behaves as the documented APIs
do where a sync can go wrong: 409 on a stale version, 400 "Error parsing xhtml" on malformed
storage, 401 without the right Basic or Bearer credentials, failures injected on demand
(429 with Retry-After, 5xx), and a notification for watchers on every non-minor edit.
"""

from __future__ import annotations

import html.entities
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree

Json = dict[str, Any]
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_ROOT = (
    '<root xmlns:ac="http://atlassian.com/content"'
    ' xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template">'
)


@dataclass
class Version:
    number: int
    message: str = ""
    minorEdit: bool = False


@dataclass
class FakePage:
    id: str
    space: str
    title: str
    body: str
    parent_id: str | None = None
    version: int = 1
    history: list[Version] = field(default_factory=lambda: [Version(1)])
    properties: dict[str, Json] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)


class HttpAnswer(Exception):
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


class FakeConfluence:
    """``with FakeConfluence(deployment="cloud") as fake:``; point the product at ``fake.url``."""

    def __init__(self, deployment: str = "cloud") -> None:
        self.deployment = deployment
        self.username, self.api_token, self.pat = "bot@example.org", "cloud-token", "dc-pat"
        self.spaces: dict[str, Json] = {}
        self.pages: dict[str, FakePage] = {}
        self.notifications: list[tuple[str, int]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.on_before_put = None
        self._failures: list[list[Any]] = []
        self._ids = itertools.count(5000)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))

    def __enter__(self) -> FakeConfluence:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        root = f"http://127.0.0.1:{self._server.server_address[1]}"
        return root + "/wiki" if self.deployment == "cloud" else root

    # --- set-up and inspection, for tests ------------------------------------------------

    def add_space(self, key: str, space_id: str, homepage_id: str) -> None:
        self.spaces[key] = {"id": space_id, "key": key, "name": f"{key} space"}
        self.spaces[key]["homepageId"] = homepage_id

    def add_page(self, space: str, title: str, body: str, parent_id: str | None = None) -> str:
        page = FakePage(str(next(self._ids)), space, title, body, parent_id)
        self.pages[page.id] = page
        return page.id

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        self._failures.append([method, re.compile(path_regex), status, headers, body, times])

    def reset_log(self) -> None:
        self.requests.clear()

    # --- the HTTP side --------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Any, raw: bytes) -> HttpAnswer:
        parts = urlsplit(target)
        path = parts.path.removeprefix("/wiki") if self.deployment == "cloud" else parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append((method, path, query))
            try:
                self._inject(method, path)
                self._authenticate(headers.get("Authorization", ""), path)
                return HttpAnswer(200, self._route(method, path, query, body))
            except HttpAnswer as answer:
                return answer

    def _inject(self, method: str, path: str) -> None:
        for failure in self._failures:
            wanted, pattern, status, headers, body, times = failure
            if times and wanted == method and pattern.search(path):
                failure[5] -= 1
                raise HttpAnswer(status, body or {"message": "injected"}, headers)

    def _authenticate(self, header: str, path: str) -> None:
        import base64

        if self.deployment == "cloud":
            token = base64.b64encode(f"{self.username}:{self.api_token}".encode()).decode()
            ok = header == f"Basic {token}"
        else:
            ok = header == f"Bearer {self.pat}"
        if not ok:
            raise _error(path, 401, "Unauthorized", "Client must be authenticated")

    def _route(self, method: str, path: str, query: Json, body: Any) -> Any:
        if path.startswith("/api/v2/"):
            if self.deployment != "cloud":
                raise HttpAnswer(404, {"message": "null for uri"})
            return self._v2(method, path.removeprefix("/api/v2/").split("/"), query, body)
        if path.startswith("/rest/api/"):
            return self._v1(method, path.removeprefix("/rest/api/").split("/"), query, body)
        raise HttpAnswer(404, {"message": "no such endpoint"})

    # v1 -------------------------------------------------------------------------------------

    def _v1(self, method: str, parts: list[str], query: Json, body: Any) -> Any:
        expand = set(query.get("expand", "").split(","))
        match method, parts:
            case "GET", ["content"]:
                found = [
                    p
                    for p in self.pages.values()
                    if p.space == query.get("spaceKey") and p.title == query.get("title")
                ]
                return {"results": [self._v1_page(p, expand) for p in found], "size": len(found)}
            case "GET", ["content", page_id]:
                return self._v1_page(self._page(page_id, "/rest/api"), expand)
            case "POST", ["content"]:
                parent = (body.get("ancestors") or [{}])[-1].get("id")
                page = self._create(body["space"]["key"], body["title"], body, parent, "/rest/api")
                return self._v1_page(page, {"version"})
            case "PUT", ["content", page_id]:
                page = self._page(page_id, "/rest/api")
                self._update(
                    page, body.get("version"), body["body"]["storage"]["value"], "/rest/api"
                )
                return self._v1_page(page, {"version"})
            case "GET", ["space", key]:
                space = self._space(key)
                return {"key": key, "name": space["name"], "homepage": {"id": space["homepageId"]}}
            case "POST", ["content", page_id, "property"]:
                return self._new_property(self._page(page_id, "/rest/api"), body, "/rest/api")
            case "PUT", ["content", page_id, "property", key]:
                page = self._page(page_id, "/rest/api")
                return self._put_property(page, page.properties.get(key), body, "/rest/api")
        raise HttpAnswer(404, {"statusCode": 404, "message": "no such endpoint"})

    def _v1_page(self, page: FakePage, expand: set[str]) -> Json:
        data: Json = {"id": page.id, "type": "page", "status": "current", "title": page.title}
        data["space"] = {"key": page.space}
        data["_links"] = {"webui": f"/pages/{page.id}", "base": self.url}
        if "version" in expand or "body.storage" in expand:
            data["version"] = self._version_json(page)
        if "body.storage" in expand:
            data["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        wanted = {e.removeprefix("metadata.properties.") for e in expand if "properties." in e}
        if wanted:
            data["metadata"] = {
                "properties": {k: page.properties[k] for k in wanted if k in page.properties}
            }
        return data

    # v2 -------------------------------------------------------------------------------------

    def _v2(self, method: str, parts: list[str], query: Json, body: Any) -> Any:
        match method, parts:
            case "GET", ["spaces"]:
                keys = query.get("keys", "").split(",")
                return {"results": [s for k, s in self.spaces.items() if k in keys]}
            case "GET", ["pages"]:
                space = {s["id"]: k for k, s in self.spaces.items()}.get(query.get("space-id"))
                found = [
                    p
                    for p in self.pages.values()
                    if p.space == space and p.title == query.get("title")
                ]
                with_body = query.get("body-format") == "storage"
                return {"results": [self._v2_page(p, with_body) for p in found], "_links": {}}
            case "GET", ["pages", page_id]:
                page = self._page(page_id, "/api/v2")
                data = self._v2_page(page, query.get("body-format") == "storage")
                if query.get("include-properties") == "true":
                    data["properties"] = {
                        "results": list(page.properties.values()),
                        "meta": {"hasMore": False},
                        "_links": {},
                    }
                return data
            case "POST", ["pages"]:
                key = {s["id"]: k for k, s in self.spaces.items()}.get(body.get("spaceId"))
                if key is None:
                    raise _error("/api/v2", 400, "BAD_REQUEST", "spaceId is not valid")
                storage = {"storage": {"value": body["body"]["value"]}}
                page = self._create(
                    key, body["title"], {"body": storage}, body.get("parentId"), "/api/v2"
                )
                return self._v2_page(page, False)
            case "PUT", ["pages", page_id]:
                page = self._page(page_id, "/api/v2")
                self._update(page, body.get("version"), body["body"]["value"], "/api/v2")
                return self._v2_page(page, False)
            case "GET", ["pages", page_id, "properties"]:
                page = self._page(page_id, "/api/v2")
                found = [
                    p for p in page.properties.values() if p["key"] == query.get("key", p["key"])
                ]
                return {"results": found, "_links": {}}
            case "POST", ["pages", page_id, "properties"]:
                return self._new_property(self._page(page_id, "/api/v2"), body, "/api/v2")
            case "PUT", ["pages", page_id, "properties", prop_id]:
                page = self._page(page_id, "/api/v2")
                current = next((p for p in page.properties.values() if p["id"] == prop_id), None)
                if current is None:
                    raise _error("/api/v2", 404, "NOT_FOUND", "No property with that id")
                return self._put_property(page, current, body, "/api/v2")
        raise _error("/api/v2", 404, "NOT_FOUND", "no such endpoint")

    def _v2_page(self, page: FakePage, with_body: bool) -> Json:
        space_id = self.spaces[page.space]["id"]
        data: Json = {"id": page.id, "status": "current", "title": page.title, "spaceId": space_id}
        data["parentId"] = page.parent_id
        data["version"] = {**self._version_json(page), "createdAt": "2026-11-28T00:00:00Z"}
        if with_body:
            data["body"] = {"storage": {"value": page.body, "representation": "storage"}}
        data["_links"] = {"webui": f"/spaces/{page.space}/pages/{page.id}"}
        return data

    # shared behaviour -----------------------------------------------------------------------

    def _page(self, page_id: str, api: str) -> FakePage:
        if page_id not in self.pages:
            raise _error(api, 404, "NOT_FOUND", f"No content found with id: {page_id}")
        return self.pages[page_id]

    def _space(self, key: str) -> Json:
        if key not in self.spaces:
            raise _error("/rest/api", 404, "Not Found", f"No space with key : {key}")
        return self.spaces[key]

    def _create(self, space: str, title: str, body: Json, parent: str | None, api: str) -> FakePage:
        self._space(space)
        if any(p.space == space and p.title == title for p in self.pages.values()):
            raise _error(api, 400, "BAD_REQUEST", "A page with this title already exists")
        value = body["body"]["storage"]["value"]
        _check_storage(value, api)
        page = FakePage(str(next(self._ids)), space, title, value, parent)
        self.pages[page.id] = page
        self.notifications.append((page.id, 1))
        return page

    def _update(self, page: FakePage, version: Json | None, value: str, api: str) -> None:
        if self.on_before_put is not None:
            self.on_before_put(page)
        if not version or "number" not in version:
            raise _error(
                api,
                400,
                "BAD_REQUEST",
                "Must supply an incremented version when updating Content. No version supplied.",
            )
        if version["number"] != page.version + 1:
            raise _error(
                api,
                409,
                "CONFLICT",
                f"Version must be incremented on update. Current version is: {page.version}",
            )
        _check_storage(value, api)
        minor = bool(version.get("minorEdit", False))
        page.body, page.version = value, version["number"]
        page.history.append(Version(page.version, version.get("message", ""), minor))
        if not minor:
            self.notifications.append((page.id, page.version))

    def _new_property(self, page: FakePage, body: Json, api: str) -> Json:
        if body["key"] in page.properties:
            raise _error(api, 400, "BAD_REQUEST", "A property with this key already exists")
        prop = {"id": str(next(self._ids)), "key": body["key"], "value": body["value"]}
        prop["version"] = {"number": 1}
        page.properties[body["key"]] = prop
        return prop

    def _put_property(self, page: FakePage, current: Json | None, body: Json, api: str) -> Json:
        number = (body.get("version") or {}).get("number")
        if current is None:
            if number != 1:
                raise _error(api, 404, "NOT_FOUND", "No property with that key")
            return self._new_property(page, body, api)
        if number != current["version"]["number"] + 1:
            raise _error(api, 409, "CONFLICT", "Version must be incremented on update.")
        current.update(value=body["value"], version={"number": number})
        return current

    @staticmethod
    def _version_json(page: FakePage) -> Json:
        last = page.history[-1]
        return {"number": page.version, "message": last.message, "minorEdit": last.minorEdit}


def _error(api: str, status: int, reason: str, message: str) -> HttpAnswer:
    """v1 answers with one envelope, v2 with an ``errors`` list."""
    if "/api/v2" in api:
        return HttpAnswer(
            status,
            {"errors": [{"status": status, "code": reason, "title": message, "detail": None}]},
        )
    body = {"statusCode": status, "data": {"successful": False, "errors": []}, "message": message}
    return HttpAnswer(status, {**body, "reason": reason})


def _check_storage(value: str, api: str) -> None:
    """Confluence parses storage as XML (tolerating HTML named entities) and refuses the rest."""
    if len(value.encode()) > 5 * 1024 * 1024:
        raise _error(api, 413, "PAYLOAD_TOO_LARGE", "at most 5242880 bytes")
    text = _ENTITY.sub(
        lambda m: (
            m.group(0)
            if m.group(1) in ("amp", "lt", "gt", "quot", "apos")
            else "".join(f"&#{ord(c)};" for c in html.entities.html5.get(m.group(1) + ";", "?"))
        ),
        value,
    )
    try:
        etree.fromstring((_ROOT + text + "</root>").encode())
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise _error(
            api,
            400,
            "BAD_REQUEST",
            f"Error parsing xhtml: {error.msg}\n"
            f" at [row,col {{unknown-source}}]: [{line},{column}]",
        ) from None


def _handler(fake: FakeConfluence) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            answer = fake.answer(self.command, self.path, self.headers, self.rfile.read(length))
            payload = json.dumps(answer.body).encode() if answer.body is not None else b""
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output clean."""

    return Handler
