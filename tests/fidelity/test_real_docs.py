"""Every real document of the two fixture folders, as a notes doc (issue 12): no traceback,
well-formed storage, every word a reader sees in a meeting kept (or the note naming what it
is part of), and the structure a reader sees kept: list kinds and numbers, merged cells and
no phantom cells, headings' depth, code, rules. The document side is read straight from the
JSON or HTML (``source_json``, ``source_html``), not by the readers under test."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from syncer.images import ImageReader
from syncer.model import Document
from syncer.parse import parse_document
from syncer.render import render_meeting
from syncer.sources.docs_json import read_docs_data
from syncer.sources.html_export import read_html_export
from syncer.xhtml import parse_fragment
from tests.fidelity.page import on_page
from tests.fidelity.placing import FILES, PLACES, dated_html, dated_json
from tests.fidelity.shown import Shown, page_levels
from tests.fidelity.source_html import HtmlSource
from tests.fidelity.source_json import JsonSource

# A note names what a kind of content is part of (the source's kind → a note's words).
NAMED = {
    "image": ("image", "drawing", "chart"),
    "floating": ("floating",),
    "equation": ("equation",),
    "table of contents": ("table of contents",),
    "checklist": ("checklist",),
    "not expose": ("not expose",),
    "comment": ("comment",),
    "page header": ("page header",),
}


def converted(path: Path, place: str) -> tuple[Document, Shown, str]:
    """The document as read, what its meetings show, and their storage."""
    data = path.read_bytes()
    if path.suffix == ".json":
        raw = dated_json(data, place)
        document, shown = read_docs_data(raw, name=path.name), JsonSource(raw).shown
    else:
        dated = dated_html(data, place)
        document, shown = read_html_export(dated, name=path.name), HtmlSource(dated).shown
    images = ImageReader(picture, limit=10 * 1024 * 1024)
    meetings = images.meetings(parse_document(document))
    storage = "\n".join(render_meeting(meeting) for meeting in meetings)
    return document, shown, storage


def picture(where: str) -> tuple[bytes, str | None]:
    """Each image's bytes, as the source would read them (one PNG per place)."""
    return b"\x89PNG\r\n\x1a\n" + where.encode(), None


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_real_doc_comes_over_whole(path: Path, place: str) -> None:
    document, doc, storage = converted(path, place)
    parse_fragment(storage)  # well-formed, or this raises
    page = on_page(storage)
    assert doc.words - page.words == Counter(), "words lost"
    for kind in doc.named:
        assert any(w in note for note in document.omitted for w in NAMED[kind]), kind
    assert page.items == doc.items
    assert (page.spans, page.cells) == (doc.spans, doc.cells)
    assert page.headings == {d: page_levels(levels) for d, levels in doc.headings.items()}
    assert all(any(line in block for block in page.code) for line in doc.code)
    assert page.rules == doc.rules
    assert page.images == doc.images


def test_every_file_of_both_folders_is_tried() -> None:
    names = {path.parent.name for path in FILES}
    assert len(FILES) == 43 and names == {"real-docs", "google-html-export"}
    assert Counter(path.suffix for path in FILES) == {".json": 25, ".html": 18}
