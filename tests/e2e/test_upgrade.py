"""A page synced by the previous release (state schema 2, hashes of the first forms) upgrades
without a write and without anything read as edited; a doc change is an update."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from syncer import cli
from tests.e2e.live import TITLE, edit_doc, sync, the_page, writes
from tests.fakes.cloud_editor import saved_in_cloud_editor

ROOT = Path(__file__).parents[2]
UPGRADE = ROOT / "tests" / "data" / "upgrade"
DOCS = {
    "arch-hours-notes": ROOT / "examples" / "arch-hours-notes.json",
    "docs-traps": ROOT / "tests" / "golden" / "docs-traps.json",
}
PAGE = f"{TITLE}.xhtml"
META = f"{TITLE}.meta.json"


def archive_of(name: str, folder: Path) -> Path:
    shutil.copytree(UPGRADE / name, folder / "archive")
    shutil.copy(DOCS[name], folder / "notes.json")
    config = folder / "sync.toml"
    config.write_text(
        '[source]\nfile = "notes.json"\n[target]\nurl = "file:archive"\nspace = "ARCH"\n'
        'title = "Arch Hours: {year}"\n[meetings]\ninclude_upcoming = true\n',
        encoding="utf-8",
    )
    return config


def run(config: Path, capsys) -> tuple[int, dict[str, str]]:
    code, found = decisions(config, capsys)
    return code, {date: status for date, (status, _) in found.items()}


def decisions(config: Path, capsys) -> tuple[int, dict[str, tuple[str, str]]]:
    """The exit code, and each meeting's status and reason."""
    code = cli.main(["sync", "--config", str(config), "--json"])
    (page,) = json.loads(capsys.readouterr().out)["pages"]
    return code, {m["date"]: (m["status"], m["reason"]) for m in page["meetings"]}


def files(folder: Path) -> dict[str, bytes]:
    """The archive's pages, metadata and history (the runs' lock file aside)."""
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".notes-sync.lock")
    return {p.name: p.read_bytes() for p in found}


def test_an_archive_of_the_previous_release_upgrades_with_no_write(tmp_path, capsys):
    config = archive_of("arch-hours-notes", tmp_path)
    before = files(tmp_path / "archive")
    code, statuses = run(config, capsys)
    assert code == 0 and set(statuses.values()) == {"unchanged"}
    assert files(tmp_path / "archive") == before


def test_a_meeting_the_previous_release_read_short_is_rendered_anew_and_no_other(tmp_path, capsys):
    """docs-traps' 2023-12-20 holds a footnote, which that release left out: its section
    is written again, with the note; nothing reads as edited."""
    config = archive_of("docs-traps", tmp_path)
    code, found = decisions(config, capsys)
    anew = ("updated", "rendered anew by this notes-sync release")
    assert code == 0
    assert found == {
        d: anew if d == "2023-12-20" else ("unchanged", r) for d, (_, r) in found.items()
    }
    assert "See the ticket for the &lt;data&gt;." in (tmp_path / "archive" / PAGE).read_text()
    assert run(config, capsys) == (0, dict.fromkeys(found, "unchanged"))


def test_after_the_upgrade_a_doc_change_is_an_update_and_old_entries_stay_good(tmp_path, capsys):
    config = archive_of("arch-hours-notes", tmp_path)
    notes = tmp_path / "notes.json"
    notes.write_text(notes.read_text().replace("New Relic", "NewRelic"))
    code, statuses = run(config, capsys)
    assert code == 0
    assert statuses == {
        "2023-12-20": "updated",
        "2023-12-13": "unchanged",
        "2023-12-06": "unchanged",
        "2023-11-30": "unchanged",
    }
    meta = json.loads((tmp_path / "archive" / META).read_text())
    forms = {d: (w["page_form"], w["doc_form"]) for d, w in meta["state"]["meetings"].items()}
    assert forms == {
        "2023-12-20": (3, 3),
        "2023-12-13": (1, 1),
        "2023-12-06": (1, 1),
        "2023-11-30": (1, 1),
    }
    before = files(tmp_path / "archive")
    assert run(config, capsys) == (0, dict.fromkeys(statuses, "unchanged"))
    assert files(tmp_path / "archive") == before


def test_after_the_upgrade_a_save_in_the_cloud_editor_is_no_edit(tmp_path, capsys):
    config = archive_of("arch-hours-notes", tmp_path)
    page = tmp_path / "archive" / PAGE
    page.write_text(saved_in_cloud_editor(page.read_text()))
    code, statuses = run(config, capsys)
    assert code == 0 and set(statuses.values()) == {"unchanged"}


def test_a_confluence_page_of_the_previous_release_upgrades_with_no_write(
    config, google, confluence, capsys
):
    old = UPGRADE / "arch-hours-notes"
    page_id = confluence.add_page("ARCH", TITLE, (old / PAGE).read_text(), parent_id="1000")
    confluence.add_property(page_id, "notes-sync", json.loads((old / META).read_text())["state"])
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert "meetings: 4 unchanged" in err and writes(confluence) == []
    edit_doc(google, "New Relic", "NewRelic")
    code, _, err = sync(config, capsys)
    assert code == 0 and "1 updated, 3 unchanged" in err
    assert "NewRelic" in the_page(confluence).body


def test_after_the_upgrade_a_save_in_the_editor_and_a_doc_change_is_an_update_not_a_conflict(
    tmp_path, capsys
):
    """The first form took the editor's markup for an edit; the version that release wrote
    shows the section still reads the same."""
    config = archive_of("arch-hours-notes", tmp_path)
    page = tmp_path / "archive" / PAGE
    meta_path = tmp_path / "archive" / META
    page.write_text(saved_in_cloud_editor(page.read_text()))
    meta = json.loads(meta_path.read_text())
    meta["version"] = 2
    meta_path.write_text(json.dumps(meta))
    notes = tmp_path / "notes.json"
    notes.write_text(notes.read_text().replace("New Relic", "NewRelic"))
    code, statuses = run(config, capsys)
    assert code == 0 and statuses["2023-12-20"] == "updated"
    assert "NewRelic" in page.read_text()
