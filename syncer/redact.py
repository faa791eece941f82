"""Secrets out of every line anyone reads: the values registered as secrets (in all the forms
they travel in: URL-quoted, JSON-escaped, as a Basic-auth pair), and anything shaped like a
credential (a private key, a bearer token, a JWT, a ``password=`` field). Pure text in, text
out, plus the registry of secrets a run has seen."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from syncer.files import MB, TooLarge, read_at_most

REDACTED = "<redacted>"
KEY_FILE_LIMIT = MB  # a Google key or external_account file is a few KB

_FIELD_NAMES = (
    "access_token|id_token|refresh_token|subject_token|assertion|client_secret|private_key"
    "|password|api_token"
)
_SECRET_KEY = re.compile(rf"(?:{_FIELD_NAMES}|(?:proxy-)?authorization)", re.IGNORECASE)
# "key": "value" in JSON (also escaped inside another JSON string) and 'key': 'value' in a repr.
_QUOTED_FIELD = re.compile(
    rf"(?P<kq>\\?[\"'])(?P<key>{_FIELD_NAMES})(?P=kq)\s*:\s*(?P<vq>\\?[\"'])"
    r"(?P<value>.*?)(?<!\\)(?P=vq)",
    re.IGNORECASE,
)
# key=value in form bodies and query strings, key: value in prose.
_BARE_FIELD = re.compile(
    rf"(?<![\w-])(?P<key>{_FIELD_NAMES})(?P<sep>\s*[=:]\s*)(?P<value>[^\s&\"'<>,;\\]+)",
    re.IGNORECASE,
)
_API_KEY_PARAM = re.compile(r"(?P<key>[?&]key=)(?P<value>[^\s&\"'<>#\\]+)")
_AUTH_HEADER = re.compile(
    r"(?P<key>(?:proxy-)?authorization)(?P<sep>\\?[\"']?\s*[:=]\s*\\?[\"']?)"
    r"(?:(?P<scheme>basic|bearer|token|digest|negotiate)\s+)?(?P<value>[^\s\"',\\]+)",
    re.IGNORECASE,
)
_PEM_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?P<kind>[A-Z0-9 ]*)PRIVATE KEY-----(?:[A-Za-z0-9+/=\s]|\\[rn])*"
    r"(?:-----END (?P=kind)PRIVATE KEY-----)?"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
_GOOGLE_TOKEN = re.compile(r"\b(?:ya29\.|1//)[A-Za-z0-9_.-]{8,}")

_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_pattern: re.Pattern[str] | None = None


# --- secrets -------------------------------------------------------------------------------


def register_secret(value: str) -> None:
    """Never show ``value``, nor its URL- or JSON-escaped forms, in any output from now on."""
    global _secrets_pattern
    if not value or not value.strip():
        return
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    with _lock:
        if not forms <= _secrets:
            _secrets.update(forms)
            _secrets_pattern = None  # built again when next needed: a key registers many lines


def register_secrets_from_environ(environ: Mapping[str, str]) -> None:
    """The credentials in the environment, before the config is even read: the Confluence
    tokens (as set and without the newline a mounted secret leaves), a ``…_FILE`` variable
    that names no file (it may hold the token itself), and a Google key pasted into
    ``GOOGLE_APPLICATION_CREDENTIALS`` instead of its path."""
    tokens = [environ.get(name) or "" for name in ("CONFLUENCE_API_TOKEN", "CONFLUENCE_TOKEN")]
    for token in tokens:
        register_secret(token)
    register_confluence_secrets(
        (environ.get("CONFLUENCE_USERNAME") or "").strip(), tokens[0].strip(), tokens[1].strip()
    )
    for name in ("CONFLUENCE_API_TOKEN_FILE", "CONFLUENCE_TOKEN_FILE"):
        path = environ.get(name)
        if path and not os.path.lexists(path):
            register_secret(path)
    key = environ.get("GOOGLE_APPLICATION_CREDENTIALS") or ""
    if is_pasted_json(key):
        register_pasted_key(key)


def register_confluence_secrets(
    username: str | None, api_token: str | None, pat: str | None
) -> None:
    """The tokens, wherever they were read from, and the Basic-auth value built from the pair."""
    register_secret(api_token or "")
    register_secret(pat or "")
    if username and api_token:
        register_secret(base64.b64encode(f"{username}:{api_token}".encode()).decode())


def is_pasted_json(value: str) -> bool:
    """A value where a path belongs that is a JSON object: a key pasted instead of its path."""
    return value.lstrip().startswith("{")


def register_pasted_key(text: str) -> None:
    """A Google key given as its text: the whole text, and each secret in it."""
    register_secret(text)
    register_secret(text.strip())
    try:
        info = json.loads(text)
    except ValueError:
        return
    if isinstance(info, dict):
        _register_key_fields(info)


def register_key_file_secrets(path: Path | str) -> None:
    """The secrets in a Google credentials file. An unreadable file is left to the code that
    loads it, which says what is wrong; here it only means there is nothing to register."""
    if is_pasted_json(str(path)):
        register_pasted_key(str(path))
        return
    try:
        info = json.loads(read_at_most(Path(path), KEY_FILE_LIMIT))
    except (OSError, ValueError, TooLarge):
        return
    if isinstance(info, dict):
        _register_key_fields(info)


def _register_key_fields(info: Mapping[str, object]) -> None:
    for name in ("private_key", "private_key_id", "client_secret", "refresh_token"):
        value = info.get(name)
        if isinstance(value, str):
            register_secret(value)
    key = info.get("private_key")
    if isinstance(key, str):  # each line of the key body, should the PEM appear re-wrapped
        for line in key.splitlines():
            if len(line) >= 16 and not line.startswith("-----"):
                register_secret(line)


def _registered_pattern() -> re.Pattern[str] | None:
    """One pattern of every registered secret, the longest form first (it wins an overlap)."""
    global _secrets_pattern
    with _lock:
        if _secrets_pattern is None and _secrets:
            ordered = sorted(_secrets, key=len, reverse=True)
            _secrets_pattern = re.compile("|".join(re.escape(secret) for secret in ordered))
        return _secrets_pattern


def redact(text: str) -> str:
    """``text`` with registered secrets and anything shaped like a credential replaced."""
    pattern = _registered_pattern()
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    text = _PEM_PRIVATE_KEY.sub(REDACTED, text)
    text = _QUOTED_FIELD.sub(_keep_quoted_key, text)
    text = _AUTH_HEADER.sub(_keep_header_name, text)
    text = _BARE_FIELD.sub(lambda m: f"{m['key']}{m['sep']}{REDACTED}", text)
    text = _API_KEY_PARAM.sub(lambda m: f"{m['key']}{REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    return _GOOGLE_TOKEN.sub(REDACTED, text)


def _keep_quoted_key(match: re.Match[str]) -> str:
    kq, vq = match["kq"], match["vq"]
    return f"{kq}{match['key']}{kq}: {vq}{REDACTED}{vq}"


def _keep_header_name(match: re.Match[str]) -> str:
    scheme = f"{match['scheme']} " if match["scheme"] else ""
    return f"{match['key']}{match['sep']}{scheme}{REDACTED}"


def redact_value(value: Any, key: str = "") -> Any:
    """A structured ``extra`` field, redacted: by key name (a header dict, a token response)
    and by content, leaving JSON types as they are."""
    if isinstance(value, str | bytes) and key and _SECRET_KEY.fullmatch(key):
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


def format_exception(error: BaseException) -> str:
    """The traceback for ``-v``, redacted: exception messages may quote a URL or a body."""
    return redact("".join(traceback.format_exception(error)).rstrip("\n"))


def forget_secrets() -> None:
    """Forget every registered secret (between tests, each of which is a run of its own)."""
    global _secrets_pattern
    with _lock:
        _secrets.clear()
        _secrets_pattern = None
