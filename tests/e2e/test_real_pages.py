"""Pages as Confluence really stores them: each real storage body of
``tests/fixtures/real-confluence`` as a page's preamble and as a hand-made section, synced,
saved in Cloud's editor, edited by a person, changed in the doc.

What must hold on every one: what notes-sync does not own comes back byte for byte; a second
sync writes nothing; a save in the editor is no edit, so a doc change to one meeting updates
that meeting and nothing reads as edited; a one-word edit by a person is kept, and is a
conflict once the doc changes the same meeting.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from syncer import cli
from tests.fakes.cloud_editor import saved_in_cloud_editor

ROOT = Path(__file__).parents[2]
REAL = sorted((ROOT / "tests" / "fixtures" / "real-confluence").glob("*.xhtml"))
PAGE = "Arch Hours: 2023"
HAND_MADE = "<h2>2023-11-30</h2>\n"


class Archive:
    """A ``file:`` archive synced from the bundled example doc through the CLI."""

    def __init__(self, folder: Path, capsys) -> None:
        self.folder, self.capsys = folder, capsys
        shutil.copy(ROOT / "examples" / "arch-hours-notes.json", folder / "notes.json")
        (folder / "sync.toml").write_text(
            '[source]\nfile = "notes.json"\n[target]\nurl = "file:archive"\nspace = "ARCH"\n'
            'title = "Arch Hours: {year}"\n',
            encoding="utf-8",
        )
        (folder / "archive").mkdir()

    @property
    def page(self) -> Path:
        return self.folder / "archive" / f"{PAGE}.xhtml"

    @property
    def version(self) -> int:
        meta = self.folder / "archive" / f"{PAGE}.meta.json"
        return json.loads(meta.read_text())["version"] if meta.exists() else 0

    def sync(self) -> tuple[int, dict[str, str]]:
        code = cli.main(["sync", "--config", str(self.folder / "sync.toml"), "--json"])
        out, _ = self.capsys.readouterr()
        (page,) = json.loads(out)["pages"]
        return code, {m["date"]: m["status"] for m in page["meetings"]}

    def person_saves(self, body: str) -> None:
        """A new version of the page, as a person's save in Confluence makes one."""
        meta_path = self.folder / "archive" / f"{PAGE}.meta.json"
        meta = json.loads(meta_path.read_text())
        meta["version"] += 1
        self.page.write_text(body, encoding="utf-8")
        meta_path.write_text(json.dumps(meta), encoding="utf-8")

    def edit_doc(self, old: str, new: str) -> None:
        path = self.folder / "notes.json"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("role", ["preamble", "hand-made section"])
@pytest.mark.parametrize("real", REAL, ids=lambda p: p.name[:2])
def test_a_real_body_survives_every_step_of_a_pages_life(real, role, tmp_path, capsys):
    archive = Archive(tmp_path, capsys)
    theirs = real.read_text(encoding="utf-8")
    body = theirs if role == "preamble" else HAND_MADE + theirs + "\n"
    archive.page.write_text(body, encoding="utf-8")

    code, statuses = archive.sync()
    assert code == 0
    written = archive.page.read_text(encoding="utf-8")
    if role == "preamble":
        assert statuses == dict.fromkeys(statuses, "added") and written.startswith(theirs)
    else:
        assert statuses.pop("2023-11-30") == "unmanaged"
        assert set(statuses.values()) == {"added"} and written.endswith(body)

    version = archive.version
    code, statuses = archive.sync()
    assert code == 0 and archive.version == version
    assert archive.page.read_text(encoding="utf-8") == written

    archive.person_saves(saved_in_cloud_editor(written, seed=len(theirs)))
    archive.edit_doc("New Relic", "NewRelic")
    code, statuses = archive.sync()
    assert code == 0 and statuses["2023-12-20"] == "updated"
    assert not {"edited", "conflict"} & set(statuses.values())
    assert "NewRelic" in archive.page.read_text(encoding="utf-8")

    saved = archive.page.read_text(encoding="utf-8")
    assert "Scheduled for 2am tonight" in saved
    archive.person_saves(saved.replace("Scheduled for 2am tonight", "Scheduled for 3am tonight"))
    code, statuses = archive.sync()
    assert code == 0 and statuses["2023-12-13"] == "edited"
    assert statuses["2023-12-20"] == "unchanged"

    archive.edit_doc("MySQL 8.0 switchover", "MySQL 8.4 switchover")
    code, statuses = archive.sync()
    assert code == 3 and statuses["2023-12-13"] == "conflict"
    assert "3am tonight" in archive.page.read_text(encoding="utf-8")
