"""Logs on stderr that people can read and machines can parse, with every secret filtered out.

stdout carries only the plan and the result, so ``--json`` output can be piped; everything
else goes through one handler on the root logger. Its filter redacts each record before any
handler writes it: our loggers, and the client libraries' debug output too (google-auth logs
its token request, urllib3 and http.client the headers), because an unattended job's logs
are read by more people than its secrets should be.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import importlib
import json
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar
from urllib.parse import quote, quote_plus

from syncer.files import MB, TooLarge, read_at_most

T = TypeVar("T")

REDACTED = "<redacted>"
KEY_FILE_LIMIT = MB  # a Google key or external_account file is a few KB
FORMATS = ("text", "json")

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


def _redact_value(value: Any, key: str = "") -> Any:
    """A structured ``extra`` field, redacted: by key name (a header dict, a token response)
    and by content, leaving JSON types as they are."""
    if isinstance(value, str | bytes) and key and _SECRET_KEY.fullmatch(key):
        return REDACTED
    if isinstance(value, Mapping):
        return {str(k): _redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


def format_exception(error: BaseException) -> str:
    """The traceback for ``-v``, redacted: exception messages may quote a URL or a body."""
    return redact("".join(traceback.format_exception(error)).rstrip("\n"))


# --- records ---------------------------------------------------------------------------------

_STANDARD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


# ``extra={JSON_ONLY: {...}}``: fields for log collectors that would only repeat the message
# on a terminal, such as the facts of the run's summary line.
JSON_ONLY = "json_only"


def _all_extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_FIELDS}


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra`` fields every format shows."""
    fields = _all_extra_fields(record)
    fields.pop(JSON_ONLY, None)
    return fields


def _json_only_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, JSON_ONLY, None)
    return fields if isinstance(fields, dict) else {}


class RedactingFilter(logging.Filter):
    """Rewrites a record in place, so that every handler after ours sees it redacted too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # bad format arguments: still show what was logged, redacted
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = format_exception(record.exc_info[1])
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in _all_extra_fields(record).items():
            setattr(record, key, _redact_value(value, key))
        return True


_SHORT_LEVELS = {"warning": "warn", "critical": "crit"}


class TextFormatter(logging.Formatter):
    """``12:00:03 info  sync: page saved page='Arch Hours: 2023' version=7``, for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        level = record.levelname.lower()
        name = record.name.removeprefix("syncer.")
        when = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        extras = "".join(f" {k}={v!r}" for k, v in _extra_fields(record).items())
        line = f"{when} {_SHORT_LEVELS.get(level, level):<5} {name}: {record.getMessage()}{extras}"
        details = [record.exc_text, record.stack_info]
        return "\n".join([line, *(text for text in details if text)])


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors: fixed keys, then the ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC)
        entry: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in {**_extra_fields(record), **_json_only_fields(record)}.items():
            entry.setdefault(key, value)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str)


# --- setup -----------------------------------------------------------------------------------


class _Handler(logging.StreamHandler[TextIO]):
    """Writes to the stream given, or to whatever ``sys.stderr`` is when a record comes (so a
    test's capture sees it); clears a progress bar out of the way while it writes."""

    def __init__(self, stream: TextIO | None) -> None:
        logging.Handler.__init__(self)
        self._stream = stream

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return self._stream if self._stream is not None else sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        if _state is None or not _state.bars:
            super().emit(record)
            return
        from tqdm import tqdm

        with tqdm.external_write_mode(file=self.stream):
            super().emit(record)


@dataclass
class _Setup:
    """What ``setup_logging`` changed, so that it can be undone exactly."""

    handler: logging.Handler
    verbosity: int
    levels: dict[str, tuple[int, bool]] = field(default_factory=dict)  # name → level, propagate
    debuglevels: dict[str, int] = field(default_factory=dict)
    bars: int = 0


_state: _Setup | None = None


