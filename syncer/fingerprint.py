"""A hash of what the doc says for one meeting, independent of how a release renders it.

Stored with each section written, it tells "the doc changed since our last write" apart from
"a new notes-sync renders the same notes differently". Each form is defined field by field
and pinned by golden tests, so that no refactoring of the model can change a hash unnoticed;
a hash is always checked with the form that made it (the state records which).

- Form 1, the first release's: every value as a list of its class name and its fields in
  their order then. Kept so that state written by that release is still read right.
- Form 2: named fields and the form's number, in a JSON object with sorted keys.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from syncer.model import (
    DateChip,
    Inline,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    MeetingBlock,
    Paragraph,
    Table,
    Text,
    Topic,
)

FORM = 2
FORMS = (1, 2)


def meeting_fingerprint(meeting: Meeting, form: int = FORM) -> str:
    """The meeting's hash in one of the ``FORMS``."""
    if form == 1:
        data = json.dumps(_form1_meeting(meeting), separators=(",", ":"), ensure_ascii=False)
    elif form == 2:
        value = {"form": 2, "date": meeting.date.isoformat(), "blocks": _blocks(meeting.blocks)}
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    else:
        raise ValueError(f"no fingerprint form {form}")
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- form 2 ----------------------------------------------------------------------------------


def _blocks(blocks: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [_block(block) for block in blocks]


def _block(block: MeetingBlock | Item | Topic) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"paragraph": {"heading": block.heading, "inlines": _inlines(block.inlines)}}
    if isinstance(block, ItemList):
        return {"list": {"ordered": block.ordered, "items": _blocks(block.items)}}
    if isinstance(block, Table):
        rows = [[_blocks(cell) for cell in row] for row in block.rows]
        return {"table": {"rows": rows}}
    item = {"inlines": _inlines(block.inlines), "children": _blocks(block.children)}
    if isinstance(block, Topic):
        return {"topic": {**item, "tags": list(block.tags), "presenter": block.presenter}}
    return {"item": item}


def _inlines(inlines: tuple[Inline, ...]) -> list[dict[str, Any]]:
    return [_inline(inline) for inline in inlines]


def _inline(inline: Inline) -> dict[str, Any]:
    if isinstance(inline, Text):
        return {"text": inline.text, "marks": sorted(inline.marks), "link": inline.link}
    if isinstance(inline, DateChip):
        return {"date": inline.date.isoformat(), "display": inline.display}
    return {"break": True}


# --- form 1 ----------------------------------------------------------------------------------


def _form1_meeting(meeting: Meeting) -> list[Any]:
    return ["Meeting", meeting.date.isoformat(), [_form1(block) for block in meeting.blocks]]


def _form1(value: Any) -> Any:
    """The first release's projection: ``[class name, *fields in their order then]``."""
    if isinstance(value, Paragraph):
        return ["Paragraph", _form1_all(value.inlines), value.heading]
    if isinstance(value, ItemList):
        return ["ItemList", _form1_all(value.items), value.ordered]
    if isinstance(value, Table):
        return ["Table", [[_form1_all(cell) for cell in row] for row in value.rows]]
    if isinstance(value, Topic):
        children = _form1_all(value.children)
        return ["Topic", _form1_all(value.inlines), children, list(value.tags), value.presenter]
    if isinstance(value, Item):
        return ["Item", _form1_all(value.inlines), _form1_all(value.children)]
    if isinstance(value, Text):
        return ["Text", value.text, sorted(value.marks), value.link]
    if isinstance(value, DateChip):
        return ["DateChip", value.date.isoformat(), value.display]
    if isinstance(value, LineBreak):
        return ["LineBreak"]
    raise TypeError(f"no form 1 for {type(value).__name__}")


def _form1_all(values: tuple[Any, ...]) -> list[Any]:
    return [_form1(value) for value in values]
