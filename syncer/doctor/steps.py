"""The doctor's vocabulary: a check's outcome, its one line, and how checks chain (after a
failure, those that need it are skipped, saying why)."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from enum import StrEnum

from syncer.errors import SyncerError

MAX_SKEW = dt.timedelta(minutes=5)
Clock = Callable[[], dt.datetime]


class Outcome(StrEnum):
    """How a check ended, as its line starts."""

    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"  # it needs a check that failed
    UNKNOWN = "??"  # the service does not say
    WARN = "warn"  # what a sync cannot do here: said, not a failure


@dataclass(frozen=True)
class Result:
    """One line of the report."""

    status: Outcome
    name: str
    text: str

    @property
    def failed(self) -> bool:
        return self.status == Outcome.FAIL

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.text}"


class Unknown(Exception):
    """Raised by a step whose answer the service does not give: reported, not failed."""


@dataclass(frozen=True)
class Step:
    """A named check; ``advice`` is appended to a failure that does not already name it."""

    name: str
    run: Callable[[], str]
    advice: str = ""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def chain(steps: Iterable[Step]) -> Generator[Result, None, bool]:
    """Run steps in order; after the first failure the rest are skipped, saying why.
    Returns whether every step ran without failing."""
    skip_reason = ""
    for step in steps:
        if skip_reason:
            yield Result(Outcome.SKIP, step.name, skip_reason)
            continue
        result = attempt(step)
        if result.failed:
            skip_reason = f"needs {step.name}, which failed"
        yield result
    return not skip_reason


def attempt(step: Step) -> Result:
    try:
        return Result(Outcome.OK, step.name, step.run())
    except Unknown as unknown:
        return Result(Outcome.UNKNOWN, step.name, str(unknown))
    except SyncerError as error:
        return Result(Outcome.FAIL, step.name, with_advice(str(error), step.advice))


def with_advice(message: str, advice: str) -> str:
    if not advice or advice in message:
        return message
    return f"{message.rstrip('.')}; {advice}"


def clock_result(service: str, date_header: str | None, clock: Clock) -> Result:
    """Our clock against a server's ``Date``: signed tokens and SSO break past a few minutes."""
    name = f"clock vs {service}"
    if date_header is None:
        return Result(Outcome.SKIP, name, f"no answer from {service} to compare with")
    server = _http_date(date_header)
    if server is None:
        return Result(Outcome.UNKNOWN, name, f"{service} sent an unreadable Date header")
    skew = clock() - server
    off = f"{_duration(abs(skew))} {'ahead of' if skew > dt.timedelta(0) else 'behind'}"
    if abs(skew) > MAX_SKEW:
        return Result(
            Outcome.FAIL,
            name,
            f"this machine's clock is {off} {service}'s (more than {_duration(MAX_SKEW)});"
            " set it right (enable NTP, e.g. `timedatectl set-ntp true`): signed Google"
            " tokens and some single sign-on setups fail when clocks disagree",
        )
    return Result(Outcome.OK, name, f"within {_duration(abs(skew))} of {service}'s")


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _duration(delta: dt.timedelta) -> str:
    seconds = round(delta.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
