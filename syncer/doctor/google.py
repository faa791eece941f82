"""The doctor's Google checks: credentials, a token, the doc and its meetings, the clock."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from syncer.doctor.local import meetings_text
from syncer.doctor.steps import Clock, Result, Step, chain, clock_result
from syncer.model import Meeting
from syncer.parse import parse_document
from syncer.settings import Settings
from syncer.source import Source
from syncer.sources import select_tab
from syncer.sources.docs_json import read_docs_data
from syncer.sources.google import GoogleDoc, GoogleDocsClient
from syncer.sources.google_auth import credentials_kind, credentials_origin

READ_ONLY = "documents.readonly, drive.readonly"


def google_checks(
    settings: Settings, source: Source, clock: Clock
) -> Generator[Result, None, list[Meeting] | None]:
    """Credentials, a token, the doc, its meetings, Google's clock. Returns the meetings."""
    if not isinstance(source, GoogleDoc):
        raise TypeError("the Google checks need the live doc")  # connect opens it so
    doctor = _GoogleDoctor(settings, source)
    yield from chain(
        [
            Step(
                "Google credentials",
                doctor.credentials,
                "the README's Authentication section lists the kinds notes-sync accepts",
            ),
            Step(
                "Google sign-in",
                doctor.sign_in,
                "check the key still exists and is enabled (or, for workload identity"
                " federation, that the CI token is fresh) and that this machine can reach Google",
            ),
            Step(
                "Google Doc",
                doctor.read,
                "check [source] document (an ID or the doc's URL) and [source] tab",
            ),
            Step("meetings", doctor.meetings),
        ]
    )
    date = doctor.client.last_date if doctor.client is not None else None
    yield clock_result("Google", date, clock)
    return doctor.found


class _GoogleDoctor:
    def __init__(self, settings: Settings, source: GoogleDoc) -> None:
        self.settings, self.source = settings, source
        self.client: GoogleDocsClient | None = None
        self.document: Any = None
        self.found: list[Meeting] | None = None

    def credentials(self) -> str:
        self.client = self.source.client
        google = self.source.settings
        acting = f", acting as {google.subject}" if google.subject else ""
        kind = credentials_kind(self.client.credentials)
        return f"{kind}{acting}, from {credentials_origin(google.credentials)}"

    def sign_in(self) -> str:
        assert self.client is not None  # the credentials step made it
        self.client.sign_in()
        return f"got a token for the read-only scopes ({READ_ONLY})"

    def read(self) -> str:
        assert self.client is not None  # the credentials step made it
        raw = self.client.get_document()
        name = self.client.name
        document = read_docs_data(raw, name=name)
        tab = self.source.settings.tab
        self.document = select_tab(document, tab, name) if tab else document
        revision = raw.get("revisionId")
        seen = (
            f"revision {revision}"
            if revision
            else "no revision (Viewer access), so each run compares the whole doc"
        )
        reading = f", reading tab {tab!r}" if tab else ""
        title = raw.get("title") or "untitled"
        return f"{title!r} ({name}), {seen}, {len(document.tabs)} tabs{reading}"

    def meetings(self) -> str:
        self.found = list(parse_document(self.document, self.settings.publishing.parse))
        return meetings_text(self.found)
