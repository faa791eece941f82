"""The TOML config file → one frozen ``Settings``, with every problem in it reported at once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncer.errors import ConfigError
from syncer.parse import DEFAULT_ALIASES, INTENTS, ParseOptions

SOURCE_SUFFIXES = (".json", ".html", ".htm", ".zip")
_KNOWN = {
    "source": {"document", "file", "tab"},
    "target": {"url", "space", "title"},
    "meetings": {"date_order"},
    "tags": set(INTENTS),
}


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, checked, with paths resolved."""

    source_file: Path | None
    document: str | None
    tab: str | None
    archive: Path
    space: str | None
    title: str
    parse: ParseOptions

    def page_title(self, year: int) -> str:
        return self.title.replace("{year}", str(year))


def load_settings(path: Path, *, source_override: Path | None = None) -> Settings:
    """Read and check the config; relative paths in it are relative to the file itself."""
    raw = _read_toml(path)
    problems = _unknown_keys(raw)
    base = path.parent
    source = _table(raw, "source", problems)
    target = _table(raw, "target", problems)
    source_file = source_override or _path(source.get("file"), base, "[source] file", problems)
    document = _string(source, "document", "[source] document", problems)
    if source_file is None and document is None:
        problems.append("[source] needs `file` (a .json/.html/.zip export) or `document`")
    elif source_file is None:
        problems.append(
            "[source] document: reading a live Google Doc is not available in this version;"
            " set [source] file or pass --from FILE"
        )
    elif source_file.suffix.lower() not in SOURCE_SUFFIXES:
        problems.append(
            f"source file {source_file} must end in one of {', '.join(SOURCE_SUFFIXES)}"
        )
    archive = _archive(target, base, problems)
    title = _string(target, "title", "[target] title", problems) or ""
    if not title.strip():
        problems.append('[target] title is required, e.g. "Arch Hours: {year}"')
    elif "{" in title.replace("{year}", "") or "}" in title.replace("{year}", ""):
        problems.append("[target] title may only use the placeholder {year}")
    settings = Settings(
        source_file=source_file,
        document=document,
        tab=_string(source, "tab", "[source] tab", problems),
        archive=archive or Path(),
        space=_string(target, "space", "[target] space", problems),
        title=title,
        parse=ParseOptions(
            aliases=_aliases(_table(raw, "tags", problems), problems),
            day_first=_day_first(_table(raw, "meetings", problems), problems),
        ),
    )
    if problems:
        raise ConfigError([f"{path}: {problem}" for problem in problems])
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def _unknown_keys(raw: dict[str, Any]) -> list[str]:
    problems = []
    for section, value in raw.items():
        if section not in _KNOWN:
            problems.append(f"unknown section [{section}] (known: {', '.join(_KNOWN)})")
        elif isinstance(value, dict):
            problems.extend(
                f"unknown key [{section}] {key} (known: {', '.join(sorted(_KNOWN[section]))})"
                for key in value
                if key not in _KNOWN[section]
            )
    return problems


def _table(raw: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"[{name}] must be a table")
        return {}
    return value


def _string(table: dict[str, Any], key: str, label: str, problems: list[str]) -> str | None:
    value = table.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.append(f"{label} must be a string")
    return None


def _path(value: Any, base: Path, label: str, problems: list[str]) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{label} must be a non-empty path")
        return None
    return base / Path(value).expanduser()


def _archive(target: dict[str, Any], base: Path, problems: list[str]) -> Path | None:
    url = _string(target, "url", "[target] url", problems)
    if url is None:
        problems.append('[target] url is required, e.g. "file:archive"')
        return None
    if url.startswith("file:"):
        return _path(url.removeprefix("file:"), base, "[target] url", problems)
    if url.startswith(("http://", "https://")):
        problems.append(
            "[target] url: writing to Confluence is not available in this version;"
            ' use a local archive such as "file:archive"'
        )
    else:
        problems.append(f'[target] url must be "file:PATH" or a Confluence URL, not {url!r}')
    return None


def _day_first(meetings: dict[str, Any], problems: list[str]) -> bool:
    order = meetings.get("date_order", "mdy")
    if order not in ("mdy", "dmy"):
        problems.append('[meetings] date_order must be "mdy" or "dmy"')
    return order == "dmy"


def _aliases(tags: dict[str, Any], problems: list[str]) -> dict[str, str]:
    aliases = dict(DEFAULT_ALIASES)
    for intent, words in tags.items():
        if intent not in INTENTS:
            continue
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            problems.append(f"[tags] {intent} must be a list of words")
            continue
        for word in (w.strip().lower() for w in words):
            taken = word if word in INTENTS else aliases.get(word)
            if taken not in (None, intent) and word not in DEFAULT_ALIASES:
                problems.append(f"[tags] {intent}: {word!r} already means {taken}")
            aliases[word] = intent
    return aliases
