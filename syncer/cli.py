"""Commands, flags and exit codes; the one place errors become messages and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from syncer.check import run_checks
from syncer.connect import Source, open_source, open_store
from syncer.errors import EXIT_FAILED, EXIT_OK, SectionConflict, SyncerError
from syncer.plan import Plan, diff_lines, plan_json, summary_lines
from syncer.settings import Settings, load_settings
from syncer.stores.base import PageStore
from syncer.sync import Planner, Window, apply_plan


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run a command; returns 0 done, 1 failed, 2 bad usage or configuration."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    try:
        return _run(args, out)
    except SyncerError as error:
        print(f"syncer: error: {error}", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return error.exit_code
    except KeyboardInterrupt:
        print("syncer: interrupted; pages are written whole or not at all", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a bug: one line, the traceback only with -v
        print(f"syncer: internal error: {error!r} (run with -v for details)", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return EXIT_FAILED


def _run(args: argparse.Namespace, out: TextIO) -> int:
    source_override = getattr(args, "source_file", None)
    settings = load_settings(args.config, source_override=source_override)
    source = open_source(settings)
    store = open_store(settings, minor=getattr(args, "minor", False))
    if args.command == "check":
        return _check(args.config, settings, source, store, out)
    planner = Planner(settings, store, force=args.force)
    plan = planner.plan(source.read(), source.name, Window(args.since, args.until))
    if args.json:
        print(plan_json(plan), file=out)
    else:
        _print_lines(summary_lines(plan), out)
    if args.dry_run:
        if not args.json:
            _print_lines(diff_lines(plan, colour=_colour_wanted(out)), out)
            print("dry run: nothing written", file=out)
        return EXIT_OK
    results = apply_plan(plan, planner)
    if not args.json:
        for page, written in results:
            saved = f"saved version {written.version}" if written else "nothing written"
            print(f"{page.title}: {saved}", file=out)
        _print_lines(_minor_edit_note(settings, args), out)
    _raise_for_conflicts(Plan(plan.source, tuple(page for page, _ in results)))
    return EXIT_OK


def _check(config: Path, settings: Settings, source: Source, store: PageStore, out: TextIO) -> int:
    failed = False
    for result in run_checks(config, settings, source, store):
        print(result.line(), file=out, flush=True)
        failed = failed or result.failed
    return EXIT_FAILED if failed else EXIT_OK


def _minor_edit_note(settings: Settings, args: argparse.Namespace) -> list[str]:
    target = settings.confluence
    minor = target is not None and (args.minor or not target.notify)
    if minor and target.deployment == "cloud":
        return [
            "note: Confluence Cloud's v2 pages API documents no minor-edit flag; the edit was"
            " sent as minor, but watchers may still be notified"
        ]
    return []


def _raise_for_conflicts(plan: Plan) -> None:
    if plan.conflicts:
        where = ", ".join(f"{date} on '{title}'" for title, date in plan.conflicts)
        raise SectionConflict(
            f"kept {where}: edited on the page since the last sync; move the edit into the doc,"
            " or re-run with --force to overwrite it"
        )


def _print_lines(lines, out: TextIO) -> None:
    for line in lines:
        print(line, file=out)


def _colour_wanted(out: TextIO) -> bool:
    return out.isatty() and "NO_COLOR" not in os.environ


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncer", description="Copy dated meeting notes from a Google Doc to an archive page."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check config, credentials and access; no writes")
    sync = commands.add_parser("sync", help="sync the configured notes doc (the scheduled job)")
    backfill = commands.add_parser("backfill", help="import a whole doc or an exported file")
    backfill.add_argument(
        "--from", dest="source_file", type=Path, metavar="FILE", help="read this file instead"
    )
    backfill.add_argument("--since", type=_date, metavar="DATE", help="only meetings on or after")
    backfill.add_argument("--until", type=_date, metavar="DATE", help="only meetings on or before")
    sync.set_defaults(since=None, until=None)
    for command in (sync, backfill, check):
        command.add_argument("--config", type=Path, required=True, metavar="FILE")
        command.add_argument("-v", "--verbose", action="store_true", help="tracebacks on errors")
    for command in (sync, backfill):
        command.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
        command.add_argument("--json", action="store_true", help="print the plan as JSON")
        command.add_argument(
            "--force", action="store_true", help="overwrite sections edited on the page"
        )
        command.add_argument(
            "--minor", action="store_true", help="a minor edit: do not notify watchers"
        )
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
