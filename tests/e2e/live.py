"""Helpers of the end-to-end tests against the fake Google and Confluence."""

import copy
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


def with_images(*shown: tuple[str, str]) -> dict:
    """The example doc with an image (by its link) at the end of each bullet that starts
    with the given words, as the Docs API gives an inline image."""
    doc = copy.deepcopy(EXAMPLE)
    tab = doc["tabs"][0]["documentTab"]
    objects = tab.setdefault("inlineObjects", {})
    for number, (words, link) in enumerate(shown, 1):
        paragraph = next(
            block["paragraph"]
            for block in tab["body"]["content"]
            if "paragraph" in block
            and block["paragraph"]["elements"][0]
            .get("textRun", {})
            .get("content", "")
            .startswith(words)
        )
        object_id = f"kix.image{number}"
        last = paragraph["elements"][-1]
        last["textRun"]["content"] = last["textRun"]["content"].rstrip("\n") + " "
        paragraph["elements"] += [
            {"inlineObjectElement": {"inlineObjectId": object_id, "textStyle": {}}},
            {"textRun": {"content": "\n", "textStyle": {}}},
        ]
        objects[object_id] = {
            "objectId": object_id,
            "inlineObjectProperties": {
                "embeddedObject": {
                    "title": f"picture {number}",
                    "imageProperties": {"contentUri": link, "cropProperties": {}},
                    "size": {
                        "width": {"magnitude": 300, "unit": "PT"},
                        "height": {"magnitude": 150, "unit": "PT"},
                    },
                }
            },
        }
    return doc
