"""Real documents made into notes docs the way a user would: a dated heading in front of
each tab's content (``front``), or just before its first list so that the list's items
become topics (``list``; in front when there is no list)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from tests.fidelity.source_json import tab_parts

ROOT = Path(__file__).parents[1] / "fixtures"
FOLDERS = ("real-docs/*.json", "real-docs/*.html", "google-html-export/*.export.html")
FILES = sorted(path for pattern in FOLDERS for path in ROOT.glob(pattern))
PLACES = ("front", "list")
DATE = "2023-12-20"
HEADING = {
    "paragraph": {
        "elements": [{"textRun": {"content": f"{DATE}\n", "textStyle": {}}}],
        "paragraphStyle": {"namedStyleType": "HEADING_2"},
    }
}
_FIRST_LIST = re.compile(rb"<(ul|ol)[\s>]")


def dated_json(data: bytes, place: str) -> dict[str, Any]:
    raw = json.loads(data)
    for part in tab_parts(raw):
        content = part.setdefault("body", {}).setdefault("content", [])
        at = next((i for i, e in enumerate(content) if "bullet" in e.get("paragraph", {})), 0)
        content.insert(at if place == "list" else 0, copy.deepcopy(HEADING))
    return raw


def dated_html(data: bytes, place: str) -> bytes:
    body = data.index(b">", data.index(b"<body")) + 1
    found = _FIRST_LIST.search(data, body) if place == "list" else None
    at = found.start() if found else body
    return data[:at] + f"<h2>{DATE}</h2>".encode() + data[at:]
