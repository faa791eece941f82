"""The doctor's Confluence checks: login, the space, each page and whether the account may
write it, which way this server answers where Atlassian's descriptions leave it open, and the
clock. They ask the store through ``ConfluenceProbe``, read-only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from syncer.credentials import Credentials
from syncer.doctor.local import UNREAD_DOC, synced
from syncer.doctor.steps import Clock, Outcome, Result, Step, Unknown, chain, clock_result
from syncer.errors import AuthError, PageError
from syncer.settings import ConfluenceSettings, Settings
from syncer.stores.base import Page, PageStore


@runtime_checkable
class ConfluenceProbe(Protocol):
    """What the doctor asks a Confluence store; every call is read-only."""

    @property
    def url(self) -> str: ...

    @property
    def last_date(self) -> str | None:
        """The ``Date`` header of Confluence's last answer, for the clock check."""

    def find(self, title: str) -> Page | None: ...

    def id_of(self, page: Page) -> str: ...

    def current_user(self) -> str: ...

    def space_name(self) -> str: ...

    def new_page_parent(self) -> tuple[str, str] | None: ...

    def may_update(self, page: Page) -> bool | None: ...

    def may_create(self) -> bool | None: ...

    def describe(self) -> list[str]: ...


def confluence_checks(
    settings: Settings,
    target: ConfluenceSettings,
    store: PageStore,
    titles: list[str] | None,
    clock: Clock,
) -> Iterator[Result]:
    """Login, space, each page and whether we may write it, Confluence's clock."""
    if not isinstance(store, ConfluenceProbe):
        raise TypeError("the Confluence checks need a Confluence store")  # connect opens one
    doctor = _ConfluenceDoctor(target, store)
    advice = (
        "check [target] space (the space key, such as ARCH, not its name) and that the"
        " account may view that space"
    )
    passed = yield from chain(
        [Step("Confluence credentials", doctor.login), Step("space", doctor.space, advice)]
    )
    if not passed:
        failed = "needs the Confluence credentials and space, which failed"
        yield Result(Outcome.SKIP, "pages", failed)
    elif titles is None:
        yield Result(Outcome.SKIP, "pages", UNREAD_DOC)
    else:
        for title in titles:
            yield from chain(doctor.page_steps(title))
    yield from behaviour_results(settings, target, store)
    yield clock_result("Confluence", store.last_date, clock)


def behaviour_results(
    settings: Settings, target: ConfluenceSettings, store: ConfluenceProbe
) -> Iterator[Result]:
    """Which way this server went where Atlassian's descriptions leave the answer open, and
    what a sync cannot do here (a quiet edit on Cloud), said before any sync writes."""
    told = store.describe()
    answers = "; ".join(told) if told else "answered as documented"
    yield Result(Outcome.OK, "Confluence API", answers)
    if not target.cloud:
        return
    if not target.notify:
        yield Result(
            Outcome.WARN,
            "notifications",
            "[target] notify = false (and --minor) cannot be honoured on Cloud: its v2 pages"
            " API has no minor edit, so watchers are notified of every page a sync writes",
        )
    if settings.index_title:
        yield Result(
            Outcome.WARN,
            "notifications",
            f"the topic index {settings.index_title!r} is rebuilt as a minor edit, which Cloud's"
            " v2 API cannot make: its watchers are notified whenever its topics change",
        )


class _ConfluenceDoctor:
    def __init__(self, target: ConfluenceSettings, store: ConfluenceProbe) -> None:
        self.target, self.store, self.key = target, store, target.space
        self.user = "the account"
        self.pages: dict[str, Page | None] = {}

    def login(self) -> str:
        url = self.store.url
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
            return f"exists (id {self.store.id_of(page)}, version {page.version}, {synced(page)})"
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
