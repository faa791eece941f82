"""What a run prints on stdout, in the format asked for: the plan (and in a dry run its diff
and its conflicts), what was saved of each page, or why nothing was published yet."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO

from syncer.report import (
    conflict_lines,
    diff_lines,
    markdown_report,
    plan_json,
    saved_text,
    summary_lines,
    waiting_report,
)
from syncer.sync import RunResult


def show(form: str, result: RunResult, source: str, out: TextIO) -> None:
    """The result on ``out`` as ``text``, ``markdown`` or ``json``."""
    if result.waiting is not None:
        print(waiting_report(form, source, result.waiting), file=out)
        return
    plan, views, written = result.plan, list(result.views), result.written
    assert plan is not None  # a run that did not wait planned
    if form == "json":
        print(plan_json(plan, views, written), file=out)
    elif form == "markdown":
        report = markdown_report(plan, views, dry_run=written is None, written=written)
        print(report, file=out, end="")
    else:
        _text(result, out)


def _text(result: RunResult, out: TextIO) -> None:
    plan, written = result.plan, result.written
    assert plan is not None
    colour = out.isatty() and "NO_COLOR" not in os.environ
    dry_run = written is None
    _lines(summary_lines(plan, every=dry_run), out)
    if dry_run:
        _lines(diff_lines(plan, colour=colour), out)
        _lines(conflict_lines(result.views, colour=colour, names=plan.names), out)
        print("dry run: nothing written", file=out)
    for page, saved in written or ():
        print(f"{page.title}: {saved_text(page, saved)}", file=out)
    if result.index is not None:
        print(f"{result.index.title}: saved version {result.index.version}", file=out)


def _lines(lines: Iterable[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)
