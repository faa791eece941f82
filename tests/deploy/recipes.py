"""Reading the deploy recipes as their runners would: YAML documents, crontab entries, and the
``syncer`` command lines inside shell text, with placeholders filled in by sample values."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from syncer.cli.arguments import parser

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
WORKFLOW = DEPLOY / "github-actions" / "notes-sync.yml"
GITLAB = DEPLOY / "gitlab-ci" / "notes-sync.gitlab-ci.yml"
KUBERNETES = DEPLOY / "kubernetes" / "notes-sync.yaml"
CRONTAB = DEPLOY / "crontab"
CI_CONFIG = DEPLOY / "notes-sync.toml"

# The environment variables notes-sync (with google-auth) reads for its credentials.
TOOL_READS = {
    "CONFLUENCE_USERNAME",
    "CONFLUENCE_API_TOKEN",
    "CONFLUENCE_TOKEN",
    "GOOGLE_APPLICATION_CREDENTIALS",
}

# What a runner would put in the placeholders a recipe uses, by variable name.
SAMPLES = {
    "CONFLUENCE_USERNAME": "bot@example.org",
    "CONFLUENCE_API_TOKEN": "sample-api-token",
    "CONFLUENCE_TOKEN": "sample-personal-access-token",
    "GOOGLE_APPLICATION_CREDENTIALS": "/secrets/google-credentials.json",
    "GITHUB_STEP_SUMMARY": "/home/runner/work/_temp/step-summary.md",
    "HOME": "/home/notes-sync",
    "SINCE": "2023-01-01",
    "UNTIL": "2023-12-31",
}

_PLACEHOLDER = re.compile(r"\$\{\{\s*(.+?)\s*\}\}|\$\{(\w+)\}|\$([A-Za-z_]\w*)")
_SEPARATORS = {"&&", "||", ";", ";;", "|", "&", "|&"}
_SHELLS = {"sh", "bash"}


def load_yaml(path: Path) -> list[Any]:
    """Every document in a YAML file."""
    return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))


def load_workflow() -> dict[str, Any]:
    """The GitHub workflow; YAML 1.1 reads the key ``on`` as true, so it is put back."""
    (workflow,) = load_yaml(WORKFLOW)
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def resolve(text: str, values: Mapping[str, str]) -> str:
    """Fill in ``${{ expr }}``, ``${VAR}`` and ``$VAR``; a placeholder with no value fails."""

    def value(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        if name not in values:
            pytest.fail(f"no sample value for {match.group(0)}: add one to SAMPLES")
        return values[name]

    return _PLACEHOLDER.sub(value, text)


def syncer_commands(script: str, values: Mapping[str, str]) -> list[list[str]]:
    """The arguments of each ``syncer`` call in a shell script, without its redirections."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        for segment in _segments(_tokens(resolve(line, values))):
            commands.extend(_calls(segment, values))
    return commands


def crontab_entries(text: str) -> Iterator[tuple[list[str], str]]:
    """Each job in a crontab: its five schedule fields and its command."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#") and not _is_assignment(line):
            *schedule, command = line.split(None, 5)
            yield schedule, command


def crontab_variables(text: str) -> dict[str, str]:
    """The ``NAME=value`` lines of a crontab."""
    pairs = (line.split("=", 1) for line in text.splitlines() if _is_assignment(line))
    return {name.strip(): value.strip() for name, value in pairs}


def parse_cli(args: list[str]) -> argparse.Namespace:
    """Parse with the real CLI parser; a usage error fails the test with argparse's message."""
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            return parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"syncer {shlex.join(args)}: {stderr.getvalue().strip()}")


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def _segments(tokens: list[str]) -> Iterator[list[str]]:
    segment: list[str] = []
    for token in tokens:
        if token in _SEPARATORS:
            yield segment
            segment = []
        else:
            segment.append(token)
    yield segment


def _calls(segment: list[str], values: Mapping[str, str]) -> list[list[str]]:
    for index, token in enumerate(segment):
        if token in _SHELLS and segment[index + 1 : index + 2] == ["-c"]:
            return syncer_commands(segment[index + 2], values)
        if Path(token).name == "syncer":
            return [_without_redirections(segment[index + 1 :])]
    return []


def _without_redirections(args: list[str]) -> list[str]:
    for index, arg in enumerate(args):
        follows = args[index + 1] if index + 1 < len(args) else ""
        if arg[:1] in ("<", ">") or (arg.isdigit() and follows[:1] in ("<", ">")):
            return args[:index]
    return args


def _is_assignment(line: str) -> bool:
    return re.match(r"^\s*[A-Za-z_]\w*=", line) is not None
