"""What a checked configuration is: a source that is a file or a Google Doc, a target that is
a folder or a Confluence, and how meetings are published. All frozen, all paths resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from syncer.credentials import Credentials
from syncer.deadline import REQUEST_SECONDS
from syncer.files import DEFAULT_LIMIT
from syncer.parse import ParseOptions
from syncer.render import NOBODY, People

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class FileSettings:
    """A saved export: a ``documents.get`` JSON, an HTML export or its zip."""

    path: Path
    tab: str | None = None
    max_file_bytes: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class GoogleSettings:
    """The live notes doc by its id, and how to authenticate (read-only)."""

    document: str
    tab: str | None = None
    credentials: Path | None = None
    subject: str | None = None
    api_endpoint: str | None = None
    timeout: float = REQUEST_SECONDS


SourceSettings = FileSettings | GoogleSettings


@dataclass(frozen=True)
class FolderSettings:
    """A ``file:`` archive: one ``.xhtml`` per page in a folder."""

    path: Path


@dataclass(frozen=True)
class ConfluenceSettings:
    """A Confluence target; the credentials come from the environment only. ``url`` is the
    base requests go to (see ``confluence_url``); with ``tenant_site`` the cloud id it lacks
    is looked up there first."""

    url: str
    deployment: str
    credentials: Credentials
    space: str
    page_id: str | None = None
    parent_id: str | None = None
    notify: bool = True
    tenant_site: str | None = None
    timeout: float = REQUEST_SECONDS

    @property
    def cloud(self) -> bool:
        return self.deployment == "cloud"


TargetSettings = FolderSettings | ConfluenceSettings


@dataclass(frozen=True)
class Publishing:
    """How meetings become pages: the page title of a year (``{year}`` in ``title``), how the
    doc is read, and who its names are on Confluence."""

    title: str
    parse: ParseOptions = field(default_factory=ParseOptions)
    people: People = NOBODY

    def page_title(self, year: int) -> str:
        return self.title.replace("{year}", str(year))


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
    """Everything a run needs to know, checked."""

    source: SourceSettings
    target: TargetSettings
    publishing: Publishing
    meetings: MeetingSettings = MeetingSettings()
    quiet_minutes: int = 0
    index_title: str | None = None
    labels: tuple[str, ...] = ()
    max_image_bytes: int = 10 * 1024 * 1024
