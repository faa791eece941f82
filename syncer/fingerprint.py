"""A hash of what the doc says for one meeting, independent of how a release renders it.

Stored with each section written, it tells "the doc changed since our last write" apart from
"a new notes-sync renders the same notes differently". Each form is defined field by field
and pinned by golden tests, so that no refactoring of the model can change a hash unnoticed;
a hash is always checked with the form that made it (the state records which).

- Form 1, the first release's: every value as a list of its class name and its fields in
  their order then. Kept so that state written by that release is still read right.
- Form 2: named fields and the form's number, in a JSON object with sorted keys. A field
  added to the model later is written only where it differs from its default, so a meeting
  that does not use it keeps the hash it had; form 1 leaves such fields out altogether.
- Form 3: form 2 of the meeting with no item ticked. A tick is the page's (``tasks``): the
  doc ticking a task is news the merge carries by itself, never a change of the meeting
  that could make a section someone edited a conflict.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from syncer.model import (
    CODE,
    CodeBlock,
    DateChip,
    FootnoteRef,
    Footnotes,
    Image,
    Inline,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    MeetingBlock,
    Paragraph,
    Rule,
    Table,
    Text,
    Topic,
)

FORM = 3
FORMS = (1, 2, 3)


def meeting_fingerprint(meeting: Meeting, form: int = FORM) -> str:
    """The meeting's hash in one of the ``FORMS``."""
    if form == 1:
        data = json.dumps(_form1_meeting(meeting), separators=(",", ":"), ensure_ascii=False)
    elif form in (2, 3):
        blocks = meeting.blocks if form == 2 else tuple(_unticked(b) for b in meeting.blocks)
        value = {"form": form, "date": meeting.date.isoformat(), "blocks": _blocks(blocks)}
        data = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    else:
        raise ValueError(f"no fingerprint form {form}")
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- forms 2 and 3 ---------------------------------------------------------------------------


def _unticked(block: Any) -> Any:
    """The block with every checklist item not done, what form 3 reads."""
    if isinstance(block, ItemList):
        return replace(block, items=tuple(_unticked(item) for item in block.items))
    if isinstance(block, Item | Topic):
        children = tuple(_unticked(child) for child in block.children)
        return replace(block, done=False, children=children)
    if isinstance(block, Table):
        rows = tuple(tuple(tuple(map(_unticked, cell)) for cell in row) for row in block.rows)
        return replace(block, rows=rows)
    if isinstance(block, Footnotes):
        return replace(block, notes=tuple(tuple(map(_unticked, note)) for note in block.notes))
    return block


def _blocks(blocks: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [_block(block) for block in blocks]


def _block(block: MeetingBlock | Item | Topic) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"paragraph": {"heading": block.heading, "inlines": _inlines(block.inlines)}}
    if isinstance(block, ItemList):
        extra = {"start": block.start, "tasks": block.tasks}
        return {"list": {"ordered": block.ordered, "items": _blocks(block.items), **_set(extra)}}
    if isinstance(block, Table):
        rows = [[_blocks(cell) for cell in row] for row in block.rows]
        spans = [[s.row, s.cell, s.columns, s.rows] for s in block.spans]
        return {"table": {"rows": rows, **_set({"spans": spans})}}
    if isinstance(block, CodeBlock):
        return {"code": block.text}
    if isinstance(block, Rule):
        return {"rule": True}
    if isinstance(block, Footnotes):
        return {"footnotes": [_blocks(note) for note in block.notes]}
    return _item(block)


def _item(item: Item | Topic) -> dict[str, Any]:
    fields = {"inlines": _inlines(item.inlines), "children": _blocks(item.children)}
    fields |= _set({"done": item.done})
    if isinstance(item, Topic):
        return {"topic": {**fields, "tags": list(item.tags), "presenter": item.presenter}}
    return {"item": fields}


_DEFAULTS: dict[str, Any] = {"start": 1, "tasks": False, "spans": [], "done": False}


def _set(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields added after form 2 was pinned, where they are not their default."""
    return {key: value for key, value in fields.items() if value != _DEFAULTS[key]}


def _inlines(inlines: tuple[Inline, ...]) -> list[dict[str, Any]]:
    return [_inline(inline) for inline in inlines]


def _inline(inline: Inline) -> dict[str, Any]:
    if isinstance(inline, Text):
        return {"text": inline.text, "marks": sorted(inline.marks), "link": inline.link}
    if isinstance(inline, DateChip):
        return {"date": inline.date.isoformat(), "display": inline.display}
    if isinstance(inline, FootnoteRef):
        return {"footnote": inline.key}
    if isinstance(inline, Image):
        size = {"width": inline.width, "height": inline.height}
        return {"image": inline.name, "alt": inline.alt, **{k: v for k, v in size.items() if v}}
    return {"break": True}


# --- form 1 ----------------------------------------------------------------------------------


def _form1_meeting(meeting: Meeting) -> list[Any]:
    return ["Meeting", meeting.date.isoformat(), _form1_all(meeting.blocks)]


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
    if any(isinstance(value, _LATER) for value in values):
        values = tuple(_as_first_read(values))
    return [_form1(value) for value in values]


_LATER = (CodeBlock, FootnoteRef, Footnotes, Rule, Image)  # what the first release never read


def _as_first_read(values: tuple[Any, ...]) -> list[Any]:
    """The values as the first release read the same doc: it left out footnotes, rules and
    images,
    read a code block's lines as paragraphs of code, and joined the runs around what it
    left out."""
    out: list[Any] = []
    skipped = False
    for value in values:
        if isinstance(value, CodeBlock):
            lines = (line for line in value.text.split("\n") if line.strip())
            out += [Paragraph((Text(line, frozenset({CODE})),)) for line in lines]
        elif isinstance(value, Text) and skipped and out and _same_look(out[-1], value):
            out[-1] = Text(out[-1].text + value.text, value.marks, value.link)
        elif not isinstance(value, FootnoteRef | Footnotes | Rule | Image):
            out.append(value)
        skipped = isinstance(value, FootnoteRef | Image)
    return out


def _same_look(before: Any, text: Text) -> bool:
    return isinstance(before, Text) and (before.marks, before.link) == (text.marks, text.link)
