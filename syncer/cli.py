"""Commands, flags and exit codes; the one place errors become messages and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from syncer.check import Clock, run_checks, utc_now
from syncer.connect import Source, http_requests, open_source, open_store, run_lease
from syncer.errors import (
    EXIT_FAILED,
    EXIT_OK,
    ConfigError,
    PageError,
    SectionConflict,
    SyncerError,
)
from syncer.index import refresh_index
from syncer.logs import (
    FORMATS,
    JSON_ONLY,
    format_exception,
    progress,
    register_confluence_secrets,
    register_key_file_secrets,
    register_secrets_from_environ,
    setup_logging,
)
from syncer.merge import CONFLICT, UNMANAGED, Force
from syncer.plan import ConflictView, PagePlan, Plan
from syncer.report import (
    RunFacts,
    changed_pages,
    conflict_lines,
    diff_lines,
    markdown_report,
    plan_json,
    saved_text,
    summary_lines,
    waiting_report,
)
from syncer.settings import Settings, load_settings
from syncer.stores.base import Page, PageStore
from syncer.sync import Planner, Window, apply_plan, unwatched

log = logging.getLogger("syncer")
T = TypeVar("T")


@dataclass
class Outcome:
    """What a run did, for its one-line summary: filled in as the run goes."""

    plan: Plan | None = None
    written: list[tuple[PagePlan, Page | None]] = field(default_factory=list)
    requests: int = 0


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, *, clock: Clock = utc_now
) -> int:
    """Run a command; returns 0 done, 1 failed, 2 bad usage or configuration, 3 conflict."""
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    setup_logging(-1 if args.quiet else args.verbose, args.log_format)
    register_secrets_from_environ(os.environ)
    started = time.monotonic()
    outcome = Outcome()
    code = EXIT_FAILED
    try:
        code = _run(args, out, clock, outcome)
    except SyncerError as error:
        log.error("%s", error)
        code = error.exit_code
        _log_traceback(error, args)
    except KeyboardInterrupt:
        log.error("interrupted; pages are written whole or not at all")
    except Exception as error:  # a bug: one line, the traceback only with -v
        log.error("internal error: %r (run with -v for details)", error)
        _log_traceback(error, args)
    if args.command != "check":
        seconds = time.monotonic() - started
        facts = RunFacts(
            args.command, code, outcome.plan, outcome.written, outcome.requests, seconds
        )
        log.info("%s", facts.line(), extra={JSON_ONLY: facts.fields()})
    return code


def _log_traceback(error: BaseException, args: argparse.Namespace) -> None:
    if args.verbose:
        log.debug("%s", format_exception(error))


def _run(args: argparse.Namespace, out: TextIO, clock: Clock, outcome: Outcome) -> int:
    settings = _settings(args)
    _register_secrets(settings)
    source = open_source(settings)
    store = open_store(settings, minor=getattr(args, "minor", False))
    try:
        if args.command == "check":
            return _check(args.config, settings, source, store, out, clock)
        with run_lease(store):
            return _sync(args, settings, source, store, out, clock, outcome)
    finally:
        outcome.requests = http_requests(source, store)


def _settings(args: argparse.Namespace) -> Settings:
    """The config, checked together with the flags: every problem is reported at once."""
    problems = []
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since and until and since > until:
        problems.append(f"--since {since} is after --until {until}: nothing could match")
    try:
        settings = load_settings(args.config, source_override=getattr(args, "source_file", None))
    except ConfigError as error:
        raise ConfigError([*problems, *error.problems]) from None
    if problems:
        raise ConfigError(problems)
    return settings


def _register_secrets(settings: Settings) -> None:
    """Keep the credentials out of every log line, wherever they were read from."""
    google, target = settings.google, settings.confluence
    key_file = (google and google.credentials) or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if key_file:
        register_key_file_secrets(key_file)
    if target is not None:
        credentials = target.credentials
        register_confluence_secrets(credentials.username, credentials.api_token, credentials.pat)


def _sync(
    args: argparse.Namespace,
    settings: Settings,
    source: Source,
    store: PageStore,
    out: TextIO,
    clock: Clock,
    outcome: Outcome,
) -> int:
    now = clock()
    if args.command == "sync" and settings.quiet_minutes and not args.now:
        busy = _still_typing(source, settings.quiet_minutes, now)
        if busy and not args.dry_run:
            print(waiting_report(args.format, source.name, busy), file=out)
            return EXIT_OK
        if busy:
            log.info("%s; a sync now would publish nothing", busy)
    watch = _progress if args.command == "backfill" else unwatched
    planner = Planner(settings, store, force=Force.of(args.force or ()), watch=watch)
    document = source.read()
    log.debug("read %s, revision %s", source.name, document.revision or "unknown")
    plan = planner.plan(document, source.name, _window(args, settings, now))
    outcome.plan = plan
    for warning in plan.warnings:
        log.warning("%s", warning.message())
    views = planner.conflict_views(plan) if args.dry_run else []
    for note in plan.notes():
        log.warning("%s", note)
    if args.dry_run:
        _show(args.format, plan, views, None, out)
        _raise_for_problems(plan)
        return EXIT_OK
    if any(page.merge.changed for page in plan.pages):
        for note in _minor_edit_note(settings, args):  # said before anyone is notified
            log.warning("%s", note)
    outcome.written = apply_plan(plan, planner)
    outcome.plan = plan = plan.with_pages(page for page, _ in outcome.written)
    _show(args.format, plan, views, outcome.written, out)
    _refresh_index(settings, store, outcome, out if args.format == "text" else None)
    for note in _unmanaged_note(plan):
        log.warning("%s", note)
    _raise_for_problems(plan)
    _raise_for_conflicts(plan)
    return EXIT_OK


def _window(args: argparse.Namespace, settings: Settings, now: dt.datetime) -> Window:
    """``backfill`` takes its dates from flags, ``sync`` from ``[meetings]``; both hold back
    meetings after today in the meetings' time zone unless upcoming ones are wanted."""
    meetings = settings.meetings
    since, until = (args.since, args.until) if args.command == "backfill" else (None, None)
    return Window(
        since or (meetings.since if args.command == "sync" else None),
        until or (meetings.until if args.command == "sync" else None),
        now.astimezone(meetings.timezone).date(),
        meetings.include_upcoming,
    )


