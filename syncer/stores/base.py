"""The page-store interface the sync sees: a local folder, or Confluence behind the same one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from syncer.errors import VersionConflict
from syncer.fingerprint import FORMS
from syncer.reading import PAGE_FORMS

STATE_SCHEMA = 3
# Schema 2 (the second release) recorded no forms: its hashes are of the first forms.
_FIRST_FORMS = {"page_form": 1, "doc_form": 1}


@dataclass(frozen=True)
class Written:
    """What notes-sync wrote for one meeting: a hash of the section as stored (``page``), of
    the doc's meeting as parsed (``doc``; None when an older release did not record it), the
    page version that holds exactly that section (to show it again in a conflict), and the
    forms the two hashes were made in, so that each is checked the way it was made."""

    page: str
    doc: str | None = None
    version: int | None = None
    page_form: int = 2
    doc_form: int = 2


@dataclass(frozen=True)
class SyncState:
    """What notes-sync keeps with a page, so it can tell its own writes from a person's edits:
    per meeting what it wrote, the page version it wrote them in, and the doc revision."""

    meetings: Mapping[str, Written] = field(default_factory=dict)
    source_revision: str | None = None
    page_version: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": STATE_SCHEMA,
            "page_version": self.page_version,
            "source_revision": self.source_revision,
            "meetings": {
                date: {
                    "doc": written.doc,
                    "page": written.page,
                    "version": written.version,
                    "page_form": written.page_form,
                    "doc_form": written.doc_form,
                }
                for date, written in sorted(self.meetings.items())
            },
        }

    @classmethod
    def from_json(cls, value: object) -> SyncState:
        """Missing, mangled or unknown state means nothing on the page is ours: never an error,
        and never a licence to overwrite."""
        if not isinstance(value, dict):
            return cls()
        if value.get("schema") in (2, STATE_SCHEMA):
            forms = _FIRST_FORMS if value["schema"] == 2 else None
            return cls(
                _meetings(value.get("meetings"), forms),
                _str(value.get("source_revision")),
                _int(value.get("page_version")),
            )
        if "schema" not in value and isinstance(value.get("sections"), dict):
            # The first release kept one page hash per meeting and nothing about the doc.
            pages = value["sections"]
            return cls(
                {d: Written(h, None, None, 1, 1) for d, h in pages.items() if isinstance(h, str)}
            )
        return cls()


def _meetings(value: object, forms: Mapping[str, int] | None) -> dict[str, Written]:
    """Each meeting's entry; one whose forms this release does not know is left out (it is
    then not ours, as if the state were missing)."""
    if not isinstance(value, dict):
        return {}
    meetings = {}
    for date, entry in value.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("page"), str):
            continue
        page_form, doc_form = (_int((forms or entry).get(key)) for key in _FIRST_FORMS)
        if page_form not in PAGE_FORMS or doc_form not in FORMS:
            continue
        doc, version = _str(entry.get("doc")), _int(entry.get("version"))
        meetings[date] = Written(entry["page"], doc, version, page_form, doc_form)
    return meetings


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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

    def save_state(self, page: Page, state: SyncState) -> Page:
        """Record sync state alone (e.g. sections adopted as ours); the page is not edited."""

    def version_body(self, page: Page, version: int) -> str | None:
        """The body of an earlier version of the page, or None if it is no longer kept."""

    def minor_edits(self) -> PageStore:
        """The same store (one connection), writing minor edits that notify nobody."""


def on_lost_race(attempts: int) -> Retrying:
    """Retry a read-merge-write that lost a race to another writer (409), then give up."""
    return Retrying(
        stop=stop_after_attempt(attempts),
        retry=retry_if_exception_type(VersionConflict),
        reraise=True,
    )
