"""Every request a test sends to a fake Confluence Cloud, with the fake's answer, so that the
contract test (``tests/contract/``) can hold each against Atlassian's own description.

``tests/conftest.py`` names the running test in ``current_test``; the fake's server threads
append here. Only Cloud is recorded: Data Center publishes no machine-readable description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

current_test = ""


@dataclass(frozen=True)
class Exchange:
    test: str
    method: str
    api: str | None  # "v1", "v2", or None for a path outside both
    path: str  # below the API's root: "/pages/123", "/content/123/label"
    query: tuple[tuple[str, str], ...]
    body_type: str  # the request's Content-Type
    body: bytes
    status: int
    content_type: str
    answer: bytes
    injected: bool  # a failure a test queued with fail_next: not the fake's own answer


RECORDED: list[Exchange] = []


def record(
    method: str,
    api: str | None,
    path: str,
    query: list[tuple[str, str]],
    sent: tuple[str, bytes],  # (Content-Type, body)
    answer: Any,
    injected: bool,
) -> None:
    RECORDED.append(
        Exchange(
            current_test,
            method,
            api,
            path,
            tuple(query),
            *sent,
            answer.status,
            answer.content_type,
            answer.body,
            injected,
        )
    )
