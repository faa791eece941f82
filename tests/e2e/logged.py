"""Reading what a run logged on stderr: JSON lines, since a test's stderr is not a terminal."""

from __future__ import annotations

import json


def entries(err: str) -> list[dict]:
    """Every stderr line as its JSON log entry (a line that is not one fails the test)."""
    return [json.loads(line) for line in err.splitlines()]


def messages(err: str) -> list[str]:
    return [entry["message"] for entry in entries(err)]
