"""A ``file:`` archive shared by two runs, or by a run and a person: no update is lost, the
files keep the folder's permissions, and nothing an interrupted run left stays behind."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
import threading

import pytest

from syncer.errors import PageError, VersionConflict
from syncer.state import SyncState
from syncer.stores.local import LOCK_NAME, LocalPageStore


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def locked_by_someone(folder) -> bool:
    """Whether another holder has the folder's lock (tried without waiting)."""
    descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_a_page_saved_by_a_person_after_it_was_read_is_a_version_conflict(tmp_path):
    store = LocalPageStore(tmp_path)
    store.create("P", "<p>1</p>", SyncState(), "m")
    read = store.find("P")
    (tmp_path / "P.xhtml").write_text("<p>1</p><p>a person's line</p>", encoding="utf-8")
    with pytest.raises(VersionConflict, match="changed on disk since it was read"):
        store.update(read, "<p>2</p>", SyncState(), "m2")
    with pytest.raises(VersionConflict, match="changed on disk"):
        store.save_state(read, SyncState())
    assert "a person's line" in store.find("P").body


def test_a_run_holds_the_folder_from_its_first_read_to_its_end(tmp_path):
    store = LocalPageStore(tmp_path)
    page = store.create("P", "<p>1</p>", SyncState(), "m")
    assert not locked_by_someone(tmp_path)
    with store.held():
        assert not locked_by_someone(tmp_path)  # nothing read yet
        page = store.find("P")
        assert locked_by_someone(tmp_path)
        page = store.update(page, "<p>2</p>", SyncState(), "m2")
        assert locked_by_someone(tmp_path)  # still: the index may be written next
    assert not locked_by_someone(tmp_path)
    assert page.version == 2


def test_a_second_run_waits_for_the_first_and_merges_from_its_result(tmp_path, caplog):
    first, second = LocalPageStore(tmp_path), LocalPageStore(tmp_path)
    first.create("P", "<p>a</p>", SyncState(), "m")
    waiting, done = threading.Event(), []

    class Waiting(logging.Handler):
        def emit(self, record):
            if "waiting for it to finish" in record.getMessage():
                waiting.set()

    logging.getLogger("syncer.stores.local").addHandler(handler := Waiting())
    logging.getLogger("syncer.stores.local").setLevel(logging.INFO)

    def second_run():
        with second.held():
            page = second.find("P")  # blocks until the first run is done
            done.append(second.update(page, page.body + "<p>b</p>", SyncState(), "b"))

    try:
        with first.held():
            page = first.find("P")
            racer = threading.Thread(target=second_run)
            racer.start()
            assert waiting.wait(10), "the second run did not wait for the lock"
            first.update(page, page.body + "<p>c</p>", SyncState(), "c")
        racer.join(10)
    finally:
        logging.getLogger("syncer.stores.local").removeHandler(handler)
        logging.getLogger("syncer.stores.local").setLevel(logging.NOTSET)
    assert done and done[0].version == 3
    assert first.find("P").body == "<p>a</p><p>c</p><p>b</p>"


def test_new_files_get_the_umask_s_mode_and_existing_ones_keep_theirs(tmp_path, umask_022):
    store = LocalPageStore(tmp_path)
    page = store.create("P", "<p>1</p>", SyncState(), "m")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("P*")}
    assert set(modes.values()) == {0o644}, modes
    (tmp_path / "P.xhtml").chmod(0o664)
    store.update(page, "<p>2</p>", SyncState(), "m2")
    assert stat.S_IMODE((tmp_path / "P.xhtml").stat().st_mode) == 0o664


def test_temporary_files_an_interrupted_run_left_are_cleaned_up(tmp_path):
    store = LocalPageStore(tmp_path)
    page = store.create("P", "<p>1</p>", SyncState(), "m")
    for leftover in (tmp_path / ".tmp-a1b2.xhtml", tmp_path / ".history" / ".tmp-c3.xhtml"):
        leftover.write_text("half a page", encoding="utf-8")
    store.update(page, "<p>2</p>", SyncState(), "m2")
    assert list(tmp_path.rglob(".tmp-*")) == []


@pytest.mark.parametrize("version", ['"3"', "0", "true", "2.5"])
def test_a_version_that_is_not_a_whole_number_is_one_clear_error(tmp_path, version):
    store = LocalPageStore(tmp_path)
    store.create("P", "<p>1</p>", SyncState(), "m")
    meta = json.loads((tmp_path / "P.meta.json").read_text())
    text = json.dumps(meta).replace('"version": 1', f'"version": {version}')
    (tmp_path / "P.meta.json").write_text(text)
    with pytest.raises(PageError, match=r'P\.meta\.json: "version" must be a whole number'):
        store.find("P")
