"""A meeting's images, read when its page is compared: each becomes an attachment named by
its bytes (a short hash and the extension), so an unchanged picture keeps its name and is
never uploaded again, and a replaced one is a new file whose new name changes the meeting.

Only the reading of bytes is done through the source (``fetch``): a Google Doc's content
links, a zip export's ``images/``, a link in an HTML export; ``data:`` URIs are read here.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from syncer.errors import MissingImage
from syncer.model import Attachment, Image, Meeting

Fetch = Callable[[str], tuple[bytes, str | None]]  # where → (bytes, media type if known)
# What the bytes start with → (media type, extension): the bytes say what they are.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"BM", "image/bmp", "bmp"),
)
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_EXTENSIONS |= {"image/svg+xml": "svg", "image/bmp": "bmp", "image/tiff": "tif"}


@dataclasses.dataclass
class ImageReader:
    """Reads the images of the meetings it is given, each source once per run."""

    fetch: Fetch
    limit: int  # bytes: a larger image is left out, and said so
    read: dict[str, Attachment | None] = dataclasses.field(default_factory=dict)
    left_out: Counter[str] = dataclasses.field(default_factory=Counter)

    def meetings(self, meetings: Iterable[Meeting]) -> tuple[Meeting, ...]:
        """The meetings with each image named by its bytes (a too large one taken out)."""
        return tuple(_rebuilt(meeting, self._named) for meeting in meetings)

    def attachments(self, meetings: Iterable[Meeting]) -> tuple[Attachment, ...]:
        """The files the (named) meetings' images are stored as, each once."""
        names = {image.name for meeting in meetings for image in _images(meeting) if image.name}
        found = [a for a in self.read.values() if a is not None and a.name in names]
        return tuple(sorted({a.name: a for a in found}.values(), key=lambda a: a.name))

    def notes(self) -> tuple[str, ...]:
        """What the plan says was left out: images too large, images that cannot be had."""
        return tuple(
            f"{count} image{'s' if count != 1 else ''} {why} left out"
            for why, count in sorted(self.left_out.items())
        )

    def _named(self, image: Image) -> Image | None:
        if image.name is not None:
            return image
        if image.source not in self.read:
            self.read[image.source] = self._attachment(image.source)
        found = self.read[image.source]
        if found is None:
            return None
        return dataclasses.replace(image, name=found.name)

    def _attachment(self, source: str) -> Attachment | None:
        """The image's file; None (counted) when it is too large or its export lacks it."""
        try:
            data, declared = _data_uri(source) if source.startswith("data:") else self.fetch(source)
        except MissingImage as missing:
            self.left_out[missing.why] += 1
            return None
        if len(data) > self.limit:
            self.left_out[f"over [target] max_image_mb ({self.limit / 1024 / 1024:g} MB)"] += 1
            return None
        media_type, extension = _kind(data, declared)
        digest = hashlib.sha256(data).hexdigest()[:16]
        return Attachment(f"image-{digest}.{extension}", data, media_type)


def _kind(data: bytes, declared: str | None) -> tuple[str, str]:
    for magic, media_type, extension in _MAGIC:
        if data.startswith(magic):
            return media_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if b"<svg" in data[:512]:
        return "image/svg+xml", "svg"
    media_type = (declared or "application/octet-stream").split(";")[0].strip().lower()
    return media_type, _EXTENSIONS.get(media_type, "bin")


def _data_uri(source: str) -> tuple[bytes, str | None]:
    """The bytes of a ``data:`` URI (an image pasted into an HTML file); a broken one is
    left out, like a file an export lacks."""
    header, _, payload = source.partition(",")
    media_type = header.removeprefix("data:").split(";")[0] or None
    try:
        if header.endswith(";base64"):
            return base64.b64decode("".join(unquote(payload).split()), validate=True), media_type
        return unquote_to_bytes(payload), media_type
    except (binascii.Error, ValueError):
        raise MissingImage(
            "a data: URI that cannot be read", "whose data: URI cannot be read"
        ) from None


def _images(value: Any) -> Iterable[Image]:
    if isinstance(value, Image):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _images(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for found in dataclasses.fields(value):
            yield from _images(getattr(value, found.name))


def _rebuilt(value: Any, named: Callable[[Image], Image | None]) -> Any:
    """``value`` with each image replaced by what ``named`` makes of it (None: taken out);
    parts without images are kept as the same objects."""
    if isinstance(value, tuple):
        items = [_rebuilt(item, named) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return tuple(item for item, old in zip(items, value, strict=True) if _kept(item, old))
    if isinstance(value, Image):
        return named(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            found.name: _rebuilt(getattr(value, found.name), named)
            for found in dataclasses.fields(value)
        }
        changed = {k: v for k, v in changes.items() if v is not getattr(value, k)}
        return dataclasses.replace(value, **changed) if changed else value
    return value


def _kept(item: Any, old: Any) -> bool:
    return not (isinstance(old, Image) and item is None)
