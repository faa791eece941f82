"""A heading that looks like a date but is not read as one is a warning in every view of the
plan (text, Markdown, JSON) and on stderr, naming the meeting its notes were filed under."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncer import cli
from tests.e2e.logged import entries

ROOT = Path(__file__).parents[2]
WARNING = (
    "heading '2023-02-30' in tab 'Notes' looks like a date but is not read as one"
    " (February 2023 has no day 30): its notes were filed under the meeting of 2023-12-13"
)


@pytest.fixture
def config(tmp_path):
    notes = (ROOT / "examples" / "arch-hours-notes.json").read_text(encoding="utf-8")
    (tmp_path / "notes.json").write_text(notes.replace('"2023-12-06\\n"', '"2023-02-30\\n"'))
    path = tmp_path / "sync.toml"
    path.write_text(
        '[source]\nfile = "notes.json"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return path


def test_the_warning_is_in_the_text_plan_and_on_stderr(config, capsys):
    code = cli.main(["sync", "--config", str(config)])
    out, err = capsys.readouterr()
    assert code == 0
    assert f"warning: {WARNING}" in out.splitlines()
    assert {"level": "warning", "message": WARNING}.items() <= entries(err)[0].items()


def test_the_warning_is_in_json_and_markdown(config, capsys):
    cli.main(["sync", "--config", str(config), "--dry-run", "--json"])
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert warning == {
        "heading": "2023-02-30",
        "tab": "Notes",
        "problem": "February 2023 has no day 30",
        "filed_under": "2023-12-13",
        "message": WARNING,
    }
    cli.main(["sync", "--config", str(config), "--dry-run", "--format", "markdown"])
    assert f"> **warning:** {WARNING}" in capsys.readouterr().out


def test_a_misread_heading_in_a_meeting_outside_the_window_is_not_this_run_s_business(
    config, capsys
):
    window = ["--since", "2023-12-20"]
    cli.main(["backfill", "--config", str(config), "--dry-run", "--json", *window])
    assert json.loads(capsys.readouterr().out)["warnings"] == []
