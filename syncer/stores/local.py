"""The ``file:`` target: each page is ``<title>.xhtml`` (the exact storage body) in a folder.

Beside it, ``<title>.meta.json`` keeps the version, the last version message and the sync
state, and ``.history/<title>.<version>.xhtml`` each version written (a conflict shows the
section as it was last synced). Writes go to a temporary file and are renamed into place, so a
crash never leaves a half-written page.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from syncer.errors import PageError, VersionConflict
from syncer.stores.base import Page, SyncState


class LocalPageStore:
    """Archive pages as files in a folder, with versions checked like Confluence checks them."""

    def __init__(self, folder: Path, labels: Sequence[str] = ()) -> None:
        self.folder = folder
        self.labels = tuple(labels)

    def minor_edits(self) -> LocalPageStore:
        return self  # a folder notifies nobody

    def find(self, title: str) -> Page | None:
        body_path = self._path(title, ".xhtml")
        if not body_path.exists():
            return None
        meta = self._meta(title)
        try:
            body = body_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise PageError(f"cannot read page {body_path}: {error}") from None
        state = SyncState.from_json(meta.get("state"))
        return Page(title, body, meta.get("version", 1), str(body_path), state)

    def create(self, title: str, body: str, state: SyncState, message: str) -> Page:
        if self._path(title, ".xhtml").exists():
            raise VersionConflict(f"page '{title}' was created by someone else meanwhile")
        return self._write(title, body, 1, state, message)

    def update(self, page: Page, body: str, state: SyncState, message: str) -> Page:
        current = self._meta(title=page.title).get("version", 1)
        if current != page.version:
            raise VersionConflict(
                f"page '{page.title}' is at version {current}, not {page.version}"
            )
        return self._write(page.title, body, page.version + 1, state, message)

    def save_state(self, page: Page, state: SyncState) -> Page:
        meta = {**self._meta(page.title), "state": state.to_json()}
        with self._writing(page.title):
            self._write_meta(page.title, meta)
        return Page(page.title, page.body, page.version, page.id, state)

    def version_body(self, page: Page, version: int) -> str | None:
        try:
            return self._old(page.title, version).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _write(self, title: str, body: str, version: int, state: SyncState, message: str) -> Page:
        meta = {"title": title, "version": version, "message": message, "state": state.to_json()}
        meta.update(self._labels(title))
        with self._writing(title):
            self._old(title, version).parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(self._old(title, version), body)
            _atomic_write(self._path(title, ".xhtml"), body)
            self._write_meta(title, meta)
        return Page(title, body, version, str(self._path(title, ".xhtml")), state)

    @contextlib.contextmanager
    def _writing(self, title: str) -> Iterator[None]:
        """A failed write is one clear error naming the page and the folder."""
        try:
            yield
        except OSError as error:
            raise PageError(f"cannot write page '{title}' in {self.folder}: {error}") from None

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
        if not path.exists():
            return {}
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PageError(f"cannot read page metadata {path}: {error}") from None
        if not isinstance(meta, dict):
            raise PageError(f"page metadata {path} is not a JSON object")
        return meta

    def _path(self, title: str, suffix: str, folder: Path | None = None) -> Path:
        return (folder or self.folder) / (title.replace("/", "∕").replace("\0", "") + suffix)

    def _old(self, title: str, version: int) -> Path:
        return self._path(title, f".{version}.xhtml", self.folder / ".history")


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
