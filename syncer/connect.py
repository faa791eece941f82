"""Settings → the source and the page store a run talks to (local files or live services)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from syncer.files import DEFAULT_LIMIT
from syncer.model import Document
from syncer.settings import GoogleSettings, Settings
from syncer.sources import read_file, select_tab
from syncer.stores.base import PageStore
from syncer.stores.confluence import CloudPages, DataCenterPages
from syncer.stores.confluence_api import ConfluenceApi
from syncer.stores.local import LocalPageStore

if TYPE_CHECKING:
    from syncer.sources.google import GoogleDocSource


class Source(Protocol):
    @property
    def name(self) -> str:
        """How messages name the document; read-only, so a file source may derive it."""

    def read(self) -> Document:
        """The notes document as it reads now."""

    def modified(self) -> dt.datetime | None:
        """When the document last changed, if known (timezone-aware)."""


@dataclass(frozen=True)
class FileSource:
    path: Path
    tab: str | None = None
    limit: int = DEFAULT_LIMIT

    @property
    def name(self) -> str:
        return str(self.path)

    def read(self) -> Document:
        return read_file(self.path, self.tab, self.limit)

    def modified(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        except OSError:
            return None  # reading it will say what is wrong


class GoogleSource:
    """The live doc, read through the Docs API with read-only credentials."""

    def __init__(self, google: GoogleSettings, tab: str | None = None) -> None:
        from syncer.sources import google as api  # Google's client libraries load only if used

        self.api = api
        self.google = google
        self.document = api.document_id(google.document)
        self.name = f"Google Doc {self.document}"
        self.tab = tab

    @cached_property
    def client(self) -> GoogleDocSource:
        """One client per run, so the doc and its metadata share one sign-in."""
        credentials = self.api.load_credentials(self.google.credentials, self.google.subject)
        return self.api.GoogleDocSource(
            self.document, credentials, self.google.api_endpoint, self.google.timeout
        )

    def read(self) -> Document:
        document, _revision = self.client.fetch()
        return select_tab(document, self.tab, self.name) if self.tab else document

    def modified(self) -> dt.datetime | None:
        return self.client.modified_time()

    @property
    def requests(self) -> int:
        return self.client.requests if "client" in self.__dict__ else 0


def open_source(settings: Settings) -> Source:
    if settings.source_file is not None:
        return FileSource(settings.source_file, settings.tab, settings.max_file_bytes)
    assert settings.google is not None
    return GoogleSource(settings.google, settings.tab)


def http_requests(source: Source, store: PageStore) -> int:
    """HTTP requests the run sent to Google and Confluence (0 for local files)."""
    api = getattr(store, "api", None)
    return getattr(source, "requests", 0) + (api.requests if api is not None else 0)


@contextlib.contextmanager
def run_lease(store: PageStore) -> Iterator[None]:
    """A ``file:`` archive is held from the run's first read of a page to its last write, as
    Confluence's version check protects its pages; Confluence needs nothing more."""
    if isinstance(store, LocalPageStore):
        with store.held():
            yield
    else:
        yield


def open_store(settings: Settings, *, minor: bool = False) -> PageStore:
    """The archive: a folder for ``file:``, else Confluence Cloud (v2) or Data Center (v1)."""
    if settings.archive is not None:
        return LocalPageStore(settings.archive, settings.labels)
    target = settings.confluence
    assert target is not None and settings.space is not None
    api = ConfluenceApi(
        target.url, target.credentials, timeout=target.timeout, tenant_site=target.tenant_site
    )
    pages = CloudPages if target.deployment == "cloud" else DataCenterPages
    return pages(
        api,
        settings.space,
        page_id=target.page_id,
        parent_id=target.parent_id,
        minor=minor or not target.notify,
        labels=settings.labels,
    )
