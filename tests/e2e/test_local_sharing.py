"""Two runs on one ``file:`` archive, or a run and a person saving the page: nobody's words
are lost. The overlap is made deterministic by hooking the store's read, never by sleeping."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path

from syncer import cli
from syncer.stores.local import LocalPageStore

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "arch-hours-notes.json"
PAGE = "Arch Hours: 2023"


def setup(folder: Path) -> Path:
    shutil.copy(EXAMPLE, folder / "notes.json")
    config = folder / "sync.toml"
    config.write_text(
        '[source]\nfile = "notes.json"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return config


def edited_notes(folder: Path, old: str, new: str, name: str = "notes.json") -> Path:
    notes = json.loads((folder / "notes.json").read_text().replace(old, new))
    notes["revisionId"] += f"-{name}"
    (folder / name).write_text(json.dumps(notes))
    return folder / name


def page(folder: Path) -> str:
    return (folder / "archive" / f"{PAGE}.xhtml").read_text(encoding="utf-8")


def test_a_person_saving_the_page_while_a_sync_runs_keeps_their_edit(tmp_path, monkeypatch):
    config = setup(tmp_path)
    assert cli.main(["sync", "--config", str(config)]) == 0
    edited_notes(tmp_path, "New Relic", "NewRelic")
    real_find = LocalPageStore.find
    saved = []

    def find_then_a_person_saves(self, title):
        found = real_find(self, title)
        if found is not None and not saved:  # after our read, before our write
            saved.append(title)
            path = tmp_path / "archive" / f"{title}.xhtml"
            path.write_text("<p>Saved by a person meanwhile.</p>" + found.body, encoding="utf-8")
        return found

    monkeypatch.setattr(LocalPageStore, "find", find_then_a_person_saves)
    assert cli.main(["sync", "--config", str(config)]) == 0
    assert page(tmp_path).startswith("<p>Saved by a person meanwhile.</p>")
    assert "NewRelic" in page(tmp_path)


def test_a_backfill_overlapping_a_sync_loses_neither_s_meetings(tmp_path, monkeypatch):
    config = setup(tmp_path)
    assert cli.main(["sync", "--config", str(config)]) == 0
    edited_notes(tmp_path, "New Relic", "NewRelic")
    other = edited_notes(tmp_path, "MySQL", "MariaDB", name="other.json")
    waiting, backfill = threading.Event(), []

    class Waiting(logging.Handler):
        def emit(self, record):
            if "waiting for it to finish" in record.getMessage():
                waiting.set()

    real_find = LocalPageStore.find
    started = []

    def find_then_a_backfill_starts(self, title):
        found = real_find(self, title)
        if not started:  # the sync has read the page; a backfill starts now
            started.append(threading.Thread(target=run_backfill))
            started[0].start()
            assert waiting.wait(10), "the backfill did not wait for the sync"
        return found

    def run_backfill():
        window = ["--since", "2023-12-13", "--until", "2023-12-13"]
        backfill.append(
            cli.main(["backfill", "--config", str(config), "--from", str(other), *window])
        )

    logger = logging.getLogger("syncer.stores.local")
    logger.addHandler(handler := Waiting())
    monkeypatch.setattr(LocalPageStore, "find", find_then_a_backfill_starts)
    try:
        assert cli.main(["sync", "--config", str(config)]) == 0
        started[0].join(20)
    finally:
        logger.removeHandler(handler)
    assert backfill == [0]
    body = page(tmp_path)
    assert "NewRelic" in body and "MariaDB" in body  # the sync's 2023-12-20, the backfill's 12-13
    meta = json.loads((tmp_path / "archive" / f"{PAGE}.meta.json").read_text())
    assert meta["version"] == 3
