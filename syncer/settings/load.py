"""The TOML config file → one frozen ``Settings``, with every problem in it reported at once,
before anything is read or sent."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syncer.action_items import ActionItems
from syncer.errors import ConfigError
from syncer.files import MB, TooLarge, read_at_most
from syncer.parse import DEFAULT_ALIASES, INTENTS, ParseOptions
from syncer.render import People, person_key
from syncer.settings.confluence_url import confluence_url
from syncer.settings.environment import ENV_CREDENTIALS, confluence_credentials, google_key_path
from syncer.settings.schema import Table, read_tables
from syncer.settings.shapes import (
    ConfluenceSettings,
    FileSettings,
    FolderSettings,
    GoogleSettings,
    MeetingSettings,
    Publishing,
    Settings,
    SourceSettings,
    TargetSettings,
)
from syncer.settings.values import At, path
from syncer.sources import SUFFIXES as SOURCE_SUFFIXES

CONFIG_FILE_LIMIT = MB
KEY_FILE_LIMIT = MB
TITLE_CHARACTERS = 255  # Confluence's limit for a page title
# A file: archive keeps "<title>.meta.json" and ".history/<title>.<version>.xhtml": room for
# those suffixes within the 255 bytes most file systems allow in a name.
TITLE_FILE_BYTES = 200


def load_settings(
    path: Path,
    *,
    source_override: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Read and check the config; relative paths in it are relative to the file itself."""
    problems: list[str] = []
    tables = read_tables(_read_toml(path), path.parent, problems)
    source = _source(tables["source"], source_override, path.parent, environ, problems)
    target = _target(tables["target"], path.parent, environ, problems)
    publishing = _publishing(tables, target, problems)
    meetings = _meetings(tables["meetings"], problems)
    index_title = _index_title(tables["index"]["title"], publishing.title, target, problems)
    if problems or source is None or target is None:
        raise ConfigError([f"{path}: {problem}" for problem in problems])
    return Settings(
        source,
        target,
        publishing,
        meetings,
        quiet_minutes=tables["source"]["quiet_minutes"],
        index_title=index_title,
        labels=tables["target"]["labels"],
        max_image_bytes=tables["target"]["max_image_mb"],
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_at_most(path, CONFIG_FILE_LIMIT).decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except TooLarge:
        raise ConfigError(f"{path} is not a config file (larger than 1 MB)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


# --- the source ------------------------------------------------------------------------------


def _source(
    table: Table,
    override: Path | None,
    base: Path,
    environ: Mapping[str, str],
    problems: list[str],
) -> SourceSettings | None:
    """A file (``[source] file`` or ``backfill --from``) or the Google Doc."""
    if {"file", "document"} <= table.given:
        problems.append("[source] has both `file` and `document`: keep the one to read")
    if override is not None or "file" in table.given:
        return _file(override or table["file"], table, problems)
    if "document" in table.given:
        return _google(table, base, environ, problems)
    problems.append("[source] needs `file` (a .json/.html/.zip export) or `document`")
    return None


def _file(path: Path | None, table: Table, problems: list[str]) -> FileSettings | None:
    if path is None:
        return None
    if path.suffix.lower() not in SOURCE_SUFFIXES:
        problems.append(f"source file {path} must end in one of {', '.join(SOURCE_SUFFIXES)}")
        return None
    return FileSettings(path, table["tab"], table["max_file_mb"])


def _google(
    table: Table, base: Path, environ: Mapping[str, str], problems: list[str]
) -> GoogleSettings | None:
    credentials = google_key_path(table["credentials"], base, environ, problems)
    subject = table["subject"]
    if subject is not None:
        _delegation(credentials or environ.get(ENV_CREDENTIALS), problems)
    if table["document"] is None:
        return None
    return GoogleSettings(
        document=table["document"],
        tab=table["tab"],
        credentials=credentials,
        subject=subject,
        api_endpoint=table["api_endpoint"],
        timeout=table["timeout_seconds"],
    )


def _delegation(key: Path | str | None, problems: list[str]) -> None:
    """``[source] subject`` acts as a user through domain-wide delegation, which only a
    service-account key can do: a key file of another kind is refused now, not at sign-in."""
    kind = _key_type(Path(key)) if key else None
    if kind not in (None, "service_account"):
        problems.append(
            f"[source] subject needs a service-account key (domain-wide delegation), but {key}"
            f" is a {kind!r} credentials file; remove [source] subject"
        )


def _key_type(path: Path) -> str | None:
    """The ``type`` a Google credentials file says it is (None when it cannot be read: the
    sign-in will say what is wrong with it)."""
    try:
        info = json.loads(read_at_most(path, KEY_FILE_LIMIT))
    except (OSError, ValueError, TooLarge):
        return None
    kind = info.get("type") if isinstance(info, dict) else None
    return kind if isinstance(kind, str) else None


# --- the target ------------------------------------------------------------------------------


def _target(
    table: Table, base: Path, environ: Mapping[str, str], problems: list[str]
) -> TargetSettings | None:
    url = table["url"]
    if "url" not in table.given:
        problems.append('[target] url is required: "file:archive" or a Confluence base URL')
    if url is None:
        return None
    if url.startswith("file:"):
        at = At("[target] url", base, problems)
        folder = path(url.removeprefix("file:"), at)
        return FolderSettings(folder) if folder is not None else None
    if not url.startswith(("http://", "https://")):
        problems.append(f'[target] url must be "file:PATH" or a Confluence base URL, not {url!r}')
        return None
    return _confluence(url, table, environ, problems)


def _confluence(
    url: str, table: Table, environ: Mapping[str, str], problems: list[str]
) -> ConfluenceSettings | None:
    where = confluence_url(url, table["deployment"], table["cloud_id"], table["gateway"], problems)
    # Checked even when the URL is wrong, so that every problem shows at once.
    cloud = where.deployment == "cloud" if where else "atlassian." in url
    deployment = "cloud" if cloud else "datacenter"
    credentials = confluence_credentials(deployment, environ, problems)
    space = table["space"]
    if not space:
        problems.append("[target] space (the space key, e.g. ARCH) is required for Confluence")
    if where is None or not space:
        return None
    return ConfluenceSettings(
        url=where.base,
        deployment=deployment,
        credentials=credentials,
        space=space,
        page_id=table["page_id"],
        parent_id=table["parent_id"],
        notify=table["notify"],
        tenant_site=where.tenant_site,
        timeout=table["timeout_seconds"],
    )


# --- how meetings are published --------------------------------------------------------------


def _publishing(
    tables: Mapping[str, Table], target: TargetSettings | None, problems: list[str]
) -> Publishing:
    title = _title(tables["target"]["title"] or "", target, problems)
    usernames = isinstance(target, ConfluenceSettings) and not target.cloud
    people = _people(tables["people"].values, usernames, problems)
    meetings = tables["meetings"]
    found = ActionItems(meetings["action_items"], meetings["action_prefixes"], people.known_names)
    parse = ParseOptions(_aliases(tables["tags"], problems), meetings["date_order"], found)
    return Publishing(title, parse, people)


def _title(title: str, target: TargetSettings | None, problems: list[str]) -> str:
    if not title.strip():
        problems.append('[target] title is required, e.g. "Arch Hours: {year}"')
    elif "{" in title.replace("{year}", "") or "}" in title.replace("{year}", ""):
        problems.append("[target] title may only use the placeholder {year}")
    _title_length(title, isinstance(target, FolderSettings), "[target] title", problems)
    if isinstance(target, ConfluenceSettings) and target.page_id and "{year}" in title:
        problems.append("[target] page_id names one page: drop {year} from [target] title")
    return title


def _title_length(title: str, local: bool, label: str, problems: list[str]) -> None:
    """A title Confluence or the archive folder would refuse at the first write, refused now."""
    longest = title.replace("{year}", "2023")
    size = len(longest.encode("utf-8", "surrogatepass"))
    if len(longest) > TITLE_CHARACTERS:
        problems.append(
            f"{label} is {len(longest)} characters long; a page title allows {TITLE_CHARACTERS}"
        )
    elif local and size > TITLE_FILE_BYTES:
        problems.append(
            f"{label} is {size} bytes long as a file name; a file: archive allows"
            f" {TITLE_FILE_BYTES}"
        )


def _aliases(tags: Table, problems: list[str]) -> dict[str, str]:
    """The built-in aliases with each intent's extra words; a word may mean one intent only."""
    aliases = dict(DEFAULT_ALIASES)
    for intent in INTENTS:
        for word in tags[intent]:
            taken = word if word in INTENTS else aliases.get(word)
            if taken not in (None, intent) and word not in DEFAULT_ALIASES:
                problems.append(f"[tags] {intent}: {word!r} already means {taken}")
            aliases[word] = intent
    return aliases


def _people(people: Mapping[str, Any], usernames: bool, problems: list[str]) -> People:
    """Names and e-mails → Cloud account ids (Data Center: usernames), matched ignoring case."""
    users: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, user in people.items():
        key = person_key(name)
        if not isinstance(user, str) or not user.strip() or any(c.isspace() for c in user):
            kind = "a username" if usernames else "an account id"
            problems.append(f"[people] {name!r} must be {kind} (a string without spaces)")
        elif not key:
            problems.append("[people] has an empty name")
        elif key in users:
            problems.append(f"[people] {name!r} is listed twice (names ignore case)")
        else:
            users[key] = user
            if "@" not in name:
                names.setdefault(user, " ".join(name.split()))
    return People(users, usernames, names)


def _meetings(table: Table, problems: list[str]) -> MeetingSettings:
    since, until = table["since"], table["until"]
    if since and until and since > until:
        problems.append(f"[meetings] since ({since}) is after until ({until})")
    return MeetingSettings(table["timezone"], table["include_upcoming"], since, until)


def _index_title(
    title: str | None, page_title: str, target: TargetSettings | None, problems: list[str]
) -> str | None:
    """The topic index page must not be, or look like, one of the year pages."""
    if title is None:
        return None
    title = title.strip()
    year_page = re.escape(page_title).replace(re.escape("{year}"), r"\d+")
    if not title or "{" in title or "}" in title:
        problems.append('[index] title must be a page title, e.g. "Arch Hours: topic index"')
    elif re.fullmatch(year_page, title):
        problems.append(f"[index] title {title!r} would be one of the [target] title pages")
    elif isinstance(target, ConfluenceSettings) and target.page_id:
        problems.append("[index] finds the year pages by title: drop [target] page_id")
    _title_length(title, isinstance(target, FolderSettings), "[index] title", problems)
    return title
