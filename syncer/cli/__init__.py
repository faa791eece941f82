"""``syncer``: the command line → a run → what it prints and its exit code.

The one place errors become messages and exit codes: 0 done, 1 failed, 2 bad usage or
configuration, 3 a conflict was kept. Every failure is one line on stderr (the traceback only
with ``-v``), and every ``sync`` or ``backfill`` ends with one summary line.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO, TypeVar

from syncer.cli.arguments import parser
from syncer.cli.progress import progress_of
from syncer.cli.views import show
from syncer.connect import open_source, open_store
from syncer.doctor import Clock, run_checks, utc_now
from syncer.errors import EXIT_CONFLICT, EXIT_FAILED, EXIT_OK, ConfigError, SyncerError
from syncer.logs import JSON_ONLY, LogSetup, setup_logging
from syncer.merge import Force
from syncer.planner import unwatched
from syncer.redact import (
    format_exception,
    register_confluence_secrets,
    register_key_file_secrets,
    register_secrets_from_environ,
)
from syncer.report import RunFacts
from syncer.settings import ConfluenceSettings, GoogleSettings, Settings, load_settings
from syncer.source import Source
from syncer.status import Status
from syncer.stores.base import PageStore
from syncer.sync import RunRequest, RunResult, run

log = logging.getLogger("syncer")
T = TypeVar("T")
Opened = tuple[Settings, Source, PageStore]


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, *, clock: Clock = utc_now
) -> int:
    """Run a command; returns 0 done, 1 failed, 2 bad usage or configuration, 3 conflict."""
    args = parser().parse_args(argv)
    logs = setup_logging(-1 if args.quiet else args.verbose, args.log_format)
    try:
        return _main(args, stdout or sys.stdout, clock, logs)
    finally:
        logs.close()


def _main(args: argparse.Namespace, out: TextIO, clock: Clock, logs: LogSetup) -> int:
    register_secrets_from_environ(os.environ)
    started = time.monotonic()
    opened = _guarded(args, lambda: _open(args))
    result: RunResult | None = None
    requests = 0
    if isinstance(opened, int):
        code = opened
    else:
        settings, source, store = opened
        ran = _guarded(args, lambda: _command(args, settings, source, store, out, clock, logs))
        code, result = (ran, None) if isinstance(ran, int) else ran
        requests = source.requests + store.requests
    if args.command != "check":
        written = (result.written or []) if result else []
        facts = RunFacts(
            args.command,
            code,
            result.plan if result else None,
            written,
            requests,
            time.monotonic() - started,
        )
        log.info("%s", facts.line(), extra={JSON_ONLY: facts.fields()})
    return code


def _guarded(args: argparse.Namespace, step: Callable[[], T]) -> T | int:
    """The step's value, or the exit code of the failure it raised, said in one line."""
    try:
        return step()
    except SyncerError as error:
        log.error("%s", error)
        _traceback(error, args)
        return error.exit_code
    except KeyboardInterrupt:
        log.error("interrupted; pages are written whole or not at all")
    except Exception as error:  # a bug: one line, the traceback only with -v
        log.error("internal error: %r (run with -v for details)", error)
        _traceback(error, args)
    return EXIT_FAILED


def _traceback(error: BaseException, args: argparse.Namespace) -> None:
    if args.verbose:
        log.debug("%s", format_exception(error))


def _open(args: argparse.Namespace) -> Opened:
    settings = _settings(args)
    _register_secrets(settings)
    source = open_source(settings)
    return settings, source, open_store(settings, minor=_minor(args))


def _minor(args: argparse.Namespace) -> bool:
    """Minor edits, notifying nobody: asked for, or a backfill's (old notes are no news)."""
    return bool(getattr(args, "minor", False) or not getattr(args, "notify", True))


def _register_secrets(settings: Settings) -> None:
    """Keep the credentials out of every log line, wherever they were read from."""
    source, target = settings.source, settings.target
    key = source.credentials if isinstance(source, GoogleSettings) else None
    key_file = key or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if key_file:
        register_key_file_secrets(key_file)
    if isinstance(target, ConfluenceSettings):
        credentials = target.credentials
        register_confluence_secrets(credentials.username, credentials.api_token, credentials.pat)


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


def _command(
    args: argparse.Namespace,
    settings: Settings,
    source: Source,
    store: PageStore,
    out: TextIO,
    clock: Clock,
    logs: LogSetup,
) -> tuple[int, RunResult | None]:
    if args.command == "check":
        return _check(args, settings, source, store, out, clock), None
    request = RunRequest(
        settings,
        source,
        store,
        clock(),
        backfill=args.command == "backfill",
        dry_run=args.dry_run,
        wait_for_quiet=not args.now,
        force=Force.of(args.force or ()),
        since=args.since,
        until=args.until,
        minor=_minor(args),
        watch=progress_of(logs) if args.command == "backfill" else unwatched,
    )
    result = run(request)
    show(args.format, result, source.name, out)
    return _exit_code(result, dry_run=args.dry_run), result


def _check(
    args: argparse.Namespace,
    settings: Settings,
    source: Source,
    store: PageStore,
    out: TextIO,
    clock: Clock,
) -> int:
    failed = False
    for result in run_checks(args.config, settings, source, store, clock):
        print(result.line(), file=out, flush=True)
        failed = failed or result.failed
    return EXIT_FAILED if failed else EXIT_OK


def _exit_code(result: RunResult, *, dry_run: bool) -> int:
    """A page that could not be written safely fails the run (after the others were written);
    a kept conflict is exit 3 (a dry run only shows it)."""
    plan = result.plan
    if plan is None:
        return EXIT_OK  # waiting for the doc to settle
    problems = plan.problems()
    if problems:
        log.error("%s", "; ".join(problems))
        return EXIT_FAILED
    listed = plan.listed(Status.CONFLICT)
    if listed and not dry_run:
        where = ", ".join(f"{date} on '{title}'" for title, date in listed)
        dates = " ".join(f"--force {date}" for _, date in listed)
        log.error(
            "conflict: kept %s: changed both on the page and in the doc since the last sync;"
            " see it with --dry-run, then copy the page's edit into the doc, or re-run with %s"
            " to take the doc's version",
            where,
            dates,
        )
        return EXIT_CONFLICT
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
