"""Helpers of the end-to-end tests against the fake Google and Confluence."""

import json
from pathlib import Path

from syncer import cli

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "arch-hours-notes.json").read_text())
DOC_ID = EXAMPLE["documentId"]
TITLE = "Arch Hours: 2023"
HOME = "1000"


def sync(config: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["sync", "--config", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def the_page(confluence) -> object:
    (page,) = [p for p in confluence.pages.values() if p.title == TITLE]
    return page


def edit_doc(google, old: str, new: str) -> None:
    google.edit(DOC_ID, json.loads(json.dumps(EXAMPLE).replace(old, new)))


def writes(confluence) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in confluence.requests if m in ("PUT", "POST")]
