"""A fake Google over real HTTP on 127.0.0.1: OAuth token endpoints, Docs API v1, Drive API v3.

Google's own client libraries talk to it unchanged: point a service-account key's
``token_uri`` (or an external-account config's ``token_url``) and ``[source] api_endpoint`` at
``fake.url``. It serves Google's real paths (``/v1/documents/{id}``,
``/drive/v3/files/{id}``), checks what Google checks (a JWT signed by the key, read-only
scopes, a bearer token it issued) and answers with Google's error envelopes. No sleeps: a
failure to inject is queued with ``fail_next`` and served on the next matching request.

Documents are stored as Google keeps them, suggestions inline; ``suggestionsViewMode`` and
``includeTabsContent`` shape each answer the way the Docs API does.

Images: a stored doc's ``imageProperties.contentUri`` may name an image added with
``add_image``; each ``documents.get`` answer then carries a freshly minted link to it, as the
Docs API documents ``contentUri``: "a default lifetime of 30 minutes … tagged with the account
of the requester. Anyone with the URI effectively accesses the image as the original
requester". So the link needs no token (the fake records whether one was sent anyway), and
``expire_image_links`` (or ``links_outlived``, for links a run is yet to read) is the half
hour passing.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.http import Answer, LocalServer

Json = dict[str, Any]

SERVICE_ACCOUNT = "notes-sync@proj.iam.gserviceaccount.com"
READ_ONLY_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/documents.readonly",
        "https://www.googleapis.com/auth/drive.readonly",
    }
)
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"  # google-auth's fixed `aud`
DOC_MIME = "application/vnd.google-apps.document"
IMAGE_LINK = "fake-image:"  # a stored contentUri naming an image of add_image
# What a tab holds; an untabbed answer carries the first tab's copy of these at the top level.
TAB_FIELDS = (
    "body",
    "headers",
    "footers",
    "footnotes",
    "documentStyle",
    "suggestedDocumentStyleChanges",
    "namedStyles",
    "suggestedNamedStylesChanges",
    "lists",
    "namedRanges",
    "inlineObjects",
    "positionedObjects",
)
STATUS_NAMES = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'."),
    500: ("INTERNAL", "Internal error encountered."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
}


SSO_LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
    b"<body><form method='post' action='/sso/login'><input name='username'></form></body></html>"
)


@dataclass
class _Stored:
    doc: Json  # tabs form, suggestions inline
    version: int = 1
    revision: str = field(default_factory=lambda: "ALBJ4L" + secrets.token_urlsafe(12))
    modified: str = field(default_factory=lambda: _now_rfc3339())


@dataclass
class _Failure:
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str]
    body: bytes | None = None
    content_type: str | None = None
    trickle: float = 0.0


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, json.dumps(data).encode(), headers=headers or {})


def _google_error(status: int, message: str | None = None) -> Answer:
    """Google's JSON error envelope, as the Docs API sends it."""
    name, default = STATUS_NAMES.get(status, ("UNKNOWN", "Unknown error."))
    return _json(status, {"error": {"code": status, "message": message or default, "status": name}})


def _drive_error(status: int, reason: str, message: str) -> Answer:
    """Drive v3's envelope: also lists ``errors[]`` with a ``reason``."""
    errors = [{"message": message, "domain": "global", "reason": reason}]
    return _json(status, {"error": {"code": status, "message": message, "errors": errors}})


def _oauth_error(status: int, error: str, description: str) -> Answer:
    return _json(status, {"error": error, "error_description": description})


