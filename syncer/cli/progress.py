"""A progress bar for long runs (a backfill of many pages), on a terminal only."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO, TypeVar

from syncer.logs import LogSetup, is_terminal
from syncer.planner import Watch

T = TypeVar("T")


def progress_of(setup: LogSetup, stream: TextIO | None = None) -> Watch:
    """A ``Watch`` that draws a bar on ``stream`` (default: stderr) for each loop it wraps;
    in CI, in a pipe or with ``-q``, none."""

    def watch(items: Sequence[T], label: str) -> Iterable[T]:
        return _bar(setup, items, label, stream)

    return watch


def _bar(setup: LogSetup, items: Sequence[T], label: str, stream: TextIO | None) -> Iterator[T]:
    out = stream if stream is not None else sys.stderr
    if setup.quiet or "CI" in os.environ or not is_terminal(out):
        yield from items
        return
    from tqdm import tqdm

    setup.handler.bars += 1
    try:
        with tqdm(items, total=len(items), desc=label, file=out, dynamic_ncols=True) as bar:
            yield from bar
    finally:
        setup.handler.bars -= 1
