"""Reading files and streams with a size cap: a device such as ``/dev/zero``, a runaway file or
a zip bomb is refused after ``limit`` bytes instead of being read until memory runs out."""

from __future__ import annotations

from pathlib import Path
from typing import IO

MB = 1024 * 1024
CHUNK = MB
# What a notes file (a zip: inflated) may hold unless [source] max_file_mb says otherwise.
DEFAULT_LIMIT = 100 * MB


class TooLarge(Exception):
    """More than ``limit`` bytes were there to read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {size_text(limit)}")
        self.limit = limit


def read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, or ``TooLarge``; never reads more than ``limit`` + 1 bytes."""
    with path.open("rb") as file:
        return read_stream_at_most(file, limit)


def read_stream_at_most(stream: IO[bytes], limit: int) -> bytes:
    """A stream's bytes (a zip member inflating as it is read), or ``TooLarge``."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(CHUNK, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
    return b"".join(chunks)


def size_text(size: int) -> str:
    """``100 MB``, ``64 KB``: sizes as the config keys give them."""
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} bytes"
