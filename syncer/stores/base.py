"""The page-store interface the sync sees: a local folder today, Confluence behind the same one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Page:
    """An archive page as read: its body, its version, and the sync state kept with it."""

    title: str
    body: str
    version: int
    id: str = ""
    state: Mapping[str, str] = field(default_factory=dict)


class PageStore(Protocol):
    """Where archive pages live. ``update`` raises ``VersionConflict`` on a stale version."""

    def find(self, title: str) -> Page | None:
        """The page with this title, or None if it does not exist yet."""

    def create(self, title: str, body: str, state: Mapping[str, str], message: str) -> Page:
        """Create a page; it is version 1."""

    def update(self, page: Page, body: str, state: Mapping[str, str], message: str) -> Page:
        """Write a new version over ``page``, which must still be the current version."""
