"""What notes-sync keeps with each page, so that it can tell its own writes from a person's.

Stored as JSON (a content property on Confluence, ``.meta.json`` beside a ``file:`` page) and
read back by releases to come: its form is pinned by a golden test, and state that is missing,
mangled or of a schema this release does not know means "nothing on the page is ours".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from syncer.fingerprint import FORMS
from syncer.reading import PAGE_FORMS

STATE_SCHEMA = 3
# Schema 2 (the second release) recorded no forms: its hashes are of the first forms.
_FIRST_FORMS = {"page_form": 1, "doc_form": 1}


@dataclass(frozen=True)
class SectionRecord:
    """What notes-sync wrote for one meeting: a hash of the section as stored (``page``), of
    the doc's meeting as parsed (``doc``; None when an older release did not record it), the
    page version that holds exactly that section (to show it again in a conflict), and the
    forms the two hashes were made in, so that each is checked the way it was made;
    ``ticked``, the tasks the doc showed done then, by a hash of their words (``tasks``), so
    a tick the doc adds later is told from one a person took off on the page."""

    page: str
    doc: str | None = None
    version: int | None = None
    page_form: int = 2
    doc_form: int = 2
    ticked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SyncState:
    """What notes-sync keeps with a page, so it can tell its own writes from a person's edits:
    per meeting what it wrote, the page version it wrote them in, and the doc revision;
    ``indexed_version``, a later version (someone else's) the topic index has been rebuilt
    from, so that a person's edit (a tick) rebuilds the index once, not on every run."""

    meetings: Mapping[str, SectionRecord] = field(default_factory=dict)
    source_revision: str | None = None
    page_version: int | None = None
    indexed_version: int | None = None

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
                    **({"ticked": sorted(written.ticked)} if written.ticked else {}),
                }
                for date, written in sorted(self.meetings.items())
            },
            **({} if self.indexed_version is None else {"indexed_version": self.indexed_version}),
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
                _int(value.get("indexed_version")),
            )
        if "schema" not in value and isinstance(value.get("sections"), dict):
            # The first release kept one page hash per meeting and nothing about the doc.
            pages = value["sections"]
            first = {d: SectionRecord(h, None, None, 1, 1) for d, h in pages.items()}
            return cls({d: record for d, record in first.items() if isinstance(record.page, str)})
        return cls()


def _meetings(value: object, forms: Mapping[str, int] | None) -> dict[str, SectionRecord]:
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
        listed = entry.get("ticked")
        ticked = (
            frozenset(t for t in listed if isinstance(t, str))
            if isinstance(listed, list)
            else frozenset()
        )
        meetings[date] = SectionRecord(entry["page"], doc, version, page_form, doc_form, ticked)
    return meetings


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
