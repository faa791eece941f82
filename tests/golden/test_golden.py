"""Golden fixtures: a notes file → the storage sections we expect, compared as parsed XML.

Each input ``NAME.json|html|zip`` here has ``NAME.expected.xhtml`` (every meeting rendered, in
document order) and ``NAME.omitted.txt`` (what the preview says was left out). After a
deliberate change, regenerate with ``SYNCER_UPDATE_GOLDEN=1 python -m pytest tests/golden``
and read the diff before committing it.
"""

import os
from pathlib import Path

import pytest

from syncer.parse import ParseOptions, parse_document
from syncer.render import render_meeting
from syncer.sources import read_file
from syncer.storage import canonical

HERE = Path(__file__).parent
INPUTS = sorted(p for p in HERE.iterdir() if p.suffix in (".json", ".html", ".zip"))
UPDATE = os.environ.get("SYNCER_UPDATE_GOLDEN") == "1"


def sections(path: Path) -> tuple[str, str]:
    document = read_file(path)
    meetings = parse_document(document, ParseOptions())
    body = "\n".join(render_meeting(meeting) for meeting in meetings) + "\n"
    return body, "".join(f"{note}\n" for note in document.omitted)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_a_notes_file_renders_to_its_golden_storage(source):
    body, omitted = sections(source)
    expected_body = source.with_suffix(".expected.xhtml")
    expected_omitted = source.with_suffix(".omitted.txt")
    if UPDATE:
        expected_body.write_text(body, encoding="utf-8")
        expected_omitted.write_text(omitted, encoding="utf-8")
    assert canonical(body) == canonical(expected_body.read_text(encoding="utf-8"))
    assert omitted == expected_omitted.read_text(encoding="utf-8")


def test_there_are_golden_inputs_of_each_kind():
    assert {p.suffix for p in INPUTS} >= {".json", ".html", ".zip"}
