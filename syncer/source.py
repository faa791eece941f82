"""Where the notes come from: the interface a run reads through, and a saved export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from syncer.model import Document
from syncer.settings import FileSettings
from syncer.sources import read_file


class Source(Protocol):
    @property
    def name(self) -> str:
        """How messages name the document; read-only, so a file source may derive it."""

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (0 for a file)."""

    def read(self) -> Document:
        """The notes document as it reads now."""

    def modified(self) -> dt.datetime | None:
        """When the document last changed, if known (timezone-aware)."""


@dataclass(frozen=True)
class FileSource:
    """A saved export on disk."""

    settings: FileSettings
    requests: int = 0

    @property
    def name(self) -> str:
        return str(self.settings.path)

    def read(self) -> Document:
        file = self.settings
        return read_file(file.path, file.tab, file.max_file_bytes)

    def modified(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromtimestamp(self.settings.path.stat().st_mtime, dt.UTC)
        except OSError:
            return None  # reading it will say what is wrong