def _now_rfc3339() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeGoogle(LocalServer):
    """``with FakeGoogle() as fake:`` a server on a free port; ``fake.url`` is the endpoint."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.documents: dict[str, _Stored] = {}
        self.forbidden: set[str] = set()
        self.viewer_only = False
        self.reject_tokens = False
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.token_claims: list[Json] = []  # the verified JWT claims of each grant
        self.exchanges: list[Json] = []  # the form of each STS token exchange
        self.tokens_issued = 0
        self._tokens: set[str] = set()
        self._keys: dict[str, tuple[str, rsa.RSAPublicKey]] = {}  # key id → (email, key)
        self._subject_tokens: set[str] = set()
        self._failures: list[_Failure] = []
        self._images: dict[str, tuple[bytes, str]] = {}  # name → (bytes, media type)
        self._links: dict[str, str] = {}  # the token in a live content link → image name
        self.image_downloads: list[tuple[str, bool]] = []  # (image, sent a token) per GET
        self.links_outlived = False  # True: half an hour passes between a read and a download

    @property
    def url(self) -> str:
        """The api_endpoint (and token_uri origin) the product is configured with."""
        return self.origin

    # --- credentials ---------------------------------------------------------------------

    def service_account_file(
        self, directory: Path, email: str = SERVICE_ACCOUNT, name: str = "service-account.json"
    ) -> Path:
        """A service-account key whose ``token_uri`` is this fake; a fresh RSA key each time."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        with self.lock:
            self._keys[key_id] = (email, private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        info = {
            "type": "service_account",
            "project_id": "proj",
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": f"{self.url}/token",
            "universe_domain": "googleapis.com",
        }
        path = directory / name
        path.write_text(json.dumps(info, indent=2))
        return path

    def external_account_file(self, directory: Path, name: str = "wif.json") -> Path:
        """A Workload Identity Federation config (direct resource access, no impersonation)
        whose subject token is a file, as a CI job's OIDC token would be."""
        subject_token = "oidc." + secrets.token_urlsafe(24)
        with self.lock:
            self._subject_tokens.add(subject_token)
        token_file = directory / f"{name}.oidc-token"
        token_file.write_text(subject_token)
        info = {
            "type": "external_account",
            "audience": "//iam.googleapis.com/projects/123456/locations/global/"
            "workloadIdentityPools/ci/providers/github",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": f"{self.url}/sts",
            "credential_source": {"file": str(token_file)},
            "universe_domain": "googleapis.com",
        }
        path = directory / name
        path.write_text(json.dumps(info, indent=2))
        return path

    def issue_token(self) -> str:
        """A valid access token without the OAuth dance, for raw requests in tests."""
        with self.lock:
            return json.loads(self._issue().body)["access_token"]

    def revoke_tokens(self) -> None:
        """Every issued access token stops working (as if it had expired)."""
        with self.lock:
            self._tokens.clear()

    # --- documents -----------------------------------------------------------------------

    def add_document(self, doc: Json, doc_id: str | None = None) -> str:
        """Store a ``documents.get`` JSON (tabbed or not, suggestions inline); returns its ID."""
        doc_id = doc_id or doc.get("documentId") or secrets.token_urlsafe(33)
        with self.lock:
            self.documents[doc_id] = _Stored(_tabbed(doc, doc_id))
        return doc_id

    def edit(self, doc_id: str, doc: Json) -> None:
        """Replace the content: Drive's version goes up and a new revision ID is minted."""
        with self.lock:
            old = self.documents[doc_id]
            self.documents[doc_id] = _Stored(_tabbed(doc, doc_id), version=old.version + 1)

    def add_image(self, data: bytes, content_type: str = "image/png") -> str:
        """Keep an image; returns what a stored doc's ``contentUri`` says to show it."""
        name = f"image-{len(self._images) + 1}"
        with self.lock:
            self._images[name] = (data, content_type)
        return IMAGE_LINK + name

    def replace_image(self, link: str, data: bytes) -> None:
        """Someone pastes a new picture over an old one (its links stay the doc's)."""
        name = link.removeprefix(IMAGE_LINK)
        with self.lock:
            self._images[name] = (data, self._images[name][1])

    def expire_image_links(self) -> None:
        """Half an hour passes: every content link minted so far stops working."""
        with self.lock:
            self._links.clear()

    def fail_next(
        self,
        path_regex: str,
        status: int,
        times: int = 1,
        headers: dict[str, str] | None = None,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        trickle: float = 0.0,
    ) -> None:
        """The next ``times`` requests whose path matches get ``status`` (e.g. 429, 503),
        with Google's error envelope or ``body`` (of ``content_type``), sent one byte every
        ``trickle`` seconds if given. A redirect to ``/sso/login`` lands on an identity
        provider's login page (HTML, 200), as behind an SSO proxy."""
        with self.lock:
            self._failures.append(
                _Failure(
                    re.compile(path_regex),
                    status,
                    times,
                    headers or {},
                    body,
                    content_type,
                    trickle,
                )
            )

    def paths(self) -> list[str]:
        """The path of every request so far, in order (without the query)."""
        with self.lock:
            return [path for _method, path, _query in self.requests]

    # --- serving -------------------------------------------------------------------------

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        with self.lock:
            self.requests.append((method, parts.path, query))
            failure = self._injected(parts.path)
            if failure is not None:
                return failure
            return self._route(method, parts.path, query, headers, body)

    def _injected(self, path: str) -> Answer | None:
        for failure in self._failures:
            if failure.times > 0 and failure.pattern.search(path):
                failure.times -= 1
                if failure.body is None:
                    answer = _google_error(failure.status)
                else:
                    answer = Answer(failure.status, failure.body)
                answer.content_type = failure.content_type or answer.content_type
                answer.headers.update(failure.headers)
                answer.trickle = failure.trickle
                return answer
        return None

    def _route(self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes):
        if path.startswith("/sso/"):
            return Answer(200, SSO_LOGIN_PAGE, "text/html; charset=UTF-8")
        if method == "POST" and path == "/token":
            return self._grant(_form(body))
        if method == "POST" and path == "/sts":
            return self._exchange(_form(body))
        if method != "GET":
            return _google_error(404, f"The requested URL {path} was not found on this server.")
        if match := re.fullmatch(r"/docsz/([\w-]+)", path):
            return self._image(match.group(1), bool(headers.get("Authorization")))
        if not self._authorized(headers.get("Authorization", "")):
            return _google_error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            )
        if match := re.fullmatch(r"/v1/documents/([^/]+)", path):
            return self._document(match.group(1), query)
        if match := re.fullmatch(r"/drive/v3/files/([^/]+)", path):
            return self._file(match.group(1), query)
        if match := re.fullmatch(r"/drive/v3/files/([^/]+)/export", path):
            return self._export(match.group(1), query)
        return _google_error(404, f"The requested URL {path} was not found on this server.")

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        return scheme == "Bearer" and token in self._tokens

    def _issue(self) -> Answer:
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self._tokens.add(token)
        self.tokens_issued += 1
        return _json(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    # --- OAuth ---------------------------------------------------------------------------

    def _grant(self, form: dict[str, str]) -> Answer:
        """The JWT-bearer grant a service account makes (RFC 7523)."""
        if form.get("grant_type") != JWT_BEARER:
            return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")
        claims = self._verified(form.get("assertion", ""))
        if self.reject_tokens or claims is None:
            return _oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
        if claims.get("aud") not in (GOOGLE_TOKEN_AUDIENCE, f"{self.url}/token"):
            return _oauth_error(400, "invalid_grant", "Invalid JWT: audience mismatch.")
        if not claims.get("exp", 0) > time.time() - 60:
            return _oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived.")
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes or not scopes <= READ_ONLY_SCOPES:
            return _oauth_error(400, "invalid_scope", f"Not a read-only scope: {sorted(scopes)}")
        self.token_claims.append(claims)
        return self._issue()

    def _verified(self, assertion: str) -> Json | None:
        """The claims, if the JWT is RS256-signed by a key this fake handed out to its email."""
        try:
            head, payload, signature = assertion.split(".")
            header, claims = json.loads(_b64decode(head)), json.loads(_b64decode(payload))
            email, public = self._keys[header["kid"]]
            if header.get("alg") != "RS256" or claims.get("iss") != email:
                return None
            public.verify(
                _b64decode(signature),
                f"{head}.{payload}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (ValueError, KeyError, TypeError, InvalidSignature):
            return None
        return claims

    def _exchange(self, form: dict[str, str]) -> Answer:
        """The STS token exchange an ``external_account`` makes."""
        if form.get("grant_type") != TOKEN_EXCHANGE:
            return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")
        if self.reject_tokens or form.get("subject_token") not in self._subject_tokens:
            return _oauth_error(400, "invalid_grant", "The subject token is invalid.")
        scopes = set(form.get("scope", "").split())
        if not scopes or not scopes <= READ_ONLY_SCOPES:
            return _oauth_error(400, "invalid_scope", f"Not a read-only scope: {sorted(scopes)}")
        self.exchanges.append(form)
        answer = self._issue()
        data = json.loads(answer.body)
        data["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token"
        return _json(200, data)

    # --- Docs and Drive ------------------------------------------------------------------

    def _document(self, doc_id: str, query: dict[str, str]) -> Answer:
        stored = self.documents.get(doc_id)
        if stored is None:
            return _google_error(404)
        if doc_id in self.forbidden:
            return _google_error(403)
        mode = query.get("suggestionsViewMode", "DEFAULT_FOR_CURRENT_ACCESS")
        doc = _view(stored.doc, mode)
        if query.get("includeTabsContent") != "true":
            doc = _untabbed(doc)
        if not self.viewer_only:
            doc["revisionId"] = stored.revision
        doc["suggestionsViewMode"] = mode
        return _json(200, self._with_links(doc))

    def _with_links(self, doc: Any) -> Any:
        """The answer with each image's ``contentUri`` a link minted for this request."""
        if isinstance(doc, list):
            return [self._with_links(item) for item in doc]
        if not isinstance(doc, dict):
            return doc
        out = {key: self._with_links(value) for key, value in doc.items()}
        link = out.get("contentUri")
        if isinstance(link, str) and link.startswith(IMAGE_LINK):
            token = secrets.token_urlsafe(24)
            if not self.links_outlived:
                self._links[token] = link.removeprefix(IMAGE_LINK)
            out["contentUri"] = f"{self.origin}/docsz/{token}?key={secrets.token_urlsafe(8)}"
        return out

    def _image(self, token: str, sent_token: bool) -> Answer:
        name = self._links.get(token)
        self.image_downloads.append((name or "", sent_token))
        if name is None:  # googleusercontent.com's answer to a link past its lifetime
            return Answer(403, b"<html><body>Error 403 (Forbidden)</body></html>", "text/html")
        data, content_type = self._images[name]
        return Answer(200, data, content_type)

    def _file(self, doc_id: str, query: dict[str, str]) -> Answer:
        stored = self.documents.get(doc_id)
        if stored is None or doc_id in self.forbidden:  # Drive hides what you cannot see
            return _drive_error(404, "notFound", f"File not found: {doc_id}.")
        metadata = {
            "kind": "drive#file",
            "id": doc_id,
            "name": stored.doc.get("title", ""),
            "mimeType": DOC_MIME,
            "version": str(stored.version),
            "modifiedTime": stored.modified,
        }
        fields = query.get("fields", "kind,id,name,mimeType")
        if fields == "*":
            return _json(200, metadata)
        wanted = [name.strip() for name in fields.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in metadata]
        if unknown:
            return _drive_error(400, "invalidParameter", f"Invalid field selection {unknown[0]}")
        return _json(200, {name: metadata[name] for name in wanted})

    def _export(self, doc_id: str, query: dict[str, str]) -> Answer:
        stored = self.documents.get(doc_id)
        if stored is None or doc_id in self.forbidden:
            return _drive_error(404, "notFound", f"File not found: {doc_id}.")
        page = _html(_view(stored.doc, "PREVIEW_WITHOUT_SUGGESTIONS"))
        mime = query.get("mimeType")
        if mime == "text/html":
            return Answer(200, page.encode(), "text/html")
        if mime == "application/zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                title = re.sub(r"[^\w.-]+", "", stored.doc.get("title", "")) or "Untitled"
                archive.writestr(f"{title}.html", page)
            return Answer(200, buffer.getvalue(), "application/zip")
        return _drive_error(400, "badRequest", "The requested conversion is not supported.")


# --- the HTTP server ---------------------------------------------------------------------


def _form(body: bytes) -> dict[str, str]:
    text = body.decode()
    if text.startswith("{"):
        return {key: str(value) for key, value in json.loads(text).items()}
    return dict(parse_qsl(text))


# --- how the Docs API shapes a document ----------------------------------------------------


def _tabbed(doc: Json, doc_id: str) -> Json:
    """Store every doc in tabs form; an untabbed one becomes its single default tab."""
    doc = json.loads(json.dumps(doc))  # a private deep copy
    doc["documentId"] = doc_id
    if "tabs" in doc:
        return doc
    tab = {key: doc.pop(key) for key in TAB_FIELDS if key in doc}
    properties = {"tabId": "t.0", "title": "Tab 1", "index": 0}
    doc["tabs"] = [{"tabProperties": properties, "documentTab": tab}]
    return doc


def _untabbed(doc: Json) -> Json:
    """Without ``includeTabsContent``: the first tab's content at the top, no ``tabs``."""
    tabs = doc.pop("tabs", [])
    first = tabs[0].get("documentTab", {}) if tabs else {}
    return {**doc, **first}


def _view(doc: Json, mode: str) -> Json:
    """Apply ``suggestionsViewMode``: a preview resolves every suggestion one way and drops
    all ``suggested…`` fields; the inline modes answer the doc as stored."""
    if mode == "PREVIEW_WITHOUT_SUGGESTIONS":
        return _resolve(doc, drop="suggestedInsertionIds")
    if mode == "PREVIEW_SUGGESTIONS_ACCEPTED":
        return _resolve(doc, drop="suggestedDeletionIds")
    return json.loads(json.dumps(doc))


def _resolve(node: Any, drop: str) -> Any:
    if isinstance(node, list):
        kept = (_resolve(item, drop) for item in node if not _suggested(item, drop))
        return [item for item in kept if not _emptied(item)]
    if isinstance(node, dict):
        return {k: _resolve(v, drop) for k, v in node.items() if not k.startswith("suggested")}
    return node


def _suggested(item: Any, key: str) -> bool:
    """An element, row or cell that the suggestion ``key`` marks (on itself or its payload)."""
    if not isinstance(item, dict):
        return False
    return bool(item.get(key)) or any(
        isinstance(value, dict) and value.get(key) for value in item.values()
    )


def _emptied(item: Any) -> bool:
    """A paragraph whose every run was a suggestion that the preview dropped."""
    paragraph = item.get("paragraph") if isinstance(item, dict) else None
    return isinstance(paragraph, dict) and paragraph.get("elements") == []


def _html(doc: Json) -> str:
    """A small export: headings, flat list items and paragraphs of every tab's body, in the
    page Docs writes them in (its content-type meta, a body of class ``doc-content``)."""
    title = html.escape(doc.get("title", ""))
    lines = [
        '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
        f'<title>{title}</title></head><body class="c1 doc-content">'
    ]
    for tab in doc.get("tabs", []):
        for element in tab.get("documentTab", {}).get("body", {}).get("content", []):
            paragraph = element.get("paragraph")
            if paragraph is None:
                continue
            text = "".join(
                run.get("textRun", {}).get("content", "") for run in paragraph.get("elements", [])
            ).rstrip("\n")
            style = paragraph.get("paragraphStyle", {}).get("namedStyleType", "")
            tag = f"h{style[-1]}" if style.startswith("HEADING_") else "p"
            if "bullet" in paragraph:
                lines.append(f"<ul><li>{html.escape(text)}</li></ul>")
            else:
                lines.append(f"<{tag}>{html.escape(text)}</{tag}>")
    lines.append("</body></html>")
    return "\n".join(lines)
