"""What the fake Confluence says on the wire: statuses, error envelopes, listings, and the
storage-format check Confluence makes of a body it is sent."""

from __future__ import annotations

import html.entities
import json
import re
from typing import Any

from lxml import etree

from tests.fakes.confluence.state import _Fail
from tests.fakes.http import Answer

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
