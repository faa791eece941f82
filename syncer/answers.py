"""What an answer that should have been JSON was instead, in words a user can act on.

An SSO proxy's login page served with 200, a redirect to one, an empty body: each would
otherwise surface as ``JSONDecodeError`` deep inside a client library.
"""

from __future__ import annotations

import json
from typing import Any

SSO_HINT = "is a login or SSO proxy in front of it?"


def is_json_type(content_type: str | None) -> bool:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


def decoded(content_type: str | None, body: bytes) -> tuple[Any, str | None]:
    """The JSON value of a body, or None and what the body is instead."""
    if not body.strip():
        return None, "an empty body"
    if is_json_type(content_type) or not content_type:
        try:
            return json.loads(body), None
        except (ValueError, UnicodeDecodeError):
            pass
    return None, what_it_is(content_type, body)


def what_it_is(content_type: str | None, body: bytes) -> str:
    """ "an HTML page", "an empty body", or the content type that came instead of JSON."""
    if not body.strip():
        return "an empty body"
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    start = body.lstrip()[:15].lower()
    if "html" in kind or start.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if is_json_type(kind):
        return "a body that is not valid JSON"
    return f"{kind or 'a body without a content type'}"


def answered(service: str, request: str, status: int, content_type: str | None, what: str) -> str:
    """One line: who answered which request with what, and the likely cause."""
    kind = (content_type or "no content type").split(";", 1)[0].strip()
    hint = f" {SSO_HINT}" if what == "an HTML page" else ""
    return f"{service} answered {request} with {what} ({status}, {kind}), not JSON:{hint}"
