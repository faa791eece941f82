"""Slow tests (marked ``slow``) run only where the ``CI`` environment variable is set."""

from __future__ import annotations

import os

import pytest

from syncer import logs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
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
    logs.reset_logging()
