"""The doctor's live checks: the Google Doc and its credentials, Confluence and its pages.

Each probe is one read-only call through the same adapters a sync uses, so a check passes
exactly when the sync's own call would.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import Any

from syncer.check import (
    OK,
    SKIP,
    WARN,
    Clock,
    Result,
    Step,
    Unknown,
    chain,
    clock_result,
    meetings_text,
    synced,
)
from syncer.connect import GoogleSource
from syncer.errors import AuthError, PageError
from syncer.model import Meeting
from syncer.parse import parse_document
from syncer.settings import Settings
from syncer.sources import select_tab
from syncer.stores.base import Page
from syncer.stores.confluence import CloudPages, DataCenterPages
from syncer.stores.confluence_api import Credentials

READ_ONLY = "documents.readonly, drive.readonly"
Pages = CloudPages | DataCenterPages


# --- Google --------------------------------------------------------------------------------


def google_checks(
    settings: Settings, source: GoogleSource, clock: Clock
) -> Generator[Result, None, list[Meeting] | None]:
    """Credentials, a token, the doc, its meetings, Google's clock. Returns the meetings."""
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
    def __init__(self, settings: Settings, source: GoogleSource) -> None:
        from syncer.sources import google

        self.api, self.settings, self.source = google, settings, source
        self.client: Any = None
        self.document: Any = None
        self.found: list[Meeting] | None = None

    def credentials(self) -> str:
        self.client = self.source.client
        google = self.settings.google
        assert google is not None
        acting = f", acting as {google.subject}" if google.subject else ""
        kind = self.api.credentials_kind(self.client.credentials)
        return f"{kind}{acting}, from {self.api.credentials_origin(google.credentials)}"

    def sign_in(self) -> str:
        self.client.sign_in()
        return f"got a token for the read-only scopes ({READ_ONLY})"

    def read(self) -> str:
        from syncer.sources.docs_json import read_docs_json

        raw = self.client.get_document()
        name = self.client.name
        document = read_docs_json(json.dumps(raw).encode(), name=name)
        tab = self.source.tab
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
        self.found = list(parse_document(self.document, self.settings.parse))
        return meetings_text(self.found)


# --- Confluence ----------------------------------------------------------------------------


def confluence_checks(
    settings: Settings, store: Pages, titles: list[str] | None, clock: Clock
) -> Iterator[Result]:
    """Login, space, each page and whether we may write it, Confluence's clock."""
    doctor = _ConfluenceDoctor(settings, store)
    advice = (
        "check [target] space (the space key, such as ARCH, not its name) and that the"
        " account may view that space"
    )
    passed = yield from chain(
        [Step("Confluence credentials", doctor.login), Step("space", doctor.space, advice)]
    )
    if not passed:
        yield Result(SKIP, "pages", "needs the Confluence credentials and space, which failed")
    elif titles is None:
        yield Result(SKIP, "pages", "which pages the doc needs is unknown: it could not be read")
    else:
        for title in titles:
            yield from chain(doctor.page_steps(title))
    yield from behaviour_results(settings, store)
    yield clock_result("Confluence", store.api.last_date, clock)


def behaviour_results(settings: Settings, store: Pages) -> Iterator[Result]:
    """Which way this server went where Atlassian's descriptions leave the answer open, and
    what a sync cannot do here (a quiet edit on Cloud), said before any sync writes."""
    told = store.describe()
    yield Result(OK, "Confluence API", "; ".join(told) if told else "answered as documented")
    target = settings.confluence
    if target is None or target.deployment != "cloud":
        return
    if not target.notify:
        yield Result(
            WARN,
            "notifications",
            "[target] notify = false (and --minor) cannot be honoured on Cloud: its v2 pages"
            " API has no minor edit, so watchers are notified of every page a sync writes",
        )
    if settings.index_title:
        yield Result(
            WARN,
            "notifications",
            f"the topic index {settings.index_title!r} is rebuilt as a minor edit, which Cloud's"
            " v2 API cannot make: its watchers are notified whenever its topics change",
        )


class _ConfluenceDoctor:
    def __init__(self, settings: Settings, store: Pages) -> None:
        assert settings.confluence is not None
        self.target, self.store, self.key = settings.confluence, store, settings.space
        self.user = "the account"
        self.pages: dict[str, Page | None] = {}

    def login(self) -> str:
        url = self.store.api.url
        try:
            self.user = self.store.current_user()
        except AuthError as error:
            hint = credentials_hint(self.target.credentials, self.target.deployment)
            raise AuthError(f"{error}; {hint}") from None
        except PageError as error:
            raise PageError(
                f"{error}; check [target] url (on Cloud https://SITE.atlassian.net/wiki)"
                " and that this machine can reach it"
            ) from None
        return f"logged in to {url} as {self.user}"

    def space(self) -> str:
        return f"{self.key} ({self.store.space_name()}) is visible"

    def page_steps(self, title: str) -> list[Step]:
        fix = "check [target] page_id" if self.target.page_id else ""
        return [
            Step(f"page {title!r}", lambda: self.page(title), fix),
            Step(f"write {title!r}", lambda: self.write(title)),
        ]

    def page(self, title: str) -> str:
        page = self.pages[title] = self.store.find(title)
        if page is not None:
            return f"exists (id {page.id}, version {page.version}, {synced(page)})"
        parent = self.store.new_page_parent()
        where = f"under {parent[1]!r} (id {parent[0]})" if parent else f"at the top of {self.key}"
        return f"not there yet; the first sync creates it {where}"

    def write(self, title: str) -> str:
        page = self.pages[title]
        if page is not None:
            return self._may("edit this page", self.store.may_update(page))
        return self._may(f"add pages to space {self.key}", self.store.may_create())

    def _may(self, what: str, allowed: bool | None) -> str:
        if allowed is None:
            raise Unknown(
                f"cannot be determined whether {self.user} may {what}: Confluence did not"
                " list the permitted operations; a sync will tell (a 403 names the page)"
            )
        if not allowed:
            raise PageError(
                f"{self.user} may not {what}; give the account the space permission Add Page"
                f" in {self.key} (it is also what lets it edit pages), and lift any edit"
                " restriction on the page"
            )
        return f"{self.user} may {what}"


def credentials_hint(credentials: Credentials, deployment: str) -> str:
    """What the Confluence credential variables must hold, for the message of a refusal."""
    if credentials.pat:
        return (
            "CONFLUENCE_TOKEN must be a personal access token (profile → Personal Access"
            " Tokens) that has not expired or been revoked"
        )
    if deployment == "cloud":
        return (
            "CONFLUENCE_USERNAME must be your Atlassian account email and CONFLUENCE_API_TOKEN"
            " an API token from id.atlassian.com (Security → API tokens), not your password"
        )
    return (
        "CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN must be a Data Center username and its"
        " password; or set CONFLUENCE_TOKEN to a personal access token instead"
    )
