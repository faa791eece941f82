"""The command line: commands, flags and their help, as cron lines and CI jobs call them."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from syncer.logs import FORMATS


def parser() -> argparse.ArgumentParser:
    """``syncer check|sync|backfill --config FILE …``; logging flags before or after."""
    root = argparse.ArgumentParser(
        prog="syncer", description="Copy dated meeting notes from a Google Doc to an archive page."
    )
    _logging_options(root, suppress=False)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check config, credentials and access; no writes")
    sync = commands.add_parser("sync", help="sync the configured notes doc (the scheduled job)")
    backfill = commands.add_parser("backfill", help="import a whole doc or an exported file")
    backfill.add_argument(
        "--from", dest="source_file", type=Path, metavar="FILE", help="read this file instead"
    )
    backfill.add_argument("--since", type=_date, metavar="DATE", help="only meetings on or after")
    backfill.add_argument("--until", type=_date, metavar="DATE", help="only meetings on or before")
    backfill.add_argument(
        "--notify",
        action="store_true",
        help="normal edits that notify watchers (a backfill writes minor edits by default)",
    )
    sync.add_argument(
        "--now", action="store_true", help="publish even if the doc was edited a moment ago"
    )
    sync.set_defaults(since=None, until=None, notify=True)
    backfill.set_defaults(now=True)
    for command in (sync, backfill, check):
        command.add_argument("--config", type=Path, required=True, metavar="FILE")
        _logging_options(command, suppress=True)
    for command in (sync, backfill):
        _run_options(command)
    return root


def _run_options(command: argparse.ArgumentParser) -> None:
    """What ``sync`` and ``backfill`` share: dry runs, output formats, forcing, minor edits."""
    command.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    command.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="how the plan is printed on stdout (markdown: for CI job summaries)",
    )
    command.add_argument(
        "--json", dest="format", action="store_const", const="json", help="= --format json"
    )
    command.add_argument(
        "--force",
        action="append",
        nargs="?",
        const="all",
        type=_forced,
        metavar="DATE|all",
        help="take the doc's version of this meeting (repeatable), or of all, over edits"
        " made on the page",
    )
    command.add_argument(
        "--minor", action="store_true", help="a minor edit: do not notify watchers"
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _forced(text: str) -> str:
    """``--force`` takes a meeting date or ``all``."""
    if text == "all":
        return text
    return _date(text).isoformat()


def _logging_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Accepted before and after the command; after it, only what is given overrides."""
    counts = (
        (
            "-v",
            "--verbose",
            "more detail in the logs (-vv: the HTTP libraries' too); tracebacks on errors",
        ),
        ("-q", "--quiet", "only warnings and errors in the logs"),
    )
    for short, long, help_text in counts:
        default = argparse.SUPPRESS if suppress else 0
        parser.add_argument(short, long, action="count", default=default, help=help_text)
    parser.add_argument(
        "--log-format",
        choices=FORMATS,
        default=argparse.SUPPRESS if suppress else None,
        help="logs on stderr as text or JSON lines (default: text on a terminal, else json)",
    )
