"""Single configuration values as people write them."""

from pathlib import Path

import pytest

from syncer.settings import values
from syncer.settings.values import At

DOC_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyZ"


@pytest.mark.parametrize(
    "value",
    [
        DOC_ID,
        f"  {DOC_ID}\n",
        f"https://docs.google.com/document/d/{DOC_ID}",
        f"https://docs.google.com/document/d/{DOC_ID}/edit",
        f"https://docs.google.com/document/d/{DOC_ID}/edit#heading=h.3znysh7",
        f"https://docs.google.com/document/d/{DOC_ID}/edit?tab=t.0",
        f"https://docs.google.com/document/u/0/d/{DOC_ID}/",
        f"https://docs.google.com/document/u/1/d/{DOC_ID}/edit",
    ],
)
def test_document_id_takes_an_id_or_the_browser_url(value: str) -> None:
    assert values.document_id(value, At("[source] document", Path())) == DOC_ID


@pytest.mark.parametrize(
    "value",
    [
        "",
        "notes",
        f"https://docs.google.com/spreadsheets/d/{DOC_ID}/edit",
        f"https://evil.example/document/d/{DOC_ID}",
        f"http://docs.google.com/document/d/{DOC_ID}",
        f"https://docs.google.com/document/d/{DOC_ID[:10]}/edit",
        "https://docs.google.com/document/d/../../etc/passwd",
    ],
)
def test_anything_else_is_a_problem_naming_the_key(value: str) -> None:
    at = At("[source] document", Path())
    assert values.document_id(value, at) is None
    (problem,) = at.problems
    assert problem.startswith("[source] document must be a Google Doc ID or a https://")
