"""A page store in memory: the whole ``PageStore`` contract, for the tests that need a store
but not its transport. It keeps versions and checks them as Confluence does, records every
write, and lets a test play the person who saves a page in the editor."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from syncer.errors import VersionConflict
from syncer.state import SyncState
from syncer.stores.base import Page


@dataclass
class _Stored:
    page: Page
    history: dict[int, str] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)
    minor: dict[int, bool] = field(default_factory=dict)  # version → written as a minor edit


class MemoryPageStore:
    """Pages by title; ``writes`` counts every create, update and state-only write."""

    requests = 0

    def __init__(self, labels: Sequence[str] = (), *, minor: bool = False) -> None:
        self.labels = tuple(labels)
        self.minor = minor
        self.pages: dict[str, _Stored] = {}
        self.writes = 0

    def minor_edits(self) -> MemoryPageStore:
        clone = MemoryPageStore(self.labels, minor=True)
        clone.pages = self.pages  # the same pages, written as minor edits
        return clone

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        yield

    def find(self, title: str) -> Page | None:
        stored = self.pages.get(title)
        return stored.page if stored else None

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        if title in self.pages:
            raise VersionConflict(f"page {title!r} was created by someone else meanwhile")
        self.pages[title] = _Stored(Page(title, body, 0))
        return self._save(title, body, 1, state)

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        current = self.find(page.title)
        if current is None or current.version != page.version:
            raise VersionConflict(f"page {page.title!r} is not at version {page.version}")
        return self._save(page.title, body, page.version + 1, state)

    def save_state(self, page: Page, state: SyncState) -> Page:
        current = self.find(page.title)
        if current is None or current.version != page.version:
            raise VersionConflict(f"page {page.title!r} is not at version {page.version}")
        self.writes += 1
        saved = dataclasses.replace(current, state=state)
        self.pages[page.title].page = saved
        return saved

    def version_body(self, page: Page, version: int) -> str | None:
        stored = self.pages.get(page.title)
        return stored.history.get(version) if stored else None

    def attachments(self, page: Page) -> set[str]:
        return set(self.pages[page.title].files)

    def attach(self, page: Page, name: str, data: bytes, media_type: str) -> None:
        self.pages[page.title].files[name] = data

    def labels_of(self, title: str) -> set[str]:
        return set(self.pages[title].labels)

    def minor_edit(self, title: str, version: int) -> bool:
        return self.pages[title].minor.get(version, False)

    def person_saves(self, title: str, body: str) -> None:
        """A save in the editor: a new version, the sync state untouched."""
        stored = self.pages[title]
        version = stored.page.version + 1
        stored.page = dataclasses.replace(stored.page, body=body, version=version)
        stored.history[version] = body

    def _save(self, title: str, body: str, version: int, state: SyncState) -> Page:
        self.writes += 1
        stored = self.pages[title]
        stored.page = Page(title, body, version, state)
        stored.history[version] = body
        stored.labels.update(self.labels)
        stored.minor[version] = self.minor
        return stored.page
