"""What an attack case sets up and what it expects, and builders for the files it uses.

Nothing here imports ``syncer`` beyond the CLI entry point and the local store's ``find``
(both as old as the product), so ``bench/attack_totals.py`` can replay every case against an
older release and count what it got wrong.
"""

from __future__ import annotations

import contextlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = dict[str, Any]
TITLE = "Arch Hours: 2023"
CONFIG = "sync.toml"


@dataclass(frozen=True)
class Scene:
    """One run of ``syncer`` and what must hold afterwards.

    ``expect``: the exit code; ``says``: text the run's output must hold (for a failure, its
    one error line); ``words``: what must be on the archive pages afterwards; ``secrets``:
    what no output may hold; ``check``: other
    problems to look for in the folder; ``hook``: a context in which the run happens (a
    person saving the page meanwhile, a second run starting)."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    expect: int = 0
    says: str = ""
    words: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    pages: Callable[[], str] | None = None
    check: Callable[[], list[str]] | None = None
    hook: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext


@dataclass(frozen=True)
class Case:
    """A named attack: ``build(folder)`` sets it up (servers included) for as long as the
    ``with`` lasts, and yields its scene."""

    name: str
    group: str
    build: Callable[[Path], contextlib.AbstractContextManager[Scene]]


def archived(folder: Path) -> Callable[[], str]:
    """Every page body of the ``file:`` archive in ``folder``, read after the run."""

    def pages() -> str:
        return "\n".join(
            p.read_text("utf-8", "replace") for p in (folder / "archive").glob("*.xhtml")
        )

    return pages


# --- configs ---------------------------------------------------------------------------------


def config(
    folder: Path,
    source: str = 'file = "notes.json"',
    target: str = 'url = "file:archive"',
    extra: str = "",
    title: str = "Arch Hours: {year}",
) -> Path:
    path = folder / CONFIG
    path.write_text(
        f'[source]\n{source}\n[target]\n{target}\nspace = "ARCH"\ntitle = "{title}"\n{extra}\n',
        encoding="utf-8",
    )
    return path


def sync(folder: Path, *flags: str, command: str = "sync") -> list[str]:
    return [command, "--config", str(folder / CONFIG), *flags]


# --- Docs JSON -------------------------------------------------------------------------------


def heading(text: str, level: int = 2) -> Json:
    return _paragraph(text, f"HEADING_{level}")


def para(text: str) -> Json:
    return _paragraph(text, "NORMAL_TEXT")


def topic(text: str, level: int | object = 0) -> Json:
    element = _paragraph(text, "NORMAL_TEXT")
    element["paragraph"]["bullet"] = {"listId": "kix.b", "nestingLevel": level}
    return element


def _paragraph(text: str, style: str) -> Json:
    run = {"textRun": {"content": f"{text}\n", "textStyle": {}}}
    return {"paragraph": {"elements": [run], "paragraphStyle": {"namedStyleType": style}}}


def docs_json(*content: Json, revision: str = "r1") -> bytes:
    """A ``documents.get`` answer (untabbed) holding these paragraphs."""
    levels = [{"glyphSymbol": "●"}] * 9
    doc = {
        "documentId": "1AttackNotesDocAttackNotesDoc0123456789",
        "title": "Arch Hours notes",
        "revisionId": revision,
        "body": {"content": [{"sectionBreak": {}}, *content]},
        "lists": {"kix.b": {"listProperties": {"nestingLevels": levels}}},
    }
    return json.dumps(doc).encode()


def meetings(*topics: str, date: str = "2023-12-20") -> bytes:
    return docs_json(heading(date), *(topic(t) for t in topics))


# --- HTML exports ----------------------------------------------------------------------------


def export_html(body: str, title: str = "Arch Hours notes") -> bytes:
    """An HTML export as Docs writes it: one line, its content-type meta, a doc-content body."""
    return (
        '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
        f'<title>{title}</title><style type="text/css">.c1{{font-weight:700}}</style></head>'
        f'<body class="c2 doc-content">{body}</body></html>'
    ).encode()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(inflated: int, name: str = "notes.html") -> bytes:
    """A zip whose one page inflates to ``inflated`` bytes (a multiple of 1 MB) of zeros,
    built in a moment: after a full flush, deflate writes each megabyte of zeros as the same
    bytes, so one compressed megabyte is repeated (and its CRC computed the same way)."""
    chunk = b"\0" * (1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = inflated // len(chunk)
    data = first + again * (count - 1) + compressor.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    encoded = name.encode()
    fields = struct.pack("<HHHHIII", 0, 8, 0, 0x21, crc, len(data), count * len(chunk))
    local = struct.pack("<IH", 0x04034B50, 20) + fields + struct.pack("<HH", len(encoded), 0)
    central = (
        struct.pack("<IHH", 0x02014B50, 20, 20)
        + fields
        + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0)
        + encoded
    )
    offset = len(local) + len(encoded) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), offset, 0)
    return local + encoded + data + central + end


@contextlib.contextmanager
def files(folder: Path, notes: bytes | None = None, name: str = "notes.json") -> Iterator[Path]:
    """The notes file in ``folder`` (when given), for a case to build on."""
    if notes is not None:
        (folder / name).write_bytes(notes)
    yield folder
