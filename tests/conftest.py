"""Slow tests (marked ``slow``) run only where the ``CI`` environment variable is set."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="slow: runs only when CI is set (CI=true python -m pytest)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
