"""A fake Confluence over real HTTP on 127.0.0.1: Cloud (REST v1 + v2) or Data Center (v1).

``atlassian-python-api`` and plain ``requests`` talk to it unchanged: configure the product
with ``fake.url`` (Cloud: ``http://127.0.0.1:PORT/wiki``; Data Center: no ``/wiki``). It
checks what Confluence checks (the credentials of its deployment, ``version.number`` being
the current one plus one, well-formed storage XHTML, unique titles in a space, a body of at
most 5 MiB) and answers with Confluence's error envelopes: v1
``{"statusCode","data","message","reason"}``, v2 ``{"errors":[{"status","code","title",
"detail"}]}``. No sleeps: failures to inject are queued with ``fail_next``.

State is plain attributes (``spaces``, ``pages``, ``notifications``, ``requests``) that tests
read and change; ``read_only = True`` makes the one user a reader (v1 writes answer 403, v2
writes 404, and the permitted operations list only reads); ``clock_offset`` skews its
``Date`` headers. Every request is served under one re-entrant lock, so hooks may call the
fake's own methods.

What it claims about the real service, from Atlassian's OpenAPI description of Cloud v2 and
v1 (``tests/fixtures/specs/``) and ``../shared/reference/api-facts.md``:

- Cloud v2 ``PUT /pages/{id}`` documents ``version.number`` and ``message`` only: there is
  no minor edit, so every v2 write notifies (``notifications``). It documents no 403: a
  write the user may not make answers 404 ("does not have the needed permissions to update
  a page"), and so does a page in a space the user cannot see.
- ``GET /pages`` defaults ``status`` to current and archived; pages may share a title with
  archived or trashed ones (``add_page(..., status=…)``). Listings page by cursor
  (``_links.next`` and a ``Link`` header); ``max_page_size`` makes pages short.
- ``include-properties`` / ``include-labels`` embed at most 50 items, with ``meta.hasMore``.
- On Cloud the deprecated v1 content endpoints answer 410 Gone (CHANGE-864); v1 stays where
  v2 has nothing: adding labels, attachments, ``user/current`` (``v1_removed = False`` brings
  back the older Cloud that still served them). Scoped tokens reach it through the gateway
  path ``/ex/confluence/{cloud_id}/wiki`` (``gateway_url``); the site publishes its cloud id at
  ``/_edge/tenant_info``.

Where the descriptions leave an answer open, a switch picks it: ``stale_version_status``
(v2's answer to a stale version: 409, or 400 naming the version); Data Center's
``expands_properties`` (whether ``expand=metadata.properties.<key>`` is honoured: it is
documented for Cloud only) and ``anonymous_access`` (a wrong or expired PAT is served as the
anonymous user, CONFSERVER-98199, instead of 401); ``title_match`` ("exact", or "loose":
case-insensitive substring, to prove the product checks titles itself). ``context`` gives
Data Center a context path (``/confluence``).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html.entities
import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

from lxml import etree

from tests.fakes.http import Answer, LocalServer
from tests.fakes.paging import cursor_page, start_page
from tests.fakes.recorder import record

Json = dict[str, Any]

MAX_BODY_BYTES = 5 * 1024 * 1024
JSON_TYPE = "application/json;charset=UTF-8"
STORAGE_NAMESPACES = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
    "at": "http://atlassian.com/template",
}
_ROOT = "fake-storage-root"
_ROOT_OPEN = f"<{_ROOT} " + " ".join(f'xmlns:{p}="{u}"' for p, u in STORAGE_NAMESPACES.items())
_ROOT_OPEN += ">"
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
V2_CODES = {
    400: "INVALID_REQUEST_PARAMETER",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "REQUEST_ENTITY_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
DEFAULT_MESSAGES = {
    429: "Rate limit exceeded. Please try again later.",
    500: "An internal error occurred.",
    503: "Service Unavailable",
}


# --- state -----------------------------------------------------------------------------


@dataclass
class Space:
    key: str
    id: str
    homepage_id: str
    name: str


@dataclass
class PageVersion:
    number: int
    message: str = ""
    minorEdit: bool = False  # the API's spelling, as tests read it
    when: str = field(default_factory=lambda: _now())
    body: str | None = None  # the storage body this version saved, when known


@dataclass
class StoredPage:
    """A page as the fake keeps it; ``properties`` maps key → {"id","key","value","version"}
    (``version`` an int); ``labels`` holds label names (prefix ``global``)."""

    id: str
    space_key: str
    title: str
    parent_id: str | None
    body: str
    version: int = 1
    history: list[PageVersion] = field(default_factory=lambda: [PageVersion(1)])
    properties: dict[str, Json] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    status: str = "current"  # or "archived", "trashed"

    def current(self) -> PageVersion:
        """The latest version; ``version`` rules (a test may bump it without a history entry)."""
        last = self.history[-1] if self.history else None
        return last if last and last.number == self.version else PageVersion(self.version)


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    content_type: str | None = None
    trickle: float = 0.0


class _Fail(Exception):
    """Raised by a handler; the dispatcher wraps it in the envelope of the API asked."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class _Request:
    method: str
    path: str  # below the API root, e.g. "/content/123"
    query: dict[str, str]
    raw: bytes
    anonymous: bool = False  # Data Center served it as the anonymous user
    pairs: tuple[tuple[str, str], ...] = ()  # the query as sent, repeated names kept

    def values(self, name: str) -> list[str]:
        """A multi-valued parameter, repeated (``status=a&status=b``) or comma-separated."""
        return [v.strip() for k, raw in self.pairs if k == name for v in raw.split(",") if v]

    def json(self) -> Any:
        try:
            return json.loads(self.raw or b"null")
        except ValueError:
            raise _Fail(400, "Could not parse the request body as JSON") from None

    def object(self) -> Json:
        data = self.json()
        if not isinstance(data, dict):
            raise _Fail(400, "The request body must be a JSON object")
        return data


