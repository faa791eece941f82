"""Slow tests (marked ``slow``) run only where the ``CI`` environment variable is set."""

from __future__ import annotations

import os

import pytest

from syncer import logs
from syncer import redact as redaction
from tests.fakes import recorder


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The contract tests check what the other tests recorded: they run last.
    items.sort(key=lambda item: "contract" in item.keywords)
    if os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="slow: runs only when CI is set (CI=true python -m pytest)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_logging():
    """Each CLI run sets up logging for its process; a test's run must not leak into the next."""
    yield
    logs.close_active_logging()
    redaction.forget_secrets()


@pytest.fixture(autouse=True)
def _name_the_test_for_the_recorder(request: pytest.FixtureRequest):
    """What a fake Confluence Cloud records is filed under the test that sent it."""
    recorder.current_test = request.node.nodeid
    yield
    recorder.current_test = ""
