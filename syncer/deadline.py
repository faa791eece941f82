"""Time limits on talking to a server: one for each request, one for the whole run.

A socket timeout bounds only each read, so a server (or a proxy) that trickles one byte
every few seconds would hold a request, and a cron job under ``flock -n``, forever. Each
request therefore runs in a worker thread that the caller waits for at most its deadline;
a request still unanswered then is abandoned (the thread is a daemon and ends with the
process, or when the server finally answers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

REQUEST_SECONDS = 60.0  # the default deadline of one request, answer and body included
RUN_SECONDS = 600.0  # what one run may spend on one service, retries and waits included


class DeadlineExceeded(Exception):
    """The request did not finish within ``seconds``; the adapter words the message."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


class Budget:
    """The time left of a run's allowance for one service; ``clock`` is injectable."""

    def __init__(
        self, seconds: float = RUN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds, self.clock = seconds, clock
        self.ends = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.ends - self.clock())


def within(seconds: float, call: Callable[[], T]) -> T:
    """``call()``'s result or exception, or ``DeadlineExceeded`` once ``seconds`` pass."""
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the waiting thread as it is
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name="notes-sync request", daemon=True).start()
    if not done.wait(max(seconds, 0.0)):
        raise DeadlineExceeded(seconds)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # a BaseException, stored above
    return outcome["value"]  # type: ignore[return-value]  # what call() returned
