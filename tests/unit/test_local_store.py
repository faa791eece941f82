import json

import pytest

from syncer.errors import VersionConflict
from syncer.state import SectionRecord, SyncState
from syncer.stores.local import LocalPageStore


def test_a_created_page_is_the_exact_body_plus_metadata_beside_it(tmp_path):
    store = LocalPageStore(tmp_path / "archive")
    state = SyncState({"2023-12-20": SectionRecord("abc", "doc", 1)}, "r1", 1)
    page = store.create("Arch Hours: 2023", "<p>x</p>", state, "m")
    assert (tmp_path / "archive" / "Arch Hours: 2023.xhtml").read_text() == "<p>x</p>"
    meta = json.loads((tmp_path / "archive" / "Arch Hours: 2023.meta.json").read_text())
    assert meta["version"] == 1
    assert meta["state"] == {
        "schema": 3,
        "page_version": 1,
        "source_revision": "r1",
        "meetings": {
            "2023-12-20": {"doc": "doc", "page": "abc", "version": 1, "page_form": 2, "doc_form": 2}
        },
    }
    assert store.find("Arch Hours: 2023") == page


def test_every_version_written_can_be_read_back(tmp_path):
    store = LocalPageStore(tmp_path)
    first = store.create("P", "<p>1</p>", SyncState(), "m")
    second = store.update(first, "<p>2</p>", SyncState(), "m2")
    assert store.version_body(second, 1) == "<p>1</p>"
    assert store.version_body(second, 2) == "<p>2</p>"
    assert store.version_body(second, 3) is None


def test_state_alone_can_be_saved_without_a_new_version(tmp_path):
    store = LocalPageStore(tmp_path)
    page = store.create("P", "<p>1</p>", SyncState(), "m")
    state = SyncState({"2023-12-20": SectionRecord("abc")}, None, 1)
    store.save_state(page, state)
    found = store.find("P")
    assert (found.version, found.body, found.state) == (1, "<p>1</p>", state)


def test_update_bumps_the_version_and_refuses_a_stale_one(tmp_path):
    store = LocalPageStore(tmp_path)
    first = store.create("P", "<p>1</p>", SyncState(), "m")
    second = store.update(first, "<p>2</p>", SyncState(), "m2")
    assert second.version == 2
    with pytest.raises(VersionConflict, match="version 2, not 1"):
        store.update(first, "<p>3</p>", SyncState(), "m3")
    assert store.find("P").body == "<p>2</p>"


def test_a_page_someone_dropped_in_by_hand_is_version_1_with_no_state(tmp_path):
    (tmp_path / "Hand made.xhtml").write_text("<p>preamble</p>", encoding="utf-8")
    page = LocalPageStore(tmp_path).find("Hand made")
    assert (page.version, page.state, page.body) == (1, SyncState(), "<p>preamble</p>")


def test_creating_a_page_that_appeared_meanwhile_is_a_conflict(tmp_path):
    store = LocalPageStore(tmp_path)
    store.create("P", "<p>1</p>", SyncState(), "m")
    with pytest.raises(VersionConflict):
        store.create("P", "<p>other</p>", SyncState(), "m")


def test_a_slash_in_a_title_does_not_escape_the_folder(tmp_path):
    store = LocalPageStore(tmp_path / "a")
    store.create("x/../../y", "<p/>", SyncState(), "m")
    assert [p.name for p in (tmp_path / "a").iterdir() if p.suffix == ".xhtml"] == [
        "x∕..∕..∕y.xhtml"
    ]


def test_mangled_state_is_no_state_not_an_error(tmp_path):
    store = LocalPageStore(tmp_path)
    store.create("P", "<p>1</p>", SyncState({"2023-12-20": SectionRecord("abc")}), "m")
    (tmp_path / "P.meta.json").write_text('{"version": 1, "state": {"sections": [1, 2]}}')
    assert store.find("P").state == SyncState()


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "corrupt",
        {"schema": 3, "meetings": {"2023-12-20": {"page": "abc"}}},
        {"schema": 2, "meetings": {"2023-12-20": {"page": 7}}},
    ],
)
def test_state_missing_mangled_or_from_an_unknown_schema_means_nothing_is_ours(stored):
    assert SyncState.from_json(stored).meetings == {}


def test_state_from_the_first_release_keeps_page_hashes_without_doc_hashes():
    state = SyncState.from_json({"sections": {"2023-12-20": "abc"}, "source_revision": "r"})
    assert state.meetings == {"2023-12-20": SectionRecord("abc", page_form=1, doc_form=1)}
    assert state.source_revision is None
