"""Which meetings a run publishes, and when: upcoming meetings, the configured date window,
quiet minutes while people are still typing. Local files, an injected clock."""

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from syncer import cli

ROOT = Path(__file__).parents[2]
PAGE = "Arch Hours: 2023"
UTC = dt.UTC


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(ROOT / "examples" / "arch-hours-notes.json", tmp_path / "notes.json")
    return tmp_path


def configure(workdir: Path, meetings: str = "", source: str = "") -> Path:
    path = workdir / "sync.toml"
    path.write_text(
        f'[source]\nfile = "notes.json"\n{source}\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n'
        f"[meetings]\n{meetings}\n",
        encoding="utf-8",
    )
    return path


def run(config: Path, capsys, *args: str, now: dt.datetime) -> tuple[int, str, str]:
    code = cli.main([args[0], "--config", str(config), *args[1:]], clock=lambda: now)
    out, err = capsys.readouterr()
    return code, out, err


def headings(workdir: Path) -> list[str]:
    page = workdir / "archive" / f"{PAGE}.xhtml"
    if not page.exists():
        return []
    text = page.read_text()
    return [d for d in ("2023-12-20", "2023-12-13", "2023-12-06", "2023-11-30") if d in text]


def test_meetings_after_today_are_listed_as_upcoming_and_not_published(workdir, capsys):
    config = configure(workdir)
    code, out, _ = run(config, capsys, "sync", now=dt.datetime(2023, 12, 10, 12, tzinfo=UTC))
    assert code == 0
    assert headings(workdir) == ["2023-12-06", "2023-11-30"]
    assert "2023-12-20  upcoming" in out and "2023-12-13  upcoming" in out
    code, out, _ = run(config, capsys, "sync", now=dt.datetime(2023, 12, 13, 0, 1, tzinfo=UTC))
    assert code == 0 and "2023-12-13  added" in out
    assert headings(workdir) == ["2023-12-13", "2023-12-06", "2023-11-30"]


def test_a_page_with_only_upcoming_meetings_is_not_created(workdir, capsys):
    config = configure(workdir)
    code, out, _ = run(config, capsys, "sync", now=dt.datetime(2023, 1, 1, tzinfo=UTC))
    assert code == 0 and f"{PAGE}: none (4 upcoming)" in out
    assert not (workdir / "archive").exists()


def test_include_upcoming_publishes_the_agenda_too(workdir, capsys):
    config = configure(workdir, "include_upcoming = true")
    run(config, capsys, "sync", now=dt.datetime(2023, 12, 10, tzinfo=UTC))
    assert headings(workdir) == ["2023-12-20", "2023-12-13", "2023-12-06", "2023-11-30"]


@pytest.mark.parametrize(("zone", "published"), [("UTC", True), ("America/New_York", False)])
def test_today_is_the_date_in_the_meetings_time_zone(workdir, capsys, zone, published):
    config = configure(workdir, f'timezone = "{zone}"')
    late_evening_in_new_york = dt.datetime(2023, 12, 13, 3, 0, tzinfo=UTC)
    run(config, capsys, "sync", now=late_evening_in_new_york)
    assert ("2023-12-13" in headings(workdir)) == published


def test_since_and_until_in_the_config_limit_what_sync_touches(workdir, capsys):
    config = configure(workdir, 'since = "2023-12-06"\nuntil = 2023-12-13')
    code, _, _ = run(config, capsys, "sync", now=dt.datetime(2024, 1, 1, tzinfo=UTC))
    assert code == 0 and headings(workdir) == ["2023-12-13", "2023-12-06"]


def test_backfill_takes_its_window_from_flags_not_the_config(workdir, capsys):
    config = configure(workdir, 'since = "2023-12-20"')
    now = dt.datetime(2024, 1, 1, tzinfo=UTC)
    run(config, capsys, "backfill", "--until", "2023-12-06", now=now)
    assert headings(workdir) == ["2023-12-06", "2023-11-30"]


@pytest.mark.parametrize(
    ("meetings", "says"),
    [
        ('timezone = "Mars/Olympus"', "[meetings] timezone must be an IANA name"),
        ('since = "last week"', "[meetings] since must be a date"),
        ('since = "2024-02-01"\nuntil = "2024-01-01"', "is after until"),
        ('include_upcoming = "yes"', "include_upcoming must be true or false"),
    ],
)
def test_a_bad_meeting_window_is_a_configuration_error(workdir, capsys, meetings, says):
    config = configure(workdir, meetings)
    code, _, err = run(config, capsys, "sync", now=dt.datetime(2024, 1, 1, tzinfo=UTC))
    assert code == 2 and says in err


def test_a_doc_edited_moments_ago_is_left_to_settle_unless_now(workdir, capsys):
    config = configure(workdir, source="quiet_minutes = 10")
    edited = dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    os.utime(workdir / "notes.json", (edited.timestamp(), edited.timestamp()))
    soon = edited + dt.timedelta(minutes=3)
    code, out, _ = run(config, capsys, "sync", now=soon)
    assert code == 0 and "edited 3 min ago (quiet_minutes = 10); publishing nothing" in out
    assert headings(workdir) == []
    code, out, err = run(config, capsys, "sync", "--dry-run", now=soon)
    assert "a sync now would publish nothing" in err and "2023-12-20  added" in out
    code, out, _ = run(config, capsys, "sync", "--json", now=soon)
    assert json.loads(out)["waiting"].endswith("(quiet_minutes = 10)")
    run(config, capsys, "sync", "--now", now=soon)
    assert len(headings(workdir)) == 4


def test_a_doc_that_settled_is_published(workdir, capsys):
    config = configure(workdir, source="quiet_minutes = 10")
    edited = dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    os.utime(workdir / "notes.json", (edited.timestamp(), edited.timestamp()))
    run(config, capsys, "sync", now=edited + dt.timedelta(minutes=10))
    assert len(headings(workdir)) == 4


def test_the_preview_gives_every_meeting_a_decision_and_a_reason(workdir, capsys):
    config = configure(workdir)
    now = dt.datetime(2023, 12, 10, tzinfo=UTC)
    code, out, _ = run(config, capsys, "sync", "--dry-run", now=now)
    assert code == 0
    lines = [line.split() for line in out.splitlines() if line.startswith("  2023-")]
    assert [(words[0], words[1]) for words in lines] == [
        ("2023-12-20", "upcoming"),
        ("2023-12-13", "upcoming"),
        ("2023-12-06", "added"),
        ("2023-11-30", "added"),
    ]
    assert all(len(words) > 2 for words in lines)  # each with its reason


@pytest.mark.parametrize("value", ["yesterday", "2023-13-01"])
def test_force_takes_only_a_date_or_all(workdir, capsys, value):
    config = configure(workdir)
    with pytest.raises(SystemExit) as exit_:
        run(config, capsys, "sync", "--force", value, now=dt.datetime(2024, 1, 1, tzinfo=UTC))
    assert exit_.value.code == 2
