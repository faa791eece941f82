"""The configuration: a TOML file and the environment → one checked, frozen ``Settings``."""

from syncer.settings.load import load_settings
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
