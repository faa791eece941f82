"""``syncer check``, the doctor: everything a sync needs, tried read-only, one line each.

A failing line says what is wrong and what to do; a check that needs one that failed is
reported as skipped, with the reason; a question the services do not answer is reported as
unknown rather than guessed. The Google and Confluence probes live in ``check_live``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import importlib.metadata
import platform
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from syncer import __version__
from syncer.connect import GoogleSource, Source
from syncer.errors import PageError, SyncerError
from syncer.model import Meeting
from syncer.parse import parse_document
from syncer.settings import Settings
from syncer.stores.base import Page, PageStore, SyncState
from syncer.stores.confluence import CloudPages, DataCenterPages

OK, FAIL, SKIP, UNKNOWN, WARN = "ok", "FAIL", "skip", "??", "warn"  # warn: not a failure
MAX_SKEW = dt.timedelta(minutes=5)
LIBRARIES = ("atlassian-python-api", "google-api-python-client", "google-auth")

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    status: str
    name: str
    text: str

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.text}"


class Unknown(Exception):
    """Raised by a step whose answer the service does not give: reported, not failed."""


@dataclass(frozen=True)
class Step:
    """A named check; ``advice`` is appended to a failure that does not already name it."""

    name: str
    run: Callable[[], str]
    advice: str = ""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_checks(
    config: Path, settings: Settings, source: Source, store: PageStore, clock: Clock = utc_now
) -> Iterator[Result]:
    """Every check in order, each yielded as soon as it has run."""
    from syncer import check_live  # it builds on this module

    yield Result(OK, "version", version_text())
    yield Result(OK, "config", config_text(config, settings))
    # open_source and open_store built the source and the store from these same settings.
    if settings.google is not None:
        assert isinstance(source, GoogleSource)
        meetings = yield from check_live.google_checks(settings, source, clock)
    else:
        meetings = yield from file_source_checks(settings, source)
    titles = page_titles(settings, meetings, clock)
    if settings.archive is not None:
        yield from folder_checks(settings.archive, store, titles)
    else:
        assert isinstance(store, CloudPages | DataCenterPages)
        yield from check_live.confluence_checks(settings, store, titles, clock)


def chain(steps: Iterable[Step]) -> Generator[Result, None, bool]:
    """Run steps in order; after the first failure the rest are skipped, saying why.
    Returns whether every step ran without failing."""
    skip_reason = ""
    for step in steps:
        if skip_reason:
            yield Result(SKIP, step.name, skip_reason)
            continue
        result = attempt(step)
        if result.failed:
            skip_reason = f"needs {step.name}, which failed"
        yield result
    return not skip_reason


def attempt(step: Step) -> Result:
    try:
        return Result(OK, step.name, step.run())
    except Unknown as unknown:
        return Result(UNKNOWN, step.name, str(unknown))
    except SyncerError as error:
        return Result(FAIL, step.name, with_advice(str(error), step.advice))


def with_advice(message: str, advice: str) -> str:
    if not advice or advice in message:
        return message
    return f"{message.rstrip('.')}; {advice}"


# --- version, config, a file source -------------------------------------------------------


def version_text() -> str:
    libraries = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"notes-sync {_version('notes-sync', __version__)} on {python} ({libraries})"


def _version(distribution: str, fallback: str = "not installed") -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return fallback


def config_text(config: Path, settings: Settings) -> str:
    if settings.google is not None:
        source = f"Google Doc {settings.google.document}"
    else:
        source = f"file {settings.source_file}"
    if settings.confluence is not None:
        kind = "Cloud" if settings.confluence.deployment == "cloud" else "Data Center"
        target = f"Confluence {kind} {settings.confluence.url}, space {settings.space}"
    else:
        target = f"folder {settings.archive}"
    return f"{config} loaded; source: {source}; target: {target}"


def file_source_checks(
    settings: Settings, source: Source
) -> Generator[Result, None, list[Meeting] | None]:
    """A saved export, read and parsed as a sync would. Returns its meetings, or None."""
    parsed: list[list[Meeting]] = []

    def read() -> str:
        document = source.read()
        parsed.append(list(parse_document(document, settings.parse)))
        return f"{source.name}: {len(document.tabs)} tabs"

    yield from chain(
        [
            Step("source", read, "export the doc again, or fix [source] file"),
            Step("meetings", lambda: meetings_text(parsed[0])),
        ]
    )
    return parsed[0] if parsed else None


# --- meetings and their pages --------------------------------------------------------------


def meetings_text(meetings: list[Meeting]) -> str:
    dates = sorted(m.date for m in meetings)
    if not dates:
        return "none dated yet, so a sync writes nothing (a heading such as 2024-03-05 starts one)"
    span = f", {dates[0].isoformat()} to {dates[-1].isoformat()}" if len(dates) > 1 else ""
    return f"{len(dates)} dated{span or ', ' + dates[0].isoformat()}"


def page_titles(
    settings: Settings, meetings: list[Meeting] | None, clock: Clock
) -> list[str] | None:
    """The pages the meetings go to, newest first (this year's page if there are none);
    None when the doc could not be read."""
    if meetings is None:
        return None
    years = sorted({m.date.year for m in meetings}, reverse=True) or [clock().year]
    return list(dict.fromkeys(settings.page_title(year) for year in years))


# --- the file: target ----------------------------------------------------------------------


def folder_checks(folder: Path, store: PageStore, titles: list[str] | None) -> Iterator[Result]:
    yield from chain([Step("archive folder", lambda: folder_text(folder))])
    yield from page_checks(store, titles, lambda title: f"the first sync creates it in {folder}")


def folder_text(folder: Path) -> str:
    """The folder exists and takes a file, or the nearest folder above it does."""
    if folder.exists() and not folder.is_dir():
        raise PageError(f"{folder} is not a folder; point [target] url at a folder")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise PageError(f"cannot create {folder}: {existing} is a file; fix [target] url")
    problem = _unwritable(existing)
    if problem:
        raise PageError(
            f"{existing} is not writable ({problem}); fix its permissions or [target] url"
        )
    if existing == folder:
        return f"{folder} exists and is writable"
    return f"{folder} does not exist yet; the first sync creates it in {existing} (writable)"


def _unwritable(folder: Path) -> str | None:
    """Why a file cannot be made here, found by making one that vanishes at once."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as error:
        return error.strerror or type(error).__name__


def page_checks(
    store: PageStore, titles: list[str] | None, missing: Callable[[str], str]
) -> Iterator[Result]:
    """Each page: found with its version and state, or what the first sync will do."""
    if titles is None:
        yield Result(SKIP, "pages", "which pages the doc needs is unknown: it could not be read")
        return
    for title in titles:
        yield attempt(Step(f"page {title!r}", functools.partial(_page_text, store, title, missing)))


def _page_text(store: PageStore, title: str, missing: Callable[[str], str]) -> str:
    page = store.find(title)
    if page is None:
        return f"not there yet; {missing(title)}"
    return f"exists at version {page.version} ({synced(page)})"


def synced(page: Page) -> str:
    """Whether notes-sync has written this page before (it then keeps state with it)."""
    return "not synced yet" if page.state == SyncState() else "synced before"


# --- clocks --------------------------------------------------------------------------------


def clock_result(service: str, date_header: str | None, clock: Clock) -> Result:
    """Our clock against a server's ``Date``: signed tokens and SSO break past a few minutes."""
    name = f"clock vs {service}"
    if date_header is None:
        return Result(SKIP, name, f"no answer from {service} to compare with")
    server = _http_date(date_header)
    if server is None:
        return Result(UNKNOWN, name, f"{service} sent an unreadable Date header")
    skew = clock() - server
    off = f"{_duration(abs(skew))} {'ahead of' if skew > dt.timedelta(0) else 'behind'}"
    if abs(skew) > MAX_SKEW:
        return Result(
            FAIL,
            name,
            f"this machine's clock is {off} {service}'s (more than {_duration(MAX_SKEW)});"
            " set it right (enable NTP, e.g. `timedatectl set-ntp true`): signed Google"
            " tokens and some single sign-on setups fail when clocks disagree",
        )
    return Result(OK, name, f"within {_duration(abs(skew))} of {service}'s")


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _duration(delta: dt.timedelta) -> str:
    seconds = round(delta.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
