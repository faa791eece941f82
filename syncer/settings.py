"""The TOML config file → one frozen ``Settings``, with every problem in it reported at once."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from syncer.confluence_url import confluence_url
from syncer.deadline import REQUEST_SECONDS
from syncer.errors import ConfigError
from syncer.files import DEFAULT_LIMIT, MB, TooLarge, read_at_most
from syncer.logs import is_pasted_json, register_pasted_key, register_secret
from syncer.parse import DEFAULT_ALIASES, INTENTS, ParseOptions
from syncer.render import NOBODY, People, person_key
from syncer.stores.confluence_api import Credentials

SOURCE_SUFFIXES = (".json", ".html", ".htm", ".zip")
MAX_FILE_MB = DEFAULT_LIMIT // MB  # a notes file (a zip: inflated) larger is refused
SECRET_FILE_LIMIT = 64 * 1024
CONFIG_FILE_LIMIT = MB
QUIET_MINUTES_MAX = 7 * 24 * 60
TITLE_CHARACTERS = 255  # Confluence's limit for a page title
# A file: archive keeps "<title>.meta.json" and ".history/<title>.<version>.xhtml": room for
# those suffixes within the 255 bytes most file systems allow in a name.
TITLE_FILE_BYTES = 200
_KNOWN = {
    "source": {
        "document",
        "file",
        "tab",
        "credentials",
        "subject",
        "api_endpoint",
        "quiet_minutes",
        "timeout_seconds",
        "max_file_mb",
    },
    "target": {
        "url",
        "space",
        "title",
        "page_id",
        "parent_id",
        "deployment",
        "notify",
        "labels",
        "cloud_id",
        "gateway",
        "timeout_seconds",
    },
    "meetings": {"date_order", "timezone", "include_upcoming", "since", "until"},
    "tags": set(INTENTS),
    "index": {"title"},
    "people": set(),  # any name or e-mail
}
_ANY_KEY = {"people"}
# Characters Confluence does not allow in a label name.
_LABEL_FORBIDDEN = set(":;,.?&[]()#^*@!'`<>\"/\\|")


@dataclass(frozen=True)
class GoogleSettings:
    """The live notes doc: its ID or URL, and how to authenticate (read-only)."""

    document: str
    credentials: Path | None = None
    subject: str | None = None
    api_endpoint: str | None = None
    timeout: float = REQUEST_SECONDS


@dataclass(frozen=True)
class ConfluenceSettings:
    """A Confluence target; the credentials come from the environment only. ``url`` is the
    base requests go to (see ``confluence_url``); with ``tenant_site`` the cloud id it
    lacks is looked up there first."""

    url: str
    deployment: str
    credentials: Credentials
    page_id: str | None = None
    parent_id: str | None = None
    notify: bool = True
    tenant_site: str | None = None
    timeout: float = REQUEST_SECONDS


UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class MeetingSettings:
    """Which meetings a ``sync`` publishes: none dated after today (in ``timezone``) unless
    ``include_upcoming``, and only those within ``since``/``until`` when set."""

    timezone: ZoneInfo = UTC
    include_upcoming: bool = False
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, checked, with paths resolved.

    Exactly one of ``source_file`` / ``google`` is set, and one of ``archive`` / ``confluence``.
    """

    source_file: Path | None
    google: GoogleSettings | None
    tab: str | None
    archive: Path | None
    confluence: ConfluenceSettings | None
    space: str | None
    title: str
    parse: ParseOptions
    meetings: MeetingSettings = MeetingSettings()
    quiet_minutes: int = 0
    max_file_bytes: int = MAX_FILE_MB * MB
    index_title: str | None = None
    labels: tuple[str, ...] = ()
    people: People = NOBODY

    def page_title(self, year: int) -> str:
        return self.title.replace("{year}", str(year))


