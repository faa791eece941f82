"""The README is the front door: every command line and config key it shows must be real."""

from __future__ import annotations

import re

import pytest

from syncer.settings import schema
from tests.deploy.recipes import ROOT, crontab_entries, parse_cli, syncer_commands

README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^ *```(\w+)\n(.*?)^ *```", re.MULTILINE | re.DOTALL)
_TABLE = re.compile(r"^\[(\w+)\]|^# \[(\w+)\]")
_KEY = re.compile(r'^#? ?("[^"]+"|\w+) = ')
_INLINE = re.compile(r"`(syncer [^`]*--config[^`]*)`")
_PLACEHOLDERS = {"FILE": "sync.toml", "DATE": "2023-12-20", "[": "", "]": "", "…": ""}


def blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README) if lang == language]


def shell_commands() -> list[list[str]]:
    """Every ``syncer`` call in the README's shell and cron blocks and inline, with its
    placeholders (``FILE``, ``DATE``, ``[optional]``, ``…``) filled in."""
    lines = [line for body in blocks("sh") for line in body.replace("\\\n", " ").splitlines()]
    lines += [command for body in blocks("cron") for _schedule, command in crontab_entries(body)]
    lines += [_filled(span) for span in _INLINE.findall(README)]
    values = {"PWD": "/work", "HOME": "/home/notes-sync"}
    return [args for line in lines for args in syncer_commands(line.replace("…", ""), values)]


def _filled(command: str) -> str:
    for placeholder, sample in _PLACEHOLDERS.items():
        command = command.replace(placeholder, sample)
    return command


def test_the_readme_shows_commands_to_check():
    assert len(shell_commands()) >= 8


@pytest.mark.parametrize("args", shell_commands(), ids=" ".join)
def test_every_syncer_command_in_the_readme_is_accepted(args):
    parse_cli([arg for arg in args if arg])


def config_keys() -> list[tuple[str, str]]:
    """(table, key) of every setting the README's TOML examples show, commented out or not."""
    found, table = [], ""
    for body in blocks("toml"):
        for line in body.splitlines():
            if heading := _TABLE.match(line):
                table = heading.group(1) or heading.group(2)
            elif key := _KEY.match(line):
                found.append((table, key.group(1)))
    return found


@pytest.mark.parametrize(
    ("table", "key"), config_keys(), ids=[f"{t}.{k}" for t, k in config_keys()]
)
def test_every_config_key_in_the_readme_is_known(table, key):
    assert table in schema.TABLES, f"[{table}] is not a config table"
    assert table in schema.OPEN_TABLES or key in schema.SCHEMA[table]
