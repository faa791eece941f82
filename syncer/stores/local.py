"""The ``file:`` target: each page is ``<title>.xhtml`` (the exact storage body) in a folder.

Beside it, ``<title>.meta.json`` keeps the version, the last version message and the sync
state, and ``.history/<title>.<version>.xhtml`` each version written (a conflict shows the
section as it was last synced). Writes go to a temporary file and are renamed into place, so a
crash never leaves a half-written page.

Two runs, or a run and a person, may share the folder. Every check-and-write holds an
exclusive lock on ``.notes-sync.lock`` in it, and a run holds that lock from its first read
to its last write (``held``), so the read a merge is based on is still the page when it is
written. A write also compares the page's content with what was read (a person saving the
``.xhtml`` does not bump the version): any difference is a ``VersionConflict``, and the sync
reads the page again and merges once more, as it does when Confluence answers 409.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from syncer.errors import PageError, VersionConflict
from syncer.state import SyncState
from syncer.stores.base import Page

log = logging.getLogger(__name__)
LOCK_NAME = ".notes-sync.lock"
TEMPORARY_PREFIX = ".tmp-"


class LocalPageStore:
    """Archive pages as files in a folder, with versions checked like Confluence checks them."""

    def __init__(self, folder: Path, labels: Sequence[str] = ()) -> None:
        self.folder = folder
        self.labels = tuple(labels)
        self._lock: int | None = None  # the lock file's descriptor while locked
        self._holds = 0  # nested ``_locked`` and ``held`` scopes
        self._holding = False

    requests = 0  # a folder is no HTTP service

    def minor_edits(self) -> LocalPageStore:
        return self  # a folder notifies nobody

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """A run's lease on the folder: locked from the first read (or write) inside it to
        its end, so two runs never merge from the same read."""
        was, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = was
            if not was and self._lock is not None and not self._holds:
                self._unlock()

    def find(self, title: str) -> Page | None:
        if self._holding and self._lock is None and self.folder.is_dir():
            self._take_lock()  # held from this read on, until the run's end
        body = self._body(title)
        if body is None:
            return None
        meta = self._meta(title)
        state = SyncState.from_json(meta.get("state"))
        return Page(title, body, self._version(title, meta), state)

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        with self._locked(title):
            if self._body(title) is not None:
                raise VersionConflict(f"page '{title}' was created by someone else meanwhile")
            return self._write(title, body, 1, state, message)

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        with self._locked(page.title):
            self._unchanged_since_read(page)
            return self._write(page.title, body, page.version + 1, state, message)

    def save_state(self, page: Page, state: SyncState) -> Page:
        with self._locked(page.title):
            self._unchanged_since_read(page)
            meta = {**self._meta(page.title), "state": state.to_json()}
            self._write_meta(page.title, meta)
        return Page(page.title, page.body, page.version, state)

    def attachments(self, page: Page) -> set[str]:
        folder = self._attachments_folder(page.title)
        return (
            {path.name for path in folder.iterdir() if path.is_file()} if folder.is_dir() else set()
        )

    def attach(self, page: Page, name: str, data: bytes, media_type: str) -> None:
        """Beside the page, in ``<title>.attachments/``."""
        folder = self._attachments_folder(page.title)
        with self._locked(page.title):
            folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(folder / name, data)

    def _attachments_folder(self, title: str) -> Path:
        return self._path(title, ".attachments")

    def version_body(self, page: Page, version: int) -> str | None:
        try:
            return self._old(page.title, version).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _unchanged_since_read(self, page: Page) -> None:
        """Compare-and-swap: the page on disk must still be the one read, version and body."""
        version = self._version(page.title, self._meta(page.title))
        if version != page.version:
            raise VersionConflict(
                f"page '{page.title}' is at version {version}, not {page.version}"
            )
        if self._body(page.title) != page.body:
            raise VersionConflict(f"page '{page.title}' was changed on disk since it was read")

    def _write(self, title: str, body: str, version: int, state: SyncState, message: str) -> Page:
        meta = {"title": title, "version": version, "message": message, "state": state.to_json()}
        meta.update(self._labels(title))
        self._old(title, version).parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(self._old(title, version), body)
        _atomic_write(self._path(title, ".xhtml"), body)
        self._write_meta(title, meta)
        return Page(title, body, version, state)

    @contextlib.contextmanager
    def _locked(self, title: str) -> Iterator[None]:
        """A check and its write under the folder's lock (re-entrant; kept while ``held``); a
        failed write is one clear error naming the page and the folder."""
        self._holds += 1
        try:
            if self._lock is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._take_lock()
            yield
        except OSError as error:
            raise PageError(f"cannot write page '{title}' in {self.folder}: {error}") from None
        finally:
            self._holds -= 1
            if not self._holds and not self._holding:
                self._unlock()

    def _take_lock(self) -> None:
        """Wait for any other run writing to the folder, then clear what an interrupted
        one left behind: with the lock held, no temporary file is anyone's work in progress."""
        path = self.folder / LOCK_NAME
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise PageError(f"cannot lock {path}: {error.strerror or error}") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another run is writing to %s: waiting for it to finish", self.folder)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        self._lock = descriptor
        for folder in (self.folder, self.folder / ".history", *self.folder.glob("*.attachments")):
            for leftover in folder.glob(f"{TEMPORARY_PREFIX}*"):
                leftover.unlink(missing_ok=True)

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def _body(self, title: str) -> str | None:
        """The page's body as it is on disk now, or None when there is no page."""
        path = self._path(title, ".xhtml")
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise PageError(f"cannot read page {path}: {error}") from None

    def _version(self, title: str, meta: dict[str, Any]) -> int:
        version = meta.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            path = self._path(title, ".meta.json")
            raise PageError(
                f'page metadata {path}: "version" must be a whole number from 1, not'
                f" {version!r}; fix it or delete the file (its sync state goes with it)"
            )
        return version

    def _write_meta(self, title: str, meta: dict[str, Any]) -> None:
        _atomic_write(self._path(title, ".meta.json"), json.dumps(meta, indent=2) + "\n")

    def _labels(self, title: str) -> dict[str, list[str]]:
        """The ``labels`` kept in the metadata: those already there stay, ours are added (as on
        Confluence)."""
        kept = self._meta(title).get("labels")
        kept = [label for label in kept if isinstance(label, str)] if isinstance(kept, list) else []
        labels = list(dict.fromkeys([*kept, *self.labels]))
        return {"labels": labels} if labels else {}

    def _meta(self, title: str) -> dict[str, Any]:
        path = self._path(title, ".meta.json")
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise PageError(f"cannot read page metadata {path}: {error}") from None
        if not isinstance(meta, dict):
            raise PageError(f"page metadata {path} is not a JSON object")
        return meta

    def _path(self, title: str, suffix: str, folder: Path | None = None) -> Path:
        return (folder or self.folder) / (title.replace("/", "∕").replace("\0", "") + suffix)

    def _old(self, title: str, version: int) -> Path:
        return self._path(title, f".{version}.xhtml", self.folder / ".history")


def _atomic_write(path: Path, text: str | bytes) -> None:
    """Write whole or not at all, with the mode the file has (a new one: what the umask
    gives, as for any file created in the folder; not the 0600 of a temporary file)."""
    mode = _mode(path)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix
    )
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            os.fchmod(file.fileno(), mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask: from /proc where Linux shows it, else by setting it back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
