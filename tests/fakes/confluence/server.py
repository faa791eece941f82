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
import itertools
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

from tests.fakes.confluence.attachments import AttachmentApi, AttachmentVersion
from tests.fakes.confluence.state import (
    PageVersion,
    Space,
    StoredPage,
    _Fail,
    _Failure,
    _Request,
    _VersionConflict,
)
from tests.fakes.confluence.v1 import V1Api
from tests.fakes.confluence.v2 import V2Api
from tests.fakes.confluence.wire import (
    DEFAULT_MESSAGES,
    JSON_TYPE,
    LOGIN_PAGE,
    MAX_BODY_BYTES,
    REASONS,
    Json,
    _error,
    _html_404,
    _json,
    _v1_kept,
    storage_error,
)
from tests.fakes.http import Answer, LocalServer
from tests.fakes.recorder import record

# --- the fake ----------------------------------------------------------------------------


class FakeConfluence(V1Api, V2Api, AttachmentApi, LocalServer):
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
        self.notifications: list[tuple[str, int | str]] = []
        self.attachments: dict[
            str, dict[str, list[AttachmentVersion]]
        ] = {}  # page → name → versions
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
                sent_as = headers.get("Content-Type", "")
                record(method, api, rest, pairs, (sent_as, raw), answer, failure is not None)
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
        sent = {str(k).lower(): str(v) for k, v in headers.items()}
        request = _Request(method, rest, query, raw, user == "anonymous", tuple(query_pairs), sent)
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
