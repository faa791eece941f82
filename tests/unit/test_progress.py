"""The progress bar of a long backfill: on a terminal only, never in the way of a log line."""

import io
import logging
import re

import pytest

from syncer import logs
from syncer.cli.progress import progress_of
from tests.unit.test_logs import Terminal


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch):
    """CI (where this suite runs too) turns the bar off: each test says where it runs."""
    monkeypatch.delenv("CI", raising=False)


def test_progress_draws_a_bar_on_a_terminal_and_leaves_stdout_alone(capsys):
    terminal = Terminal()
    watch = progress_of(logs.setup_logging(0, "text", io.StringIO()), terminal)
    assert list(watch(range(3), "backfill")) == [0, 1, 2]
    assert "backfill" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("why", ["pipe", "ci", "quiet"])
def test_progress_is_a_plain_pass_through_in_a_pipe_in_ci_and_when_quiet(why, monkeypatch):
    stream = io.StringIO() if why == "pipe" else Terminal()
    if why == "ci":
        monkeypatch.setenv("CI", "true")
    setup = logs.setup_logging(-1 if why == "quiet" else 0, "text", io.StringIO())
    assert list(progress_of(setup, stream)("abc", "backfill")) == ["a", "b", "c"]
    assert stream.getvalue() == ""


def test_a_log_line_during_a_progress_bar_is_written_whole():
    terminal = Terminal()
    setup = logs.setup_logging(0, "text", terminal)
    for item in progress_of(setup, terminal)(range(2), "backfill"):
        logging.getLogger("syncer").info("item %d", item)
    # the bar is wiped (spaces, carriage return) before each line, and redrawn after it
    for item in (0, 1):
        assert re.search(
            rf"\r +\r\d\d:\d\d:\d\d info  syncer: item {item}\n\r", terminal.getvalue()
        )
