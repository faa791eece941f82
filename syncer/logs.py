"""Logs on stderr that people can read and machines can parse, with every secret filtered out.

stdout carries only the plan and the result, so ``--json`` output can be piped; everything
else goes through one handler on the root logger. Its filter redacts each record before any
handler writes it: our loggers, and the client libraries' debug output too (google-auth logs
its token request, urllib3 and http.client the headers), because an unattended job's logs
are read by more people than its secrets should be.
"""

from __future__ import annotations

import datetime as dt
import http.client
import importlib
import json
import logging
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from syncer.redact import format_exception, redact, redact_value

FORMATS = ("text", "json")

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
            setattr(record, key, redact_value(value, key))
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
    test's capture sees it); clears the progress bars out of the way while it writes."""

    def __init__(self, stream: TextIO | None) -> None:
        logging.Handler.__init__(self)
        self._stream = stream
        self.bars = 0  # progress bars on the stream now

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return self._stream if self._stream is not None else sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        if not self.bars:
            super().emit(record)
            return
        from tqdm import tqdm

        with tqdm.external_write_mode(file=self.stream):
            super().emit(record)


@dataclass
class LogSetup:
    """The logging of one run, as ``setup_logging`` made it: how loud it is, the handler
    (which progress bars tell when they draw), and what it changed, so ``close`` undoes that
    exactly."""

    handler: _Handler
    verbosity: int
    levels: dict[str, tuple[int, bool]] = field(default_factory=dict)  # name → level, propagate
    debuglevels: dict[str, int] = field(default_factory=dict)

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    def close(self) -> None:
        global _active
        logging.getLogger().removeHandler(self.handler)
        for name, (level, propagate) in self.levels.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate
        for name, level in self.debuglevels.items():
            _undo_print(name, level)
        logging.captureWarnings(False)
        if _active is self:
            _active = None


# Logging is the process's: a second setup replaces the first.
_active: LogSetup | None = None


def setup_logging(verbosity: int, log_format: str | None, stream: TextIO | None = None) -> LogSetup:
    """Send all logging to ``stream`` (default: the current stderr), redacted.

    ``verbosity`` -1 shows warnings and errors, 0 our info, 1 our debug, 2 and more also the
    client libraries' debug output and the HTTP traffic. ``log_format`` None means text on a
    terminal and JSON lines otherwise. Calling it again replaces the earlier setup.
    """
    global _active
    if log_format not in (None, *FORMATS):
        raise ValueError(f"log format must be one of {FORMATS}, not {log_format!r}")
    if _active is not None:
        _active.close()
    if log_format is None:
        log_format = "text" if is_terminal(stream or sys.stderr) else "json"
    handler = _Handler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(TextFormatter() if log_format == "text" else JsonFormatter())
    setup = _active = LogSetup(handler, verbosity)
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
    return setup


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _set_level(setup: LogSetup, name: str, level: int) -> None:
    logger = logging.getLogger(name)
    setup.levels[name] = (logger.level, logger.propagate)
    logger.setLevel(level)
    if name:
        logger.propagate = True


def _print_into_logging(setup: LogSetup, name: str, *, loud: bool) -> None:
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


def close_active_logging() -> None:
    """Undo the last ``setup_logging``, if it is still active (tests, between runs)."""
    if _active is not None:
        _active.close()
