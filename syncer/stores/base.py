"""The page-store interface the sync sees: a local folder, or Confluence behind the same one."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from syncer.state import SyncState


@dataclass(frozen=True)
class Page:
    """An archive page as read: its body, its version, and the sync state kept with it.

    ``handle`` is the store's own: what it needs to write this page and its state again (on
    Confluence the page's id and where its state property is), opaque to everyone else.
    """

    title: str
    body: str
    version: int
    state: SyncState = field(default_factory=SyncState)
    handle: object = None


class PageStore(Protocol):
    """Where archive pages live. ``update`` raises ``VersionConflict`` on a stale version."""

    def find(self, title: str) -> Page | None:
        """The page with this title, or None if it does not exist yet."""

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        """Create a page; it is version 1."""

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        """Write a new version over ``page``, which must still be the current version."""

    def save_state(self, page: Page, state: SyncState) -> Page:
        """Record sync state alone (e.g. sections adopted as ours); the page is not edited."""

    def version_body(self, page: Page, version: int) -> str | None:
        """The body of an earlier version of the page, or None if it is no longer kept."""

    def attachments(self, page: Page) -> set[str]:
        """The names of the files attached to the page."""

    def attach(self, page: Page, name: str, data: bytes, media_type: str) -> None:
        """Attach a file to the page (a new version of one of that name), notifying nobody."""

    def minor_edits(self) -> PageStore:
        """The same store (one connection), writing minor edits that notify nobody."""

    def held(self) -> AbstractContextManager[None]:
        """A run's lease on the store, from its first read to its last write: a folder is
        locked for it; Confluence's version check needs none."""

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (0 for a folder)."""
