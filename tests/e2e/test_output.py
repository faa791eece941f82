"""What a run prints: the plan on stdout in the chosen format (text, Markdown for CI job
summaries, JSON for scripts), and one summary line on stderr at the end of every run."""

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from syncer import cli
from syncer.cli.arguments import parser
from tests.e2e.logged import entries, messages

ROOT = Path(__file__).parents[2]
PAGE = "Arch Hours: 2023"
SUMMARY = re.compile(
    r"^syncer (sync|backfill): (done|exit \d); \d+ pages? written; (meetings: [^;]+; )?"
    r"\d+ HTTP requests; \d+\.\d s$"
)


@pytest.fixture
def config(tmp_path):
    shutil.copy(ROOT / "examples" / "arch-hours-notes.json", tmp_path / "notes.json")
    path = tmp_path / "sync.toml"
    path.write_text(
        '[source]\nfile = "notes.json"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def conflicted(config: Path, capsys) -> None:
    """A synced page whose 2023-12-20 section changed both on the page and in the doc."""
    run(capsys, "sync", "--config", str(config))
    page = config.parent / "archive" / f"{PAGE}.xhtml"
    page.write_text(page.read_text().replace("around June", "in May (checked)"))
    notes = config.parent / "notes.json"
    edited = json.loads(notes.read_text().replace("New Relic", "NewRelic"))
    edited["revisionId"] += "-2"
    notes.write_text(json.dumps(edited))


def test_json_output_is_the_whole_of_stdout_and_carries_each_decision_and_reason(config, capsys):
    code, out, err = run(capsys, "sync", "--config", str(config), "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["dry_run"] is False
    (page,) = plan["pages"]
    assert page["action"] == "create" and page["saved_version"] == 1
    assert page["meetings"][0] == {
        "date": "2023-12-20",
        "status": "added",
        "reason": "new in the doc",
        "tasks": [],
    }
    assert SUMMARY.match(messages(err)[-1])


def test_json_shows_a_conflict_in_its_three_versions(config, capsys):
    conflicted(config, capsys)
    code, out, _ = run(capsys, "sync", "--config", str(config), "--dry-run", "--format", "json")
    assert code == 0
    (conflict,) = json.loads(out)["conflicts"]
    assert conflict["date"] == "2023-12-20" and conflict["synced_version"] == 1
    assert "around June" in conflict["synced"] and "New Relic" in conflict["synced"]
    assert "NewRelic" in conflict["doc"] and "in May (checked)" in conflict["page"]


def test_markdown_output_is_a_job_summary_with_a_table_and_fenced_diffs(config, capsys):
    conflicted(config, capsys)
    code, out, _ = run(capsys, "sync", "--config", str(config), "--dry-run", "--format", "markdown")
    assert code == 0
    assert out.startswith("## notes-sync preview (dry run: nothing written)")
    assert f"### {PAGE}: none" in out
    assert "| 2023-12-20 | conflict | edited in Confluence and changed in the doc |" in out
    assert "<details><summary>Conflicts</summary>" in out and "```diff" in out
    assert out.count("```") % 2 == 0


def test_a_real_run_in_markdown_says_what_was_saved(config, capsys):
    code, out, _ = run(capsys, "sync", "--config", str(config), "--format", "markdown")
    assert code == 0 and out.startswith("## notes-sync run")
    assert f"### {PAGE}: create (saved version 1)" in out


def test_a_conflict_ends_the_run_with_exit_3_after_the_rest_is_synced(config, capsys):
    conflicted(config, capsys)
    code, out, err = run(capsys, "sync", "--config", str(config))
    assert code == 3
    assert "2023-12-20  conflict" in out
    error, summary = messages(err)
    assert error.startswith("conflict: kept 2023-12-20 on 'Arch Hours: 2023'")
    assert summary.startswith("syncer sync: exit 3; 0 pages written; meetings: 1 conflict")


@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "--log-format", "json", "sync", "--config", "{config}"],
        ["sync", "-v", "--log-format", "json", "--config", "{config}"],
        ["sync", "--config", "{config}", "-vv", "-q", "--log-format=json"],
    ],
)
def test_logging_options_go_before_or_after_the_command(config, argv):
    args = parser().parse_args([a.replace("{config}", str(config)) for a in argv])
    assert args.log_format == "json" and args.verbose >= 1


def test_logging_options_after_the_command_override_those_before_it(config):
    args = parser().parse_args(
        ["--log-format", "text", "sync", "--log-format", "json", "--config", str(config)]
    )
    assert args.log_format == "json" and args.verbose == 0 and args.quiet == 0


def test_the_summary_entry_carries_its_facts_as_fields(config, capsys):
    code, _, err = run(capsys, "sync", "--config", str(config))
    summary = entries(err)[-1]
    assert code == 0 and summary["level"] == "info" and summary["logger"] == "syncer"
    assert summary["command"] == "sync" and summary["exit_code"] == 0
    assert summary["pages_written"] == 1 and summary["meetings"]["added"] == 4
    assert summary["http_requests"] == 0 and summary["seconds"] >= 0


def test_text_logs_are_one_readable_line_each(config, capsys):
    conflicted(config, capsys)
    code, _, err = run(capsys, "sync", "--log-format", "text", "--config", str(config))
    error, summary = err.splitlines()
    assert code == 3
    assert re.match(r"^\d\d:\d\d:\d\d error syncer: conflict: kept 2023-12-20 ", error)
    assert re.match(r"^\d\d:\d\d:\d\d info  syncer: syncer sync: exit 3; ", summary)


def test_quiet_keeps_the_error_and_drops_the_summary(config, capsys):
    conflicted(config, capsys)
    code, out, err = run(capsys, "sync", "-q", "--config", str(config))
    (error,) = entries(err)
    assert code == 3 and error["level"] == "error" and "2023-12-20  conflict" in out


def test_a_traceback_only_with_verbose_and_then_redacted(config, capsys, monkeypatch):
    token = "tok-" + "s3cr3t" * 4
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", token)  # a token pasted into the wrong place
    config.write_text(config.read_text() + f'[meetings]\ntimezone = "{token}"\n')
    code, _, err = run(capsys, "sync", "--config", str(config))
    (error, _summary) = messages(err)
    assert code == 2 and "timezone must be an IANA name" in error and "<redacted>" in error
    assert "Traceback" not in err and "s3cr3t" not in err
    code, _, err = run(capsys, "sync", "-v", "--config", str(config))
    assert code == 2 and "s3cr3t" not in err
    assert any(e["message"].startswith("Traceback") for e in entries(err))


def test_verbose_says_what_was_read_and_written_and_default_does_not(config, capsys):
    code, _, err = run(capsys, "sync", "-v", "--config", str(config))
    debug = [e["message"] for e in entries(err) if e["level"] == "debug"]
    assert code == 0
    assert any(m.startswith("read ") and "revision" in m for m in debug)
    assert f"page '{PAGE}' does not exist yet" in debug
    assert any(m.startswith(f"page '{PAGE}': create, ") for m in debug)
    code, _, err = run(capsys, "sync", "--config", str(config))
    assert [e["level"] for e in entries(err)] == ["info"]  # the summary alone


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("command", "bars"), [("backfill", True), ("sync", False)])
def test_a_backfill_on_a_terminal_shows_progress_and_a_sync_does_not(
    config, monkeypatch, command, bars
):
    monkeypatch.delenv("CI", raising=False)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert cli.main([command, "--config", str(config)]) == 0
    shown = terminal.getvalue()
    assert ("reading pages" in shown and "writing pages: 100%" in shown) is bars
    assert re.search(rf"info  syncer: syncer {command}: done", shown)