def setup_logging(verbosity: int, log_format: str | None, stream: TextIO | None = None) -> None:
    """Send all logging to ``stream`` (default: the current stderr), redacted.

    ``verbosity`` -1 shows warnings and errors, 0 our info, 1 our debug, 2 and more also the
    client libraries' debug output and the HTTP traffic. ``log_format`` None means text on a
    terminal and JSON lines otherwise. Calling it again replaces the earlier setup.
    """
    global _state
    if log_format not in (None, *FORMATS):
        raise ValueError(f"log format must be one of {FORMATS}, not {log_format!r}")
    reset_logging(forget_secrets=False)
    if log_format is None:
        log_format = "text" if _is_terminal(stream or sys.stderr) else "json"
    handler = _Handler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(TextFormatter() if log_format == "text" else JsonFormatter())
    setup = _Setup(handler, verbosity)
    ours = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    theirs = logging.DEBUG if verbosity >= 2 else logging.WARNING
    _set_level(setup, "", theirs)
    _set_level(setup, "syncer", ours)
    # google-auth stops "google" propagating unless someone configured it: we do, explicitly.
    _set_level(setup, "google", theirs)
    # Stray http.client debug prints always go to the log (hidden below -vv), never stdout.
    for name in ("http.client", "httplib2") if verbosity >= 2 else ("http.client",):
        _print_into_logging(setup, name, loud=verbosity >= 2)
    logging.getLogger().handlers.insert(0, handler)  # first, so later handlers see it redacted
    logging.captureWarnings(True)  # a library's warning may quote a URL or a header too
    _state = setup


def reset_logging(*, forget_secrets: bool = True) -> None:
    """Undo ``setup_logging`` (tests); also forget the registered secrets unless told not to."""
    global _state, _secrets_pattern
    if _state is not None:
        logging.getLogger().removeHandler(_state.handler)
        for name, (level, propagate) in _state.levels.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate
        for name, level in _state.debuglevels.items():
            _undo_print(name, level)
        logging.captureWarnings(False)
        _state = None
    if forget_secrets:
        with _lock:
            _secrets.clear()
            _secrets_pattern = None


def _set_level(setup: _Setup, name: str, level: int) -> None:
    logger = logging.getLogger(name)
    setup.levels[name] = (logger.level, logger.propagate)
    logger.setLevel(level)
    if name:
        logger.propagate = True


def _print_into_logging(setup: _Setup, name: str, *, loud: bool) -> None:
    """http.client and httplib2 print their wire-level debug output to stdout: give the module
    a ``print`` of its own that logs instead, and with ``loud`` turn that output on."""
    module = importlib.import_module(name)
    holder = _debug_holder(module)
    setup.debuglevels[name] = holder.debuglevel
    module.print = _logging_print(logging.getLogger(name))  # type: ignore[attr-defined]
    if loud:
        holder.debuglevel = 1


def _undo_print(name: str, level: int) -> None:
    module = sys.modules[name]
    _debug_holder(module).debuglevel = level
    vars(module).pop("print", None)


def _debug_holder(module: Any) -> Any:
    """Where the module reads its debug level: http.client's connection class, or httplib2."""
    return module.HTTPConnection if module is http.client else module


def _logging_print(logger: logging.Logger) -> Any:
    def log_print(*args: Any, sep: str = " ", end: str = "\n", file: Any = None, **_: Any) -> None:
        if file is not None and file is not sys.stdout:  # httplib2 also prints into buffers
            print(*args, sep=sep, end=end, file=file)
            return
        logger.debug(sep.join(str(arg) for arg in args))

    return log_print


# --- progress ------------------------------------------------------------------------------


def progress(
    items: Iterable[T], total: int, label: str, stream: TextIO | None = None
) -> Iterator[T]:
    """``items``, with a progress bar on a terminal; in CI, in a pipe or with ``-q``, none."""
    out = stream if stream is not None else sys.stderr
    quiet = _state is not None and _state.verbosity < 0
    if quiet or "CI" in os.environ or not _is_terminal(out):
        yield from items
        return
    from tqdm import tqdm

    if _state is not None:
        _state.bars += 1
    try:
        with tqdm(items, total=total, desc=label, file=out, dynamic_ncols=True) as bar:
            yield from bar
    finally:
        if _state is not None:
            _state.bars -= 1


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