def _still_typing(source: Source, quiet_minutes: int, now: dt.datetime) -> str | None:
    """Why to wait, when the doc changed less than ``quiet_minutes`` ago."""
    modified = source.modified()
    if modified is None:
        return None
    age = now - modified
    if age >= dt.timedelta(minutes=quiet_minutes):
        return None
    minutes = max(0, int(age.total_seconds() // 60))
    return f"{source.name} was edited {minutes} min ago (quiet_minutes = {quiet_minutes})"


def _progress(items: Sequence[T], label: str) -> Iterable[T]:
    """A long backfill shows its progress on a terminal (never in CI or a pipe)."""
    return progress(items, len(items), label)


def _refresh_index(
    settings: Settings, store: PageStore, outcome: Outcome, out: TextIO | None
) -> None:
    """Rebuild the topic index when this run changed a year page (a minor edit: the year
    pages already notified their watchers)."""
    written = {page.title: page.body for page in changed_pages(outcome.written)}
    index = refresh_index(store.minor_edits(), settings, written)
    if index and out:
        print(f"{index.title}: saved version {index.version}", file=out)


def _show(
    form: str,
    plan: Plan,
    views: list[ConflictView],
    written: list[tuple[PagePlan, Page | None]] | None,
    out: TextIO,
) -> None:
    """The plan (and what was written: None in a dry run) on stdout, in the chosen format."""
    dry_run = written is None
    if form == "json":
        print(plan_json(plan, views, written), file=out)
        return
    if form == "markdown":
        print(markdown_report(plan, views, dry_run=dry_run, written=written), file=out, end="")
        return
    colour = _colour_wanted(out)
    _print_lines(summary_lines(plan, every=dry_run), out)
    if dry_run:
        _print_lines(diff_lines(plan, colour=colour), out)
        _print_lines(conflict_lines(views, colour=colour), out)
        print("dry run: nothing written", file=out)
    for page, saved in written or ():
        print(f"{page.title}: {saved_text(page, saved)}", file=out)


def _check(
    config: Path, settings: Settings, source: Source, store: PageStore, out: TextIO, clock: Clock
) -> int:
    failed = False
    for result in run_checks(config, settings, source, store, clock):
        print(result.line(), file=out, flush=True)
        failed = failed or result.failed
    return EXIT_FAILED if failed else EXIT_OK


def _minor_edit_note(settings: Settings, args: argparse.Namespace) -> list[str]:
    target = settings.confluence
    if target is None or target.deployment != "cloud":
        return []
    if args.minor or not target.notify:
        asked = "--minor" if args.minor else "[target] notify = false"
        return [
            f"Confluence Cloud's v2 pages API has no minor edit, so {asked} cannot be"
            " honoured: the watchers of the pages this run writes will be notified"
        ]
    return []


def _unmanaged_note(plan: Plan) -> list[str]:
    """Hand-made sections that differ from the doc are reported, never a failure."""
    listed = plan.listed(UNMANAGED)
    if not listed:
        return []
    where = ", ".join(f"{date} on '{title}'" for title, date in listed)
    return [
        f"kept hand-made {where}: it differs from the doc; --force DATE replaces it"
        " with the doc's version"
    ]


def _raise_for_problems(plan: Plan) -> None:
    """A page that could not be written safely fails the run, after the others were written."""
    problems = plan.problems()
    if problems:
        raise PageError("; ".join(problems))


def _raise_for_conflicts(plan: Plan) -> None:
    listed = plan.listed(CONFLICT)
    if listed:
        where = ", ".join(f"{date} on '{title}'" for title, date in listed)
        dates = " ".join(f"--force {date}" for _, date in listed)
        raise SectionConflict(
            f"conflict: kept {where}: changed both on the page and in the doc since the last"
            f" sync; see it with --dry-run, then copy the page's edit into the doc, or re-run"
            f" with {dates} to take the doc's version"
        )


def _print_lines(lines: Iterable[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)


def _colour_wanted(out: TextIO) -> bool:
    return out.isatty() and "NO_COLOR" not in os.environ


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncer", description="Copy dated meeting notes from a Google Doc to an archive page."
    )
    _logging_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="check config, credentials and access; no writes")
    sync = commands.add_parser("sync", help="sync the configured notes doc (the scheduled job)")
    backfill = commands.add_parser("backfill", help="import a whole doc or an exported file")
    backfill.add_argument(
        "--from", dest="source_file", type=Path, metavar="FILE", help="read this file instead"
    )
    backfill.add_argument("--since", type=_date, metavar="DATE", help="only meetings on or after")
    backfill.add_argument("--until", type=_date, metavar="DATE", help="only meetings on or before")
    sync.add_argument(
        "--now", action="store_true", help="publish even if the doc was edited a moment ago"
    )
    sync.set_defaults(since=None, until=None)
    backfill.set_defaults(now=True)
    for command in (sync, backfill, check):
        command.add_argument("--config", type=Path, required=True, metavar="FILE")
        _logging_options(command, suppress=True)
    for command in (sync, backfill):
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
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
