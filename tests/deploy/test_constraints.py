"""constraints.txt pins the whole dependency tree, tools included, and CI installs with it."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.recipes import ROOT


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pairs = (line.split("==") for line in lines if line.strip() and not line.startswith("#"))
    return {canonicalize_name(name): version.strip() for name, version in pairs}


def dependency_tree(name: str, extras: frozenset[str] = frozenset()) -> set[str]:
    """Every distribution ``name[extras]`` needs on this platform, from installed metadata."""
    found: set[str] = set()
    todo = [(name, extras)]
    while todo:
        current, wanted = todo.pop()
        for text in metadata.requires(current) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(marker.evaluate({"extra": e}) for e in wanted or {""}):
                continue
            key = canonicalize_name(requirement.name)
            if key not in found:
                found.add(key)
                todo.append((requirement.name, frozenset(requirement.extras)))
    return found


def test_every_runtime_test_and_tool_dependency_is_pinned():
    tree = dependency_tree("notes-sync", frozenset({"test"}))
    assert {"ruff", "mypy", "dockerfile-parse", "pyyaml", "lxml"} <= tree
    assert sorted(tree - pins().keys()) == []


def test_every_pin_is_exact():
    assert all(re.fullmatch(r"[\w.+!]+", version) for version in pins().values())


def test_ci_installs_with_the_constraints_and_runs_the_slow_tests():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"pip install .*-c constraints\.txt .*-e '\.\[test\]'", script)
    assert script.index("export CI=true") < script.index("python -m pytest")


def test_ci_lints_and_type_checks_before_the_tests():
    script = (ROOT / ".ci" / "run").read_text().splitlines()
    steps = ["ruff check .", "ruff format --check .", "mypy", "python -m pytest -q"]
    assert all(step in script for step in steps)
    assert [script.index(step) for step in steps] == sorted(script.index(step) for step in steps)


def test_mypy_is_strict_on_the_package():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True and mypy["files"] in ("syncer", ["syncer"])