# --- the fake ----------------------------------------------------------------------------


class FakeConfluence(LocalServer):
    """``with FakeConfluence(deployment="cloud") as fake:`` a server on a free port."""

    def __init__(self, deployment: str = "cloud", context: str | None = None) -> None:
        if deployment not in ("cloud", "datacenter"):
            raise ValueError(f"deployment must be 'cloud' or 'datacenter', not {deployment!r}")
        self.deployment = deployment
        self._context = context
        self.lock = threading.RLock()
        self.username = "bot@example.org"
        self.api_token = "cloud-token"
        self.pat = "dc-pat"
        self.spaces: dict[str, Space] = {}
        self.pages: dict[str, StoredPage] = {}
        self.forbidden_spaces: set[str] = set()
        self.read_only = False
        self.cloud_id = "a436116f-02ce-4520-8fbb-7301462a1674"
        self.v1_removed = deployment == "cloud"
        self.max_page_size = 250
        self.title_match = "exact"
        self.stale_version_status = 409
        self.expands_properties = True
        self.anonymous_access = False
        self.display_name = "Notes Bot"
        self.notifications: list[tuple[str, int]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.on_before_put: Callable[[StoredPage], None] | None = None
        self._failures: list[_Failure] = []
        self._anonymous = False  # the request being served came as the anonymous user
        self._ids = itertools.count(100001)
        self._routes = {"v1": self._v1_routes(), "v2": self._v2_routes()}

    @property
    def context(self) -> str:
        if self._context is not None:
            return self._context
        return "/wiki" if self.deployment == "cloud" else ""

    @property
    def url(self) -> str:
        """The base URL the product is configured with."""
        return self.origin + self.context

    @property
    def gateway_url(self) -> str:
        """Cloud through the scoped-token gateway (``https://api.atlassian.com/ex/confluence/
        {cloudId}``), served by this same fake."""
        return f"{self.origin}/ex/confluence/{self.cloud_id}"

    # --- seeding and inspection ------------------------------------------------------------

    def add_space(
        self, key: str, space_id: str, homepage_id: str, name: str | None = None
    ) -> Space:
        """A space and its home page (a page titled ``<name>``, stored like any other)."""
        with self.lock:
            space = Space(key, str(space_id), str(homepage_id), name or f"{key} space")
            self.spaces[key] = space
            self.pages[space.homepage_id] = StoredPage(space.homepage_id, key, space.name, None, "")
            return space

    def add_page(
        self,
        space_key: str,
        title: str,
        body: str,
        parent_id: str | None = None,
        status: str = "current",
    ) -> str:
        """A page at version 1 (no notification); returns its id. An archived or trashed
        page may share the title of a current one."""
        with self.lock:
            page = StoredPage(self._new_id(), space_key, title, parent_id, body, status=status)
            page.history[0].body = body
            self.pages[page.id] = page
            return page.id

    def add_property(self, page_id: str, key: str, value: Any) -> str:
        """A content property at version 1; returns its id."""
        with self.lock:
            prop = {"id": self._new_id(), "key": key, "value": value, "version": 1}
            self.pages[page_id].properties[key] = prop
            return prop["id"]

    def edit_page(
        self, page_id: str, body: str, message: str = "", minor_edit: bool = False
    ) -> StoredPage:
        """A person saves the page in the editor: a new version (not in ``notifications``,
        which records what API clients cause)."""
        with self.lock:
            page = self.pages[page_id]
            page.body = body
            page.version += 1
            page.history.append(PageVersion(page.version, message, minor_edit, body=body))
            return page

    def find_page(self, space_key: str, title: str) -> StoredPage | None:
        """The current page of that title (titles are unique among a space's current pages)."""
        with self.lock:
            return next(
                (
                    p
                    for p in self.pages.values()
                    if (p.space_key, p.title, p.status) == (space_key, title, "current")
                ),
                None,
            )

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        content_type: str | None = None,
        trickle: float = 0.0,
    ) -> None:
        """The next ``times`` requests of ``method`` (``"*"``: any) whose path (with
        ``/wiki`` on Cloud, without the query) matches get ``status``, before any auth
        check. ``body``: a dict (sent as JSON), str or bytes; default: the API's envelope.
        ``content_type`` overrides the answer's; ``trickle`` sends the body one byte every so
        many seconds (a proxy that holds the connection). A redirect to ``/sso/login`` lands
        on an identity provider's login page (HTML, 200), as behind an SSO proxy."""
        with self.lock:
            self._failures.append(
                _Failure(
                    method.upper(),
                    re.compile(path_regex),
                    status,
                    headers or {},
                    body,
                    times,
                    content_type,
                    trickle,
                )
            )

    def reset_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def count(self, method: str | None = None, path_regex: str = "") -> int:
        """How many logged requests match ``method`` (any if None) and ``path_regex``."""
        with self.lock:
            return sum(
                1
                for m, path, _query in self.requests
                if (method is None or m == method.upper()) and re.search(path_regex, path)
            )

    # --- serving -----------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Any, raw: bytes) -> Answer:
        parts = urlsplit(target)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        path, query = parts.path, dict(pairs)
        with self.lock:
            self.requests.append((method, path, query))
            api, rest = self._api_of(path)
            failure = self._injected(method, path, api)
            answer = failure or self._answer(api, method, path, rest, pairs, headers, raw)
            if self.deployment == "cloud":
                record(method, api, rest, pairs, raw, answer, injected=failure is not None)
            return answer

    def _answer(
        self,
        api: str | None,
        method: str,
        path: str,
        rest: str,
        query_pairs: list[tuple[str, str]],
        headers: Any,
        raw: bytes,
    ) -> Answer:
        query = dict(query_pairs)
        if api is None:
            if path == "/_edge/tenant_info" and self.deployment == "cloud":
                return _json(200, {"cloudId": self.cloud_id})
            if path.startswith("/sso/"):
                return Answer(200, LOGIN_PAGE, "text/html;charset=UTF-8")
            return _html_404(path)
        user = self._user(headers.get("Authorization", ""))
        if user is None:
            return _error(api, 401, "Client must be authenticated to access this resource.")
        if api == "v1" and self.v1_removed and not _v1_kept(method, rest):
            return _error(api, 410, "This deprecated endpoint has been removed.")
        request = _Request(method, rest, query, raw, user == "anonymous", tuple(query_pairs))
        if method != "GET" and (self.read_only or request.anonymous):
            if api == "v2":  # v2 documents no 403: "does not have the needed permissions"
                return _error(api, 404, "The user does not have the needed permissions")
            return _error(api, 403, "User not permitted to create or edit content here")
        return self._dispatch(api, request)

    def _api_of(self, path: str) -> tuple[str | None, str]:
        gateway = f"/ex/confluence/{self.cloud_id}/wiki/"
        if self.deployment == "cloud" and path.startswith(gateway):
            path = "/wiki/" + path[len(gateway) :]
        if not path.startswith(self.context + "/"):
            return None, path
        below = path[len(self.context) :]
        if below.startswith("/rest/api/"):
            return "v1", below[len("/rest/api") :]
        if below.startswith("/api/v2/") and self.deployment == "cloud":
            return "v2", below[len("/api/v2") :]
        return None, path

    def _injected(self, method: str, path: str, api: str | None) -> Answer | None:
        for failure in self._failures:
            if failure.times <= 0 or failure.method not in ("*", method):
                continue
            if failure.pattern.search(path):
                failure.times -= 1
                if failure.body is None:
                    message = DEFAULT_MESSAGES.get(failure.status, REASONS.get(failure.status, ""))
                    answer = _error(api or "v1", failure.status, message)
                elif isinstance(failure.body, dict | list):
                    answer = _json(failure.status, failure.body)
                else:
                    raw = failure.body if isinstance(failure.body, bytes) else failure.body.encode()
                    answer = Answer(failure.status, raw, "text/plain;charset=UTF-8")
                answer.headers.update(failure.headers)
                answer.content_type = failure.content_type or answer.content_type
                answer.trickle = failure.trickle
                return answer
        return None

    def _user(self, header: str) -> str | None:
        """ "bot" for the fake's credentials; "anonymous" for any other on a Data Center with
        anonymous access (CONFSERVER-98199); None: 401."""
        scheme, _, credential = header.partition(" ")
        if self.deployment == "datacenter":
            if scheme == "Bearer" and credential == self.pat:
                return "bot"
            return "anonymous" if self.anonymous_access else None
        expected = base64.b64encode(f"{self.username}:{self.api_token}".encode()).decode()
        return "bot" if scheme == "Basic" and credential == expected else None

    def _dispatch(self, api: str, request: _Request) -> Answer:
        self._anonymous = request.anonymous
        allowed = []
        for method, pattern, handler in self._routes[api]:
            match = pattern.fullmatch(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            try:
                status, data = handler(request, *match.groups())
            except _Fail as fail:
                status = 404 if api == "v2" and fail.status == 403 else fail.status
                return _error(api, status, fail.message)
            if isinstance(data, Answer):
                return data
            return Answer(status, b"", JSON_TYPE) if data is None else _json(status, data)
        if allowed:
            return _error(api, 405, f"Method {request.method} not allowed; use {allowed}")
        return _html_404(request.path)

    def _as_of(self, page: StoredPage, number: str) -> StoredPage:
        """A read-only copy of the page as one of its versions saved it."""
        found = next((v for v in page.history if str(v.number) == number), None)
        if found is None or found.body is None:
            raise _Fail(404, f"No version {number} of content {page.id}")
        history = [v for v in page.history if v.number <= found.number]
        return dataclasses.replace(page, body=found.body, version=found.number, history=history)

    def _new_id(self) -> str:
        while (candidate := str(next(self._ids))) in self.pages:
            pass
        return candidate

    # --- shared rules --------------------------------------------------------------------

    def _page(self, page_id: str) -> StoredPage:
        page = self.pages.get(page_id)
        if page is None:
            raise _Fail(404, f"No content found with id: ContentId{{id={page_id}}}")
        self._check_space(page.space_key)
        return page

    def _check_space(self, key: str) -> None:
        if self._anonymous:  # the anonymous user sees no space: none is public here
            raise _Fail(404, f"No space with key : {key}")
        if key in self.forbidden_spaces:
            raise _Fail(403, f"User not permitted to view or edit content in space {key}")

    def _check_new_body(self, body: Any) -> str:
        if not isinstance(body, str):
            raise _Fail(400, "A storage body {value, representation: storage} is required")
        if len(body.encode()) > MAX_BODY_BYTES:
            raise _Fail(413, f"The page body is too large: at most {MAX_BODY_BYTES} bytes")
        problem = storage_error(body)
        if problem:
            raise _Fail(400, problem)
        return body

    def _check_title(self, space_key: str, title: Any, page_id: str | None = None) -> str:
        if not isinstance(title, str) or not title.strip():
            raise _Fail(400, "Content title is required")
        clash = self.find_page(space_key, title)
        if clash is not None and clash.id != page_id:
            raise _Fail(
                400,
                "A page with this title already exists: A page already exists with the "
                f"same TITLE in this space: {title}",
            )
        return title

    def _visible(self, page: StoredPage) -> bool:
        return not self._anonymous and page.space_key not in self.forbidden_spaces

    def _create(self, space_key: str, title: str, body: str, parent: Any, minor: bool) -> str:
        page = StoredPage(self._new_id(), space_key, title, str(parent) if parent else None, body)
        page.history = [PageVersion(1, "", minor, body=body)]
        self.pages[page.id] = page
        if not minor:
            self.notifications.append((page.id, 1))
        return page.id

    def _update(self, page: StoredPage, number: Any, apply: Callable[[], None]) -> None:
        """Compare versions after the ``on_before_put`` hook; ``apply`` makes the change."""
        if self.on_before_put is not None:
            self.on_before_put(page)
        if number != page.version + 1:
            raise _VersionConflict(page.version, number)
        apply()

    def _save(self, page: StoredPage, version: Json) -> None:
        minor = bool(version.get("minorEdit", False))
        page.version += 1
        message = str(version.get("message") or "")
        page.history.append(PageVersion(page.version, message, minor, body=page.body))
        if not minor:
            self.notifications.append((page.id, page.version))

    def _links(self, page: StoredPage) -> Json:
        title = quote_plus(page.title)
        webui = (
            f"/spaces/{page.space_key}/pages/{page.id}/{title}"
            if self.deployment == "cloud"
            else f"/display/{page.space_key}/{title}"
        )
        return {"webui": webui, "tinyui": f"/x/{int(page.id):x}"}

    # --- REST v1 -------------------------------------------------------------------------

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

    # --- REST v2 (Cloud) -----------------------------------------------------------------

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


class _VersionConflict(Exception):
    def __init__(self, current: int, sent: Any) -> None:
        super().__init__(f"current {current}, sent {sent}")
        self.current, self.sent = current, sent


# --- storage format ------------------------------------------------------------------------


def storage_error(body: str) -> str | None:
    """Confluence's 400 message for a body that is not well-formed storage XHTML, or None.

    Parsed the way Confluence does: inside a root that declares ``ac``, ``ri`` and ``at``;
    HTML named entities (``&nbsp;``) are accepted; positions are ``[row,col]`` of the body.
    """
    text = _ENTITY.sub(_numeric_entity, body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(f"{_ROOT_OPEN}{text}</{_ROOT}>".encode(), parser)
    except etree.XMLSyntaxError as error:
        row, byte_col = error.position
        if row == 1:
            byte_col -= len(_ROOT_OPEN.encode())
        reason = re.sub(r", line \d+, column \d+$", "", error.msg)
        message, col = _woodstox(reason, text, row, byte_col)
        return f"Error parsing xhtml: {message}\n at [row,col {{unknown-source}}]: [{row},{col}]"
    return None


def _numeric_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    chars = html.entities.html5.get(name + ";")
    if chars is None:
        return match.group(0)  # left for the parser to reject
    return "".join(f"&#{ord(c)};" for c in chars)


def _woodstox(message: str, text: str, row: int, byte_col: int) -> tuple[str, int]:
    """Word libxml2's message as Woodstox (Confluence's parser) would, with its column."""
    lines = text.split("\n")
    line = lines[row - 1] if row - 1 < len(lines) else ""
    before = line.encode()[: max(byte_col - 1, 0)].decode(errors="ignore")
    col = len(before) + 1
    if mismatch := re.match(r"Opening and ending tag mismatch: (\S+) line \d+ and (\S+)$", message):
        return _mismatch(*mismatch.groups(), before, col)
    if entity := re.match(r"Entity '([^']+)' not defined", message):
        return f'Undeclared general entity "{entity.group(1)}"', col
    if char := re.search(r"invalid Char value (\d+)", message):
        return f"Illegal character ((CTRL-CHAR, code {char.group(1)}))", col
    if prefix := re.match(r"Namespace prefix (\S+) on \S+ is not defined", message):
        return f'Undeclared namespace prefix "{prefix.group(1)}"', col
    if "']]>' not allowed" in message:
        return (
            "String ']]>' not allowed in textual content, except as the end marker of "
            "CDATA section",
            col,
        )
    found = line[col - 1] if 0 < col <= len(line) else " "
    if message.startswith(("StartTag: invalid element name", "xmlParseEntityRef: no name")):
        after = "'<' (malformed start element?)" if "StartTag" in message else "'&'"
        return f"Unexpected character '{found}' (code {ord(found)}) after {after}", col
    return f"Unexpected character '{found}' (code {ord(found)}): {message}", col


def _mismatch(opened: str, closed: str, before: str, col: int) -> tuple[str, int]:
    if closed == _ROOT:
        return f"Unexpected EOF; was expecting a close tag for element <{opened}>", col
    if opened == _ROOT:
        return f"Unexpected close tag </{closed}>; no open element", col
    start = before.rfind(f"</{closed}")
    message = f"Unexpected close tag </{closed}>; expected </{opened}>."
    return message, start + 1 if start >= 0 else col


# --- helpers -------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(status: int, data: Any) -> Answer:
    return Answer(status, json.dumps(data).encode(), JSON_TYPE)


def _error(api: str, status: int, message: str) -> Answer:
    """v1: ``{"statusCode","data","message","reason"}``; v2: ``{"errors":[…]}``."""
    if api == "v2":
        code = V2_CODES.get(status, REASONS.get(status, "ERROR").upper().replace(" ", "_"))
        return _json(
            status, {"errors": [{"status": status, "code": code, "title": message, "detail": None}]}
        )
    envelope: Json = {"statusCode": status, "message": message, "reason": REASONS.get(status, "")}
    if status != 401:
        envelope["data"] = {
            "authorized": status != 403,
            "valid": status != 400,
            "errors": [],
            "successful": False,
        }
    return _json(status, envelope)


LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
    b"<form method='post' action='/sso/login'><input name='username'></form></body></html>"
)
EMBEDDED_MAX = 50  # what include-properties / include-labels embed at most


def _embedded(items: list[Json], path: str) -> Json:
    """An ``include-…`` list: the first 50, ``meta.hasMore``, a link to all of them."""
    more = len(items) > EMBEDDED_MAX
    return {
        "results": items[:EMBEDDED_MAX],
        "meta": {"hasMore": more, "cursor": ""},
        "_links": {"self": f"/wiki/api/v2{path}"},
    }


# The v1 endpoints Cloud still serves because v2 has no equivalent (CHANGE-864 removed the
# rest): adding labels, attachments, who the caller is.
_V1_KEPT = (
    ("POST", re.compile(r"/content/\d+/label")),
    ("*", re.compile(r"/content/\d+/child/attachment(/.*)?")),
    ("GET", re.compile(r"/user/current")),
)


def _v1_kept(method: str, path: str) -> bool:
    return any(m in ("*", method) and p.fullmatch(path) for m, p in _V1_KEPT)


def _html_404(path: str) -> Answer:
    page = f"<html><body><h1>HTTP Status 404 – Not Found</h1><p>{path}</p></body></html>"
    return Answer(404, page.encode(), "text/html;charset=UTF-8")


def _expand(query: dict[str, str], default: set[str] | None = None) -> set[str]:
    if "expand" not in query:
        return set(default or ())
    return {part.strip() for part in query["expand"].split(",") if part.strip()}


def _csv(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


def _v1_storage(data: Json) -> Any:
    """The storage value of a v1 body ``{"storage":{"value","representation"}}``, or None."""
    body = data.get("body")
    if body is None:
        return None
    storage = body.get("storage") if isinstance(body, dict) else None
    if not isinstance(storage, dict) or storage.get("representation", "storage") != "storage":
        raise _Fail(400, "The fake accepts body.storage with representation storage only")
    return storage.get("value")


def _v2_storage(data: Json) -> Any:
    """v2 takes ``{"representation","value"}`` or the nested ``{"storage":{…}}`` form."""
    body = data.get("body")
    if isinstance(body, dict) and isinstance(body.get("storage"), dict):
        body = {"representation": "storage", **body["storage"]}
    if not isinstance(body, dict) or body.get("representation") != "storage":
        raise _Fail(400, "The fake accepts body.representation storage only")
    return body.get("value")


# --- the HTTP server -------------------------------------------------------------------------
