"""Golden fixtures: a notes file → the storage sections we expect, compared as parsed XML.

Each input ``NAME.json|zip`` here, and each real HTML export of ``tests/fixtures`` given a
dated heading (``HTML_CASES``), has ``NAME.expected.xhtml`` (every meeting rendered, in
document order) and ``NAME.omitted.txt`` (what the preview says was left out). After a
deliberate change, regenerate with ``SYNCER_UPDATE_GOLDEN=1 python -m pytest tests/golden``
and read the diff before committing it.
"""

import os
from pathlib import Path

import pytest

from syncer.images import ImageReader
from syncer.parse import ParseOptions, parse_document
from syncer.reading import reader_form_text
from syncer.render import render_meeting
from syncer.settings import FileSettings
from syncer.source import FileSource
from syncer.sources import read_file

HERE = Path(__file__).parent
EXPORTS = HERE.parent / "fixtures" / "google-html-export"
UPDATE = os.environ.get("SYNCER_UPDATE_GOLDEN") == "1"
# golden name → (real export, the dated heading put at the top of its body)
HTML_CASES = {
    "html-lists": ("lists", '<h2 class="c9" id="h.x1"><span>December 20, 2023</span></h2>'),
    "html-inline-formatting": ("inline-formatting", '<p class="c2"><span>12/20/2023</span></p>'),
    "html-tables": ("tables", '<h1 id="h.x2"><span>2023-12-20</span></h1>'),
    "html-suggestions": ("suggestions", '<h3 id="h.x3"><span>Wed, Dec 20, 2023</span></h3>'),
    "html-linebreaks": (
        "linebreaks-at-the-end-of-links",
        '<h2 id="h.x4"><span>2023-12-20</span></h2>',
    ),
}


def dated_export(name: str, tmp: Path) -> Path:
    """A real export with its dated heading written in, so that it holds one meeting."""
    export, heading = HTML_CASES[name]
    html = (EXPORTS / f"{export}.export.html").read_text(encoding="utf-8")
    body = html.index(">", html.index("<body")) + 1
    path = tmp / f"{name}.html"
    path.write_text(html[:body] + heading + html[body:], encoding="utf-8")
    return path


INPUTS = sorted(p for p in HERE.iterdir() if p.suffix in (".json", ".zip")) + [
    Path(f"{name}.html") for name in HTML_CASES
]


def sections(path: Path) -> tuple[str, str]:
    """Every meeting of the file rendered, its images read as a sync reads them (a zip's
    from the zip, a data: URI's from itself), and the notes of what was left out."""
    document = read_file(path)
    images = ImageReader(FileSource(FileSettings(path)).image, limit=10 * 1024 * 1024)
    meetings = images.meetings(parse_document(document, ParseOptions()))
    body = "\n".join(render_meeting(meeting) for meeting in meetings) + "\n"
    notes = (*document.omitted, *images.notes())
    return body, "".join(f"{note}\n" for note in notes)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_a_notes_file_renders_to_its_golden_storage(source, tmp_path):
    if source.suffix == ".html":
        source = dated_export(source.stem, tmp_path)
    body, omitted = sections(source)
    expected_body = HERE / f"{source.stem}.expected.xhtml"
    expected_omitted = HERE / f"{source.stem}.omitted.txt"
    if UPDATE:
        expected_body.write_text(body, encoding="utf-8")
        expected_omitted.write_text(omitted, encoding="utf-8")
    assert reader_form_text(body) == reader_form_text(expected_body.read_text(encoding="utf-8"))
    assert omitted == expected_omitted.read_text(encoding="utf-8")


def test_there_are_golden_inputs_of_each_kind():
    assert {p.suffix for p in INPUTS} >= {".json", ".html", ".zip"}
    assert all((HERE / f"{p.stem}.expected.xhtml").exists() for p in INPUTS)
