"""The page-store interface the sync sees: a local folder, or Confluence behind the same one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SyncState:
    """What notes-sync keeps with a page: a fingerprint of each section it wrote (to tell a
    person's later edit from its own) and the doc revision it last synced from."""

    sections: Mapping[str, str] = field(default_factory=dict)
    source_revision: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sections": dict(self.sections), "source_revision": self.source_revision}

    @classmethod
    def from_json(cls, value: object) -> SyncState:
        """Tolerant: state someone mangled by hand is treated as no state, never as an error."""
        if not isinstance(value, dict):
            return cls()
        sections = value.get("sections")
        revision = value.get("source_revision")
        return cls(
            {k: v for k, v in sections.items() if isinstance(v, str)}
            if isinstance(sections, dict)
            else {},
            revision if isinstance(revision, str) else None,
        )


@dataclass(frozen=True)
class Page:
    """An archive page as read: its body, its version, and the sync state kept with it.

    ``state_ref`` and ``state_version`` locate the stored state (a content property on
    Confluence) so that writing it back is one request.
    """

    title: str
    body: str
    version: int
    id: str = ""
    state: SyncState = field(default_factory=SyncState)
    state_ref: str = ""
    state_version: int = 0


class PageStore(Protocol):
    """Where archive pages live. ``update`` raises ``VersionConflict`` on a stale version."""

    def find(self, title: str) -> Page | None:
        """The page with this title, or None if it does not exist yet."""

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        """Create a page; it is version 1."""

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        """Write a new version over ``page``, which must still be the current version."""
