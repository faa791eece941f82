"""Google Docs' HTML export (File > Download > Web page, or Drive's export) → a ``Document``.

Only an export is read: its body carries Docs' own markup (the class ``doc-content``, a
class of its own style sheet, or, in older exports, the page's width and margins in points
as a ``style``). HTML copied from a doc in the browser is refused, saying so: it loses
nested items and tables. ``html_reader`` reads the body.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from bs4 import BeautifulSoup

from syncer.errors import MissingImage, SourceError
from syncer.files import DEFAULT_LIMIT, TooLarge, read_stream_at_most, size_text
from syncer.model import Document, Tab
from syncer.sources.common import PLACEHOLDER_WORDS, omission_notes
from syncer.sources.html_css import ListStyles, class_marks, class_names
from syncer.sources.html_reader import ExportReader

# A Docs export's body has the class "doc-content" (older ones: a class of its own CSS rule).
_DOC_CLASS = re.compile(r"c\d+$")
# The oldest exports set the page on the body: ``max-width:468pt;padding:72pt 72pt 72pt 72pt``.
_PAGE_SIZE = (re.compile(r"max-width:\s*[\d.]+pt"), re.compile(r"padding:\s*[\d.]+pt"))
# What Docs puts on the HTML it gives the clipboard (a copy from the browser).
_CLIPBOARD = re.compile(r"^docs-internal-guid-")
_HOW_TO_EXPORT = (
    "export the doc with File > Download > Web page (.html, zipped), or save its"
    " documents.get response as .json"
)
# What we leave out on purpose, with the words the preview uses (singular, plural).
_OMISSIONS = {
    "cmnt": ("comment", "comments"),
    "div": ("page header or footer", "page headers and footers"),
    "img": ("image", "images"),
    "placeholder": PLACEHOLDER_WORDS,
}


def read_zip_export(
    data: bytes, *, name: str = "export.zip", limit: int = DEFAULT_LIMIT
) -> Document:
    """The zipped export: every HTML file in it (a tab each, in the zip's order), not the
    images. Each is inflated only up to ``limit`` bytes in all, so a zip bomb is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = [info for info in archive.infolist() if _is_page(info)]
            if not pages:
                raise SourceError(f"{name}: the zip holds no .html file (not a Docs export?)")
            documents = [
                read_html_export(html, name=f"{name}: {member}", key=f"{index}:")
                for index, (member, html) in enumerate(_inflated(archive, pages, limit, name))
            ]
    except zipfile.BadZipFile as error:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise SourceError(
                f"{name}: not a zip file (expected Docs' File > Download > Web page)"
            ) from None
        raise SourceError(f"{name}: cannot read the zip: {error}") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as error:
        raise SourceError(f"{name}: cannot read the zip: {error}") from None
    tabs = tuple(tab for document in documents for tab in document.tabs)
    omitted = tuple(note for document in documents for note in document.omitted)
    footnotes = tuple(note for document in documents for note in document.footnotes)
    return Document(tabs, omitted, footnotes=footnotes)


def zip_member(path: Path, member: str, limit: int) -> bytes:
    """One file of a zipped export, by the relative path its HTML gives (``images/image1.png``),
    inflated only up to ``limit`` bytes."""
    wanted = PurePosixPath(unquote(member)).as_posix().lstrip("./")
    try:
        with zipfile.ZipFile(path) as archive:
            info = next((i for i in archive.infolist() if i.filename == wanted), None)
            if info is None:
                raise MissingImage(f"{path}: the zip holds no {wanted} (an image its page shows)")
            if info.file_size > limit:
                raise SourceError(f"{path}: {wanted} is larger than {size_text(limit)}")
            with archive.open(info) as stream:
                return read_stream_at_most(stream, limit)
    except TooLarge:
        raise SourceError(f"{path}: {wanted} inflates to more than {size_text(limit)}") from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as error:
        raise SourceError(f"{path}: cannot read {wanted} from the zip: {error}") from None


def _is_page(info: zipfile.ZipInfo) -> bool:
    """An HTML file, not a folder nor the ``__MACOSX/._x.html`` shadow a Mac zip adds."""
    path = PurePosixPath(info.filename)
    return (
        not info.is_dir()
        and path.suffix.lower() in (".html", ".htm")
        and path.parts[0] != "__MACOSX"
        and not path.name.startswith("._")
    )


def _inflated(
    archive: zipfile.ZipFile, pages: list[zipfile.ZipInfo], limit: int, name: str
) -> Iterator[tuple[str, bytes]]:
    left = limit
    for info in pages:
        try:
            if info.file_size > left:
                raise TooLarge(limit)
            with archive.open(info) as member:
                html = read_stream_at_most(member, left)
        except TooLarge:
            raise SourceError(
                f"{name}: {info.filename} inflates to more than {size_text(limit)}"
                " ([source] max_file_mb): a zip bomb, or a doc larger than the limit"
            ) from None
        left -= len(html)
        yield info.filename, html


def read_html_export(data: bytes, *, name: str = "export.html", key: str = "") -> Document:
    """Read an HTML export; ``name`` (the file) is what errors mention, ``key`` what makes
    its footnotes' ids unique among those of other files read with it."""
    soup = BeautifulSoup(data, "lxml")
    if soup.find(id=_CLIPBOARD):
        raise SourceError(
            f"{name}: HTML copied from a doc in the browser, not an export (a copy loses"
            f" nested items and tables); {_HOW_TO_EXPORT}"
        )
    css = "".join(style.get_text() for style in soup.find_all("style"))
    if soup.body is None or not _is_docs_export(soup, css):
        what = _looks_like(data, soup)
        raise SourceError(f"{name}: not a Google Docs export ({what}); {_HOW_TO_EXPORT}")
    reader = ExportReader(class_marks(css), ListStyles.of(css), key)
    blocks = reader.body(soup.body)
    title = soup.title.get_text(strip=True) if soup.title else ""
    notes = omission_notes(reader.left_out, _OMISSIONS)
    return Document((Tab(title, blocks),), notes, footnotes=tuple(reader.footnotes))


def _is_docs_export(soup: BeautifulSoup, css: str) -> bool:
    """Docs marks its export's body: the class ``doc-content``, a class ``cN`` whose rule is
    in the export's own style sheet, or (the oldest) the page's size as its ``style``."""
    assert soup.body is not None
    classes = soup.body.get_attribute_list("class")
    if "doc-content" in classes:
        return True
    style = soup.body.get("style")
    if isinstance(style, str) and all(size.search(style) for size in _PAGE_SIZE):
        return True
    rules = class_names(css)
    return any(_DOC_CLASS.match(c) and c in rules for c in classes if isinstance(c, str))


def _looks_like(data: bytes, soup: BeautifulSoup) -> str:
    """What the file seems to be instead, in a few words, to point at the broken step."""
    if not data.strip():
        return "an empty file"
    if b"\0" in data[:4096]:
        return "binary data"
    if b"<" not in data:
        return "plain text, not HTML"
    if soup.find("input", attrs={"type": "password"}) or soup.find("form"):
        return "a login or form page"
    return "an HTML page without the Docs markup"
