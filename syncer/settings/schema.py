"""Every configuration key, declared once: its table, its name, how its value is read, and
what it is when it is not set. A key not declared here is reported as unknown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import syncer.settings.values as values
from syncer.action_items import DEFAULT_PREFIXES
from syncer.deadline import REQUEST_SECONDS
from syncer.files import DEFAULT_LIMIT, MB
from syncer.parse import INTENTS
from syncer.settings.shapes import UTC
from syncer.settings.values import At


@dataclass(frozen=True)
class Key:
    read: Callable[[Any, At], Any]
    default: Any = None


@dataclass(frozen=True)
class Table:
    """A table's values, every declared key's (its default when not set or wrong), and which
    keys the file sets."""

    values: Mapping[str, Any]
    given: frozenset[str]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


SCHEMA: Mapping[str, Mapping[str, Key]] = {
    "source": {
        "document": Key(values.document_id),
        "file": Key(values.path),
        "tab": Key(values.text),
        "credentials": Key(values.raw),  # a path, checked for a key pasted in its place
        "subject": Key(values.email),
        "api_endpoint": Key(values.text),
        "quiet_minutes": Key(values.quiet_minutes, 0),
        "timeout_seconds": Key(values.seconds, REQUEST_SECONDS),
        "max_file_mb": Key(values.megabytes, DEFAULT_LIMIT),
    },
    "target": {
        "url": Key(values.text),
        "space": Key(values.text),
        "title": Key(values.text),
        "page_id": Key(values.page_id),
        "parent_id": Key(values.page_id),
        "deployment": Key(values.raw),  # these three are read together with the url
        "cloud_id": Key(values.raw),
        "gateway": Key(values.raw),
        "notify": Key(values.boolean, True),
        "labels": Key(values.labels, ()),
        "timeout_seconds": Key(values.seconds, REQUEST_SECONDS),
        "max_image_mb": Key(values.image_megabytes, values.MAX_IMAGE_MB * MB),
    },
    "meetings": {
        "date_order": Key(values.date_order, False),
        "timezone": Key(values.timezone, UTC),
        "include_upcoming": Key(values.boolean, False),
        "since": Key(values.date),
        "until": Key(values.date),
        "action_items": Key(values.action_items, False),
        "action_prefixes": Key(values.prefixes, DEFAULT_PREFIXES),
    },
    "tags": {intent: Key(values.words, ()) for intent in INTENTS},
    "index": {"title": Key(values.text)},
}
OPEN_TABLES = {"people"}  # any name or e-mail is a key
TABLES = (*SCHEMA, *OPEN_TABLES)


def read_tables(raw: dict[str, Any], base: Path, problems: list[str]) -> dict[str, Table]:
    """Every table with every declared key (an open table as it is), and a problem for each
    unknown table or key and each bad value."""
    read: dict[str, Table] = {}
    for name in raw:
        if name not in TABLES:
            problems.append(f"unknown section [{name}] (known: {', '.join(TABLES)})")
    for name in TABLES:
        table = raw.get(name, {})
        if not isinstance(table, dict):
            problems.append(f"[{name}] must be a table")
            table = {}
        found = table if name in OPEN_TABLES else _values(name, table, base, problems)
        read[name] = Table(found, frozenset(table))
    return read


def _values(name: str, table: dict[str, Any], base: Path, problems: list[str]) -> dict[str, Any]:
    keys = SCHEMA[name]
    known = ", ".join(sorted(keys))
    problems.extend(
        f"unknown key [{name}] {key} (known: {known})" for key in table if key not in keys
    )
    found = {}
    for key, declared in keys.items():
        value = table.get(key)
        at = At(f"[{name}] {key}", base, problems)
        found[key] = declared.default if value is None else _or(declared, value, at)
    return found


def _or(key: Key, value: Any, at: At) -> Any:
    """The value read, or the key's default when it is wrong (the problem is recorded)."""
    read = key.read(value, at)
    return key.default if read is None else read
