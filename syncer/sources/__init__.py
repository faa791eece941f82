"""Local notes files → a ``Document``, chosen by the file's suffix."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from urllib.parse import unquote

from syncer.errors import MissingImage, SourceError
from syncer.files import DEFAULT_LIMIT, TooLarge, read_at_most, size_text
from syncer.model import Document

SUFFIXES = (".json", ".html", ".htm", ".zip")


def read_file(path: Path, tab: str | None = None, limit: int = DEFAULT_LIMIT) -> Document:
    """Read a saved ``documents.get`` JSON, an HTML export or a zipped export, of at most
    ``limit`` bytes (a zip: inflated)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(f"{path}: not a .json, .html or .zip notes file")
    try:
        data = read_at_most(path, limit)
    except FileNotFoundError:
        raise SourceError(f"notes file not found: {path}") from None
    except TooLarge:
        raise SourceError(
            f"{path} is larger than {size_text(limit)} ([source] max_file_mb): not a notes"
            " file, or raise the limit"
        ) from None
    except OSError as error:
        raise SourceError(f"cannot read notes file {path}: {error.strerror}") from None
    document = _read(suffix, data, str(path), limit)
    # A file's revision is its content: a hand-edited export may keep the revisionId it had.
    document = dataclasses.replace(document, revision=content_revision(data))
    return select_tab(document, tab, str(path)) if tab else document


def _read(suffix: str, data: bytes, name: str, limit: int) -> Document:
    """The reader of a suffix, imported when a file of that kind is read (the HTML readers
    need BeautifulSoup; a JSON export does not)."""
    if suffix == ".json":
        from syncer.sources.docs_json import read_docs_json

        return read_docs_json(data, name=name)
    from syncer.sources.html_export import read_html_export, read_zip_export

    if suffix == ".zip":
        return read_zip_export(data, name=name, limit=limit)
    return read_html_export(data, name=name)


def read_zip_member(path: Path, member: str, limit: int) -> bytes:
    """One file of a zipped export (an image its HTML refers to), of at most ``limit`` bytes."""
    from syncer.sources.html_export import zip_member

    return zip_member(path, member, limit)


def read_beside(path: Path, relative: str, limit: int) -> bytes:
    """A file an unzipped export refers to, relative to its HTML and never outside its folder."""
    folder = path.parent.resolve()
    found = (folder / unquote(relative)).resolve()
    if not found.is_relative_to(folder):
        raise SourceError(f"{path}: an image points outside the export's folder: {relative!r}")
    try:
        return read_at_most(found, limit)
    except TooLarge:
        raise SourceError(f"{path}: image {relative} is larger than {size_text(limit)}") from None
    except FileNotFoundError:
        raise MissingImage(f"{path}: no image {relative} beside it") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot read image {relative}: {error.strerror}") from None


def content_revision(data: bytes) -> str:
    """What a file's revision is: a hash of its bytes, so any change to them is a change."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]


def select_tab(document: Document, tab: str, name: str) -> Document:
    """Only the tab with this title (``[source] tab``)."""
    chosen = tuple(t for t in document.tabs if t.title == tab)
    if not chosen:
        titles = ", ".join(repr(t.title) for t in document.tabs) or "none"
        raise SourceError(f"{name}: no tab titled {tab!r} (tabs: {titles})")
    return dataclasses.replace(document, tabs=chosen)
