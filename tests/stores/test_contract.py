"""One contract for every page store: in memory, a ``file:`` folder, Confluence Cloud (v2) and
Data Center (v1) over the fakes. The sync sees only this interface, so each store must keep
the same promises: pages found by title, versions checked on every write, a person's save
between read and write refused, sync state kept with the page, old versions readable, our
labels added, minor edits where the service has them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from syncer.credentials import Credentials
from syncer.errors import PageError, VersionConflict
from syncer.state import SectionRecord, SyncState
from syncer.stores.base import PageStore
from syncer.stores.confluence import CloudPages, DataCenterPages
from syncer.stores.confluence.api import ConfluenceApi
from syncer.stores.local import LocalPageStore
from tests.fakes.confluence import FakeConfluence
from tests.fakes.memory_store import MemoryPageStore

TITLE = "Arch Hours: 2023"
LABELS = ("arch-hours",)
STATE = SyncState({"2023-12-20": SectionRecord("p", "d", 1)}, "rev", 1)


@dataclass
class Backend:
    """A store, and how a test sees into what it stores (as a person or the service would)."""

    store: PageStore
    person_saves: Callable[[str, str], None]
    labels: Callable[[str], set[str]]
    quiet: Callable[[str], bool | None]  # the last write was a minor edit (None: no such thing)
    attached: Callable[[str, str], bytes | None]  # a file attached to a page, as stored


def memory(tmp_path: Path) -> Iterator[Backend]:
    store = MemoryPageStore(LABELS)

    def quiet(title: str) -> bool:
        page = store.find(title)
        assert page is not None
        return store.minor_edit(title, page.version)

    def attached(title: str, name: str) -> bytes | None:
        return store.pages[title].files.get(name)

    yield Backend(store, store.person_saves, store.labels_of, quiet, attached)


def folder(tmp_path: Path) -> Iterator[Backend]:
    import json

    store = LocalPageStore(tmp_path / "archive", LABELS)

    def person_saves(title: str, body: str) -> None:
        (tmp_path / "archive" / f"{title}.xhtml").write_text(body, encoding="utf-8")

    def labels(title: str) -> set[str]:
        meta = json.loads((tmp_path / "archive" / f"{title}.meta.json").read_text())
        return set(meta.get("labels", []))

    def attached(title: str, name: str) -> bytes | None:
        path = tmp_path / "archive" / f"{title}.attachments" / name
        return path.read_bytes() if path.exists() else None

    yield Backend(store, person_saves, labels, lambda title: None, attached)


def confluence(deployment: str) -> Callable[[Path], Iterator[Backend]]:
    def backend(tmp_path: Path) -> Iterator[Backend]:
        with FakeConfluence(deployment=deployment) as fake:
            fake.add_space("ARCH", "2000", "1000", name="Architecture")
            credentials = (
                Credentials(fake.username, fake.api_token)
                if deployment == "cloud"
                else Credentials(pat=fake.pat)
            )
            api = ConfluenceApi(fake.url, credentials, sleep=lambda seconds: None)
            pages = CloudPages if deployment == "cloud" else DataCenterPages
            store = pages(api, "ARCH", labels=LABELS)

            def stored(title: str):  # type: ignore[no-untyped-def]
                found = fake.find_page("ARCH", title)
                assert found is not None
                return found

            def person_saves(title: str, body: str) -> None:
                fake.edit_page(stored(title).id, body, "by hand")

            def quiet(title: str) -> bool | None:
                page = stored(title)
                return page.current().minorEdit if deployment == "datacenter" else None

            def attached(title: str, name: str) -> bytes | None:
                version = fake.attachment(stored(title).id, name)
                assert version is None or version.minor  # uploads notify nobody
                return version.data if version else None

            labels = lambda title: set(stored(title).labels)  # noqa: E731
            yield Backend(store, person_saves, labels, quiet, attached)

    return backend


BACKENDS = {
    "memory": memory,
    "file": folder,
    "cloud": confluence("cloud"),
    "datacenter": confluence("datacenter"),
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request, tmp_path) -> Iterator[Backend]:
    with contextlib.contextmanager(BACKENDS[request.param])(tmp_path) as made:
        yield made


def test_a_page_that_is_not_there_is_none(backend):
    assert backend.store.find(TITLE) is None


def test_a_created_page_is_found_as_it_was_written(backend):
    created = backend.store.create(TITLE, "<p>notes</p>", STATE, "notes sync: added")
    found = backend.store.find(TITLE)
    assert created.version == 1 and found is not None
    assert (found.title, found.body, found.version, found.state) == (
        TITLE,
        "<p>notes</p>",
        1,
        STATE,
    )


def test_an_update_writes_the_next_version_with_its_state(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    state = SyncState({"2023-12-20": SectionRecord("q", "e", 2)}, "rev2", 2)
    updated = backend.store.update(page, "<p>v2</p>", state, "notes sync: updated")
    found = backend.store.find(TITLE)
    assert updated.version == 2 and found is not None
    assert (found.body, found.version, found.state) == ("<p>v2</p>", 2, state)


def test_an_update_over_a_stale_version_is_a_version_conflict(backend):
    first = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    backend.store.update(first, "<p>v2</p>", SyncState(), "m")
    with pytest.raises(VersionConflict):
        backend.store.update(first, "<p>lost</p>", SyncState(), "m")
    found = backend.store.find(TITLE)
    assert found is not None and found.body == "<p>v2</p>"


def test_a_persons_save_between_read_and_write_is_a_version_conflict(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    backend.person_saves(TITLE, "<p>theirs</p>")
    with pytest.raises(VersionConflict):
        backend.store.update(page, "<p>ours</p>", SyncState(), "m")
    found = backend.store.find(TITLE)
    assert found is not None and found.body == "<p>theirs</p>"


def test_creating_a_page_that_exists_fails_and_keeps_it(backend):
    backend.store.create(TITLE, "<p>first</p>", SyncState(), "m")
    with pytest.raises(PageError):
        backend.store.create(TITLE, "<p>second</p>", SyncState(), "m")
    found = backend.store.find(TITLE)
    assert found is not None and found.body == "<p>first</p>"


def test_state_alone_is_saved_without_a_new_version(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    saved = backend.store.save_state(page, STATE)
    found = backend.store.find(TITLE)
    assert saved.version == 1 and found is not None
    assert (found.version, found.state, found.body) == (1, STATE, "<p>v1</p>")
    again = backend.store.save_state(saved, SyncState({}, "rev3", 1))
    assert backend.store.find(TITLE).state == again.state  # type: ignore[union-attr]


def test_old_versions_can_be_read_back(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    updated = backend.store.update(page, "<p>v2</p>", SyncState(), "m")
    assert backend.store.version_body(updated, 1) == "<p>v1</p>"
    assert backend.store.version_body(updated, 2) == "<p>v2</p>"
    assert backend.store.version_body(updated, 9) is None


def test_the_configured_labels_are_added(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    assert backend.labels(TITLE) >= set(LABELS)
    backend.store.update(page, "<p>v2</p>", SyncState(), "m")
    assert backend.labels(TITLE) >= set(LABELS)


def test_minor_edits_write_the_same_pages_quietly_where_the_service_can(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    quiet = backend.store.minor_edits()
    quiet.update(page, "<p>v2</p>", SyncState(), "m")
    assert backend.store.find(TITLE).body == "<p>v2</p>"  # type: ignore[union-attr]
    assert backend.quiet(TITLE) in (True, None)


def test_a_run_holds_the_store_and_counts_its_requests(backend, request):
    before = backend.store.requests
    with backend.store.held():
        assert backend.store.find(TITLE) is None
        backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    over_http = request.node.callspec.params["backend"] in ("cloud", "datacenter")
    assert (backend.store.requests > before) == over_http


def test_files_are_attached_to_a_page_and_listed(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    assert backend.store.attachments(page) == set()
    backend.store.attach(page, "image-3fa9c2d1.png", b"\x89PNG one", "image/png")
    backend.store.attach(page, "image-77aa01bc.jpg", b"\xff\xd8 two", "image/jpeg")
    assert backend.store.attachments(page) == {"image-3fa9c2d1.png", "image-77aa01bc.jpg"}
    assert backend.attached(TITLE, "image-3fa9c2d1.png") == b"\x89PNG one"


def test_attaching_a_name_again_stores_the_new_bytes(backend):
    page = backend.store.create(TITLE, "<p>v1</p>", SyncState(), "m")
    backend.store.attach(page, "diagram.png", b"old", "image/png")
    backend.store.attach(page, "diagram.png", b"new", "image/png")
    assert backend.store.attachments(page) == {"diagram.png"}
    assert backend.attached(TITLE, "diagram.png") == b"new"
