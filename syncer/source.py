"""Where the notes come from: the interface a run reads through, and a saved export."""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass
from typing import Protocol

from syncer.model import Document
from syncer.settings import FileSettings
from syncer.sources import read_beside, read_file, read_zip_member


class Source(Protocol):
    @property
    def name(self) -> str:
        """How messages name the document; read-only, so a file source may derive it."""

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (0 for a file)."""

    def read(self) -> Document:
        """The notes document as it reads now."""

    def image(self, where: str) -> tuple[bytes, str | None]:
        """The bytes of an image the document shows (and their media type, if said)."""

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

    def image(self, where: str) -> tuple[bytes, str | None]:
        """An export's image: a member of the zip, a file beside the HTML (an unzipped
        export's ``images/``), or a link (an HTML export may point at Google's copy)."""
        file = self.settings
        named = mimetypes.guess_type(where, strict=False)[0]  # when the bytes do not say
        if where.startswith(("http://", "https://")):
            from syncer.downloads import download

            return download(where, file.max_file_bytes, f"an image of {self.name}")
        if file.path.suffix.lower() == ".zip":
            return read_zip_member(file.path, where, file.max_file_bytes), named
        return read_beside(file.path, where, file.max_file_bytes), named