def load_settings(
    path: Path,
    *,
    source_override: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Read and check the config; relative paths in it are relative to the file itself."""
    raw = _read_toml(path)
    problems = _unknown_keys(raw)
    base = path.parent
    source = _table(raw, "source", problems)
    target = _table(raw, "target", problems)
    source_file = source_override or _path(source.get("file"), base, "[source] file", problems)
    google = None if source_override else _google(source, base, environ, problems)
    if "file" in source and "document" in source:
        problems.append("[source] has both `file` and `document`: keep the one to read")
    if source_file is None and google is None:
        problems.append("[source] needs `file` (a .json/.html/.zip export) or `document`")
    elif source_file is not None and source_file.suffix.lower() not in SOURCE_SUFFIXES:
        problems.append(
            f"source file {source_file} must end in one of {', '.join(SOURCE_SUFFIXES)}"
        )
    title = _string(target, "title", "[target] title", problems) or ""
    if not title.strip():
        problems.append('[target] title is required, e.g. "Arch Hours: {year}"')
    elif "{" in title.replace("{year}", "") or "}" in title.replace("{year}", ""):
        problems.append("[target] title may only use the placeholder {year}")
    archive, confluence = _target(target, base, environ, problems)
    _title_length(title, archive is not None, "[target] title", problems)
    space = _string(target, "space", "[target] space", problems)
    if confluence is not None:
        if not space:
            problems.append("[target] space (the space key, e.g. ARCH) is required for Confluence")
        if confluence.page_id and "{year}" in title:
            problems.append("[target] page_id names one page: drop {year} from [target] title")
    meetings = _table(raw, "meetings", problems)
    settings = Settings(
        source_file=source_file,
        google=google if source_file is None else None,
        tab=_string(source, "tab", "[source] tab", problems),
        archive=archive,
        confluence=confluence,
        space=space,
        title=title,
        parse=ParseOptions(
            aliases=_aliases(_table(raw, "tags", problems), problems),
            day_first=_day_first(meetings, problems),
        ),
        meetings=_meetings(meetings, problems),
        quiet_minutes=_quiet_minutes(source, problems),
        max_file_bytes=_max_file_bytes(source, problems),
        index_title=_index_title(_table(raw, "index", problems), title, confluence, problems),
        labels=_labels(target, problems),
        people=_people(_table(raw, "people", problems), confluence, problems),
    )
    if problems:
        raise ConfigError([f"{path}: {problem}" for problem in problems])
    return settings


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


def _unknown_keys(raw: dict[str, Any]) -> list[str]:
    problems = []
    for section, value in raw.items():
        if section not in _KNOWN:
            problems.append(f"unknown section [{section}] (known: {', '.join(_KNOWN)})")
        elif isinstance(value, dict) and section not in _ANY_KEY:
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


def _google(
    source: dict[str, Any], base: Path, environ: Mapping[str, str], problems: list[str]
) -> GoogleSettings | None:
    document = _string(source, "document", "[source] document", problems)
    if document is None:
        return None
    credentials = source.get("credentials")
    if isinstance(credentials, str) and is_pasted_json(credentials):
        register_pasted_key(credentials)
        problems.append(f"[source] credentials {_PASTED_KEY}")
        credentials = None
    elif credentials is None and is_pasted_json(environ.get(ENV_CREDENTIALS) or ""):
        register_pasted_key(environ[ENV_CREDENTIALS])
        problems.append(f"{ENV_CREDENTIALS} {_PASTED_KEY}")
    return GoogleSettings(
        document=document,
        credentials=_path(credentials, base, "[source] credentials", problems),
        subject=_string(source, "subject", "[source] subject", problems),
        api_endpoint=_string(source, "api_endpoint", "[source] api_endpoint", problems),
        timeout=_timeout(source, "[source] timeout_seconds", problems),
    )


ENV_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"
_PASTED_KEY = (
    "holds JSON, not a path — did you paste the key itself there? Save the key to a file"
    " and give the file's path"
)


def _target(
    target: dict[str, Any], base: Path, environ: Mapping[str, str], problems: list[str]
) -> tuple[Path | None, ConfluenceSettings | None]:
    url = _string(target, "url", "[target] url", problems)
    if url is None:
        problems.append('[target] url is required: "file:archive" or a Confluence base URL')
        return None, None
    if url.startswith("file:"):
        return _path(url.removeprefix("file:"), base, "[target] url", problems), None
    if not url.startswith(("http://", "https://")):
        problems.append(f'[target] url must be "file:PATH" or a Confluence base URL, not {url!r}')
        return None, None
    where = confluence_url(
        url, target.get("deployment"), target.get("cloud_id"), target.get("gateway"), problems
    )
    notify = target.get("notify", True)
    if not isinstance(notify, bool):
        problems.append("[target] notify must be true or false")
    # Checked even when the URL is wrong, so that every problem shows at once.
    cloud = where.deployment == "cloud" if where else "atlassian." in url
    deployment = "cloud" if cloud else "datacenter"
    credentials = _confluence_credentials(deployment, environ, problems)
    page_id, parent_id = _id(target, "page_id", problems), _id(target, "parent_id", problems)
    timeout = _timeout(target, "[target] timeout_seconds", problems)
    if where is None:
        return None, None
    confluence = ConfluenceSettings(
        url=where.base,
        deployment=deployment,
        credentials=credentials,
        page_id=page_id,
        parent_id=parent_id,
        notify=bool(notify),
        tenant_site=where.tenant_site,
        timeout=timeout,
    )
    return None, confluence


def _timeout(table: dict[str, Any], label: str, problems: list[str]) -> float:
    """Seconds one request may take, its whole answer included."""
    key = label.rsplit(" ", 1)[-1]
    value = table.get(key, REQUEST_SECONDS)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        problems.append(f"{label} must be a number of seconds above 0 and at most 3600")
        return REQUEST_SECONDS
    return float(value)


def _confluence_credentials(
    deployment: str, environ: Mapping[str, str], problems: list[str]
) -> Credentials:
    """Cloud: an email and an API token (Basic); Data Center: a personal access token."""
    username = (environ.get("CONFLUENCE_USERNAME") or "").strip() or None
    api_token = _secret(environ, "CONFLUENCE_API_TOKEN", problems)
    pat = _secret(environ, "CONFLUENCE_TOKEN", problems)
    if deployment == "datacenter" and pat:
        return Credentials(pat=pat)
    if username and api_token:
        return Credentials(username=username, api_token=api_token)
    if deployment == "cloud":
        problems.append(
            "Confluence Cloud needs CONFLUENCE_USERNAME (your Atlassian email) and"
            " CONFLUENCE_API_TOKEN (an API token) in the environment"
        )
    else:
        problems.append(
            "Confluence Data Center needs CONFLUENCE_TOKEN (a personal access token) in the"
            " environment, or CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN"
        )
    return Credentials()


def _secret(environ: Mapping[str, str], name: str, problems: list[str]) -> str | None:
    """A token from the variable ``name``, or from the file that ``name_FILE`` points at (a
    mounted Docker or Kubernetes secret), without the whitespace around it (the newline that
    ``kubectl create secret --from-file`` or ``echo`` leaves). Every value is registered for
    redaction before a message can mention it, and no message quotes one."""
    value, path = environ.get(name) or None, environ.get(f"{name}_FILE") or None
    if value is not None:
        register_secret(value)
        register_secret(value.strip())
    if path is not None and not os.path.lexists(path):
        register_secret(path)  # it may well be the token itself
    if value and path:
        problems.append(f"set {name} or {name}_FILE, not both")
        return None
    if value is not None:
        if not value.strip():
            problems.append(f"{name} holds only whitespace: set it to the token")
        return value.strip() or None
    return _secret_file(name, path, problems) if path is not None else None


def _secret_file(name: str, path: str, problems: list[str]) -> str | None:
    variable = f"{name}_FILE"
    if not os.path.lexists(path):
        problems.append(
            f"{variable} does not name a file — did you put the token itself there? Set"
            f" {variable} to the path of a file holding the token, or {name} to the token"
        )
        return None
    try:
        token = read_at_most(Path(path), SECRET_FILE_LIMIT).decode("utf-8").strip()
    except TooLarge:
        problems.append(f"{variable} {path} is not a token file (larger than 64 KB)")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"cannot read {variable} {path}: {getattr(error, 'strerror', error)}")
        return None
    register_secret(token)
    if not token:
        problems.append(f"{variable} {path} is empty: write the token into it")
    return token or None


def _id(table: dict[str, Any], key: str, problems: list[str]) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        problems.append(f"[target] {key} must be a page id (digits)")
        return None
    return str(value)


def _day_first(meetings: dict[str, Any], problems: list[str]) -> bool:
    order: object = meetings.get("date_order", "mdy")
    if order not in ("mdy", "dmy"):
        problems.append('[meetings] date_order must be "mdy" or "dmy"')
    return order == "dmy"


def _meetings(meetings: dict[str, Any], problems: list[str]) -> MeetingSettings:
    name = meetings.get("timezone", "UTC")
    try:
        zone = ZoneInfo(name) if isinstance(name, str) and name else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        problems.append(
            f"[meetings] timezone must be an IANA name such as America/New_York, not {name!r}"
        )
    upcoming = meetings.get("include_upcoming", False)
    if not isinstance(upcoming, bool):
        problems.append("[meetings] include_upcoming must be true or false")
    since = _date(meetings.get("since"), "[meetings] since", problems)
    until = _date(meetings.get("until"), "[meetings] until", problems)
    if since and until and since > until:
        problems.append(f"[meetings] since ({since}) is after until ({until})")
    return MeetingSettings(zone or UTC, upcoming is True, since, until)


def _date(value: Any, label: str, problems: list[str]) -> dt.date | None:
    """A TOML date (2024-01-31) or the same written as a string; anything else is a problem,
    never ignored (a window silently dropped would publish meetings outside it)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        problems.append(f"{label} must be a date without a time, e.g. {value.date().isoformat()}")
        return None
    try:
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    problems.append(f'{label} must be a date written YYYY-MM-DD, e.g. "2024-01-31", not {value!r}')
    return None


def _quiet_minutes(source: dict[str, Any], problems: list[str]) -> int:
    value = source.get("quiet_minutes", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append("[source] quiet_minutes must be a whole number of minutes (0 turns it off)")
        return 0
    if value > QUIET_MINUTES_MAX:
        problems.append(
            f"[source] quiet_minutes must be at most {QUIET_MINUTES_MAX} (a week), not {value}"
        )
        return 0
    return value


def _max_file_bytes(source: dict[str, Any], problems: list[str]) -> int:
    value = source.get("max_file_mb", MAX_FILE_MB)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10_000:
        problems.append(
            f"[source] max_file_mb must be a number of megabytes above 0 and at most 10000"
            f" (default {MAX_FILE_MB})"
        )
        return MAX_FILE_MB * MB
    return int(value * MB)


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


def _index_title(
    index: dict[str, Any],
    page_title: str,
    confluence: ConfluenceSettings | None,
    problems: list[str],
) -> str | None:
    """The topic index page must not be, or look like, one of the year pages."""
    title = _string(index, "title", "[index] title", problems)
    if title is None:
        return None
    title = title.strip()
    year_page = re.escape(page_title).replace(re.escape("{year}"), r"\d+")
    if not title or "{" in title or "}" in title:
        problems.append('[index] title must be a page title, e.g. "Arch Hours: topic index"')
    elif re.fullmatch(year_page, title):
        problems.append(f"[index] title {title!r} would be one of the [target] title pages")
    elif confluence is not None and confluence.page_id:
        problems.append("[index] finds the year pages by title: drop [target] page_id")
    _title_length(title, confluence is None, "[index] title", problems)
    return title


def _labels(target: dict[str, Any], problems: list[str]) -> tuple[str, ...]:
    labels = target.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        problems.append('[target] labels must be a list of label names, e.g. ["arch-hours"]')
        return ()
    for label in labels:
        bad = sorted({c for c in label if c.isspace() or c in _LABEL_FORBIDDEN})
        if not label or len(label) > 255 or bad:
            shown = ", ".join(repr(c) for c in bad) or "its length"
            problems.append(f"[target] labels: {label!r} is not a Confluence label ({shown})")
        elif label != label.lower():
            problems.append(
                f"[target] labels: Confluence keeps labels lower case: write {label.lower()!r}"
            )
    return tuple(dict.fromkeys(labels))


def _people(
    people: dict[str, Any], confluence: ConfluenceSettings | None, problems: list[str]
) -> People:
    """Names and e-mails → Cloud account ids (Data Center: usernames), matched ignoring case."""
    users: dict[str, str] = {}
    names: dict[str, str] = {}
    for name, user in people.items():
        key = person_key(name)
        if not isinstance(user, str) or not user.strip() or any(c.isspace() for c in user):
            kind = "a username" if _usernames(confluence) else "an account id"
            problems.append(f"[people] {name!r} must be {kind} (a string without spaces)")
        elif not key:
            problems.append("[people] has an empty name")
        elif key in users:
            problems.append(f"[people] {name!r} is listed twice (names ignore case)")
        else:
            users[key] = user
            if "@" not in name:
                names.setdefault(user, " ".join(name.split()))
    return People(users, _usernames(confluence), names)


def _usernames(confluence: ConfluenceSettings | None) -> bool:
    return confluence is not None and confluence.deployment == "datacenter"
