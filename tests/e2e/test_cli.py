"""The CLI end to end on local files: the scheduled job as a user runs it."""

import json
import shutil
from pathlib import Path

import pytest

from syncer import cli
from syncer.errors import VersionConflict
from syncer.stores.local import LocalPageStore
from tests.e2e.logged import messages

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "arch-hours-notes.json"
PAGE = "Arch Hours: 2023"


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "notes.json")
    (tmp_path / "sync.toml").write_text(
        '[source]\nfile = "notes.json"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return tmp_path


def run(workdir: Path, *args: str, capsys=None) -> tuple[int, str, str]:
    code = cli.main([*args[:1], "--config", str(workdir / "sync.toml"), *args[1:]])
    out, err = capsys.readouterr() if capsys else ("", "")
    return code, out, err


def edit_notes(workdir: Path, old: str, new: str) -> None:
    """Edit the saved doc as Google would: the text changes, and so does the revision."""
    notes = json.loads((workdir / "notes.json").read_text().replace(old, new))
    notes["revisionId"] += "-edited"
    (workdir / "notes.json").write_text(json.dumps(notes))


def meta(workdir: Path) -> dict:
    return json.loads((workdir / "archive" / f"{PAGE}.meta.json").read_text())


def body(workdir: Path) -> str:
    return (workdir / "archive" / f"{PAGE}.xhtml").read_text()


def test_first_sync_creates_the_year_page_with_every_meeting(workdir, capsys):
    code, out, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0
    assert f"{PAGE}: create (4 added)" in out
    page = body(workdir)
    dates = ["2023-12-20", "2023-12-13", "2023-12-06", "2023-11-30"]
    assert [page.index(f"<h2>{d}</h2>") for d in dates] == sorted(
        page.index(f"<h2>{d}</h2>") for d in dates
    )
    assert meta(workdir)["version"] == 1
    assert meta(workdir)["message"] == f"notes sync: added {', '.join(dates)}"


def test_a_second_sync_with_no_change_writes_nothing(workdir, capsys):
    run(workdir, "sync")
    before = body(workdir)
    code, out, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0
    assert f"{PAGE}: none (4 unchanged)" in out and "nothing written" in out
    assert meta(workdir)["version"] == 1 and body(workdir) == before


def test_a_human_edit_to_the_preamble_survives_a_sync_that_adds_a_meeting(workdir, capsys):
    run(workdir, "sync")
    page = body(workdir)
    edited = "<h1>Meeting Expectations</h1><p>Be kind.</p>" + page
    (workdir / "archive" / f"{PAGE}.xhtml").write_text(edited)
    edit_notes(workdir, '"2023-12-20\\n"', '"2023-12-27\\n"')
    code, out, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0 and "2023-12-27  added" in out
    assert body(workdir).startswith("<h1>Meeting Expectations</h1><p>Be kind.</p>")
    assert "<h2>2023-12-20</h2>" in body(workdir)  # no longer in the doc: kept
    assert meta(workdir)["version"] == 2


def test_dry_run_shows_the_plan_and_a_markdown_diff_and_writes_nothing(workdir, capsys):
    code, out, _ = run(workdir, "sync", "--dry-run", capsys=capsys)
    assert code == 0
    assert "2023-12-20  added" in out
    assert "+## 2023-12-20" in out and "[INFORM]" in out
    assert not (workdir / "archive").exists()


def test_json_prints_the_same_plan_for_scripts(workdir, capsys):
    code, out, _ = run(workdir, "sync", "--dry-run", "--json", capsys=capsys)
    plan = json.loads(out)
    assert code == 0
    assert plan["pages"][0]["title"] == PAGE and plan["pages"][0]["action"] == "create"
    assert [m["status"] for m in plan["pages"][0]["meetings"]] == ["added"] * 4


def test_a_doc_with_no_meetings_writes_nothing_and_says_so(workdir, capsys):
    (workdir / "notes.json").write_text(json.dumps({"documentId": "x", "body": {"content": []}}))
    code, out, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0 and "no dated meetings found" in out
    assert not (workdir / "archive").exists()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("notes.json", b"<html>", "not a JSON file"),
        ("notes.json", b'{"kind": "drive#file"}', "not a Google Docs document"),
        ("notes.zip", b"PK nope", "not a zip"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_fails_with_one_line(
    workdir, capsys, name, data, says
):
    run(workdir, "sync", capsys=capsys)
    before = body(workdir)
    (workdir / name).write_bytes(data)
    code, _, err = run(workdir, "backfill", "--from", str(workdir / name), capsys=capsys)
    assert code == 1
    error, summary = messages(err)
    assert says in error and summary.startswith("syncer backfill: exit 1; 0 pages written")
    assert body(workdir) == before


def test_bad_configuration_is_exit_2_before_reading_anything(workdir, capsys):
    (workdir / "sync.toml").write_text('[target]\nurl = "file:a"\n')
    code, _, err = run(workdir, "sync", capsys=capsys)
    assert code == 2
    assert "[source] needs" in err and "[target] title is required" in err


def test_bad_usage_is_exit_2(workdir):
    with pytest.raises(SystemExit) as caught:
        cli.main(["backfill", "--config", str(workdir / "sync.toml"), "--since", "last week"])
    assert caught.value.code == 2


def test_backfill_since_after_until_is_exit_2_with_the_config_s_problems(workdir, capsys):
    (workdir / "sync.toml").write_text('[target]\nurl = "file:a"\n')
    window = ("--since", "2023-12-20", "--until", "2023-12-01")
    code, _, err = run(workdir, "backfill", *window, capsys=capsys)
    assert code == 2
    error = messages(err)[0]
    assert "--since 2023-12-20 is after --until 2023-12-01" in error and "[source] needs" in error
    assert not (workdir / "a").exists()


def test_backfill_takes_another_file_and_a_date_window(workdir, capsys):
    code, out, _ = run(
        workdir,
        "backfill",
        "--from",
        str(EXAMPLE),
        "--since",
        "2023-12-06",
        "--until",
        "2023-12-13",
        capsys=capsys,
    )
    assert code == 0 and "(2 added)" in out
    assert "2023-12-20" not in body(workdir) and "2023-12-13" in body(workdir)


def test_a_hand_edited_section_is_kept_and_the_run_fails_until_forced(workdir, capsys):
    run(workdir, "sync")
    page = body(workdir)
    (workdir / "archive" / f"{PAGE}.xhtml").write_text(
        page.replace("Contract expires around June", "Contract expires in May (checked)")
    )
    edit_notes(workdir, "New Relic", "NewRelic")
    code, _, err = run(workdir, "sync", capsys=capsys)
    assert code == 3 and "kept 2023-12-20" in err and "--force 2023-12-20" in err
    assert "expires in May (checked)" in body(workdir)
    code, _, _ = run(workdir, "sync", "--force", capsys=capsys)
    assert code == 0 and "expires in May" not in body(workdir)


def test_a_page_saved_by_someone_else_during_the_write_is_re_read_and_merged(
    workdir, capsys, monkeypatch
):
    run(workdir, "sync")
    edit_notes(workdir, "New Relic", "NewRelic")
    real_update = LocalPageStore.update
    calls = []

    def racing_update(self, page, new_body, state, message):
        if not calls:  # a person saves the page between our read and our write
            calls.append(page)
            human = "<p>Human preamble</p>" + page.body
            real_update(self, page, human, page.state, "by hand")
            raise VersionConflict("page changed")
        return real_update(self, page, new_body, state, message)

    monkeypatch.setattr(LocalPageStore, "update", racing_update)
    code, _, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0
    assert body(workdir).startswith("<p>Human preamble</p>")
    assert "NewRelic" in body(workdir)
    assert meta(workdir)["version"] == 3


def test_a_file_already_synced_ends_the_run_without_rendering(workdir, capsys):
    run(workdir, "sync")
    code, out, _ = run(workdir, "sync", "--dry-run", capsys=capsys)
    assert code == 0 and out.count("already synced from this doc revision") == 4


def test_a_file_edited_by_hand_is_compared_by_its_content_not_its_revision_id(workdir, capsys):
    run(workdir, "sync")
    text = (workdir / "notes.json").read_text().replace("New Relic", "NewRelic")
    (workdir / "notes.json").write_text(text)  # the same revisionId as before
    code, out, _ = run(workdir, "sync", capsys=capsys)
    assert code == 0 and "(1 updated, 3 unchanged)" in out and "NewRelic" in body(workdir)


def test_check_reports_each_step_on_one_line_and_writes_nothing(workdir, capsys):
    code, out, _ = run(workdir, "check", capsys=capsys)
    assert code == 0
    assert out.splitlines()[2].startswith("ok   source: ") and "4 dated" in out
    assert not (workdir / "archive").exists()
    (workdir / "notes.json").write_text("not json")
    code, out, _ = run(workdir, "check", capsys=capsys)
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert code == 1 and len(failed) == 1 and "not a JSON file" in failed[0]


def test_a_kept_conflict_is_reported_again_on_the_next_run(workdir, capsys):
    run(workdir, "sync")
    page = body(workdir).replace("Contract expires around June", "Contract expires in May")
    (workdir / "archive" / f"{PAGE}.xhtml").write_text(page)
    edit_notes(workdir, "New Relic", "NewRelic")  # in the edited section: a conflict
    edit_notes(workdir, "Scheduled for 2am", "Scheduled for 3am")  # elsewhere: written
    code, _, _ = run(workdir, "sync", capsys=capsys)
    assert code == 3 and "Scheduled for 3am" in body(workdir)
    code, _, err = run(workdir, "sync", capsys=capsys)
    assert code == 3 and "kept 2023-12-20" in err
