"""The doctor's local checks: this installation, the config, a saved export, a ``file:``
folder, and what each page holds now."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from syncer import __version__
from syncer.doctor.steps import Clock, Outcome, Result, Step, attempt, chain
from syncer.errors import PageError
from syncer.model import Meeting
from syncer.parse import parse_document
from syncer.settings import ConfluenceSettings, GoogleSettings, Settings
from syncer.source import Source
from syncer.state import SyncState
from syncer.stores.base import Page, PageStore

LIBRARIES = ("atlassian-python-api", "google-api-python-client", "google-auth")
UNREAD_DOC = "which pages the doc needs is unknown: it could not be read"


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
    given, target = settings.source, settings.target
    if isinstance(given, GoogleSettings):
        source = f"Google Doc {given.document}"
    else:
        source = f"file {given.path}"
    if isinstance(target, ConfluenceSettings):
        kind = "Cloud" if target.cloud else "Data Center"
        where = f"Confluence {kind} {target.url}, space {target.space}"
    else:
        where = f"folder {target.path}"
    return f"{config} loaded; source: {source}; target: {where}"


def file_source_checks(
    settings: Settings, source: Source
) -> Generator[Result, None, list[Meeting] | None]:
    """A saved export, read and parsed as a sync would. Returns its meetings, or None."""
    parsed: list[list[Meeting]] = []

    def read() -> str:
        document = source.read()
        parsed.append(list(parse_document(document, settings.publishing.parse)))
        return f"{source.name}: {len(document.tabs)} tabs"

    yield from chain(
        [
            Step("source", read, "export the doc again, or fix [source] file"),
            Step("meetings", lambda: meetings_text(parsed[0])),
        ]
    )
    return parsed[0] if parsed else None


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
    return list(dict.fromkeys(settings.publishing.page_title(year) for year in years))


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
        yield Result(Outcome.SKIP, "pages", UNREAD_DOC)
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
