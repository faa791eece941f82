"""The configuration: a TOML file and the environment → one checked, frozen ``Settings``."""

from syncer.settings.load import SOURCE_SUFFIXES, load_settings
from syncer.settings.shapes import (
    UTC,
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

__all__ = [
    "SOURCE_SUFFIXES",
    "UTC",
    "ConfluenceSettings",
    "FileSettings",
    "FolderSettings",
    "GoogleSettings",
    "MeetingSettings",
    "Publishing",
    "Settings",
    "SourceSettings",
    "TargetSettings",
    "load_settings",
]
