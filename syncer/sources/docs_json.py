"""A Google Docs ``documents.get`` response → a ``Document``.

The JSON is read as the Docs API sends it, with or without ``includeTabsContent``, and as if
every open suggestion were rejected: the archive only ever shows text the authors agreed on.
Content that cannot be carried over (images, drawings, equations, headers and footers) is
counted, so the preview can say what is missing instead of losing it silently.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from syncer.errors import SourceError
from syncer.model import Document, Footnote, Tab
from syncer.sources.common import PLACEHOLDER_WORDS, omission_notes
from syncer.sources.docs_tab import TabReader

Json = dict[str, Any]

# What we leave out on purpose, with the words the preview uses (singular, plural).
_OMISSIONS = {
    "image": ("image (inline object)", "images (inline objects)"),
    "drawing": (
        "drawing (the Docs API gives no drawing's content)",
        "drawings (the Docs API gives no drawing's content)",
    ),
    "chart": ("chart (linked from Sheets)", "charts (linked from Sheets)"),
    "floating image": (
        "floating image (positioned object)",
        "floating images (positioned objects)",
    ),
    "floating drawing": (
        "floating drawing (the Docs API gives no drawing's content)",
        "floating drawings (the Docs API gives no drawing's content)",
    ),
    "equation": ("equation", "equations"),
    "toc": (
        "table of contents (its headings are kept)",
        "tables of contents (their headings are kept)",
    ),
    "margin": ("page header or footer", "page headers and footers"),
    "placeholder": PLACEHOLDER_WORDS,
}


def read_docs_json(data: bytes, *, name: str = "document") -> Document:
    """Read a saved ``documents.get`` response; ``name`` (the file) is what errors mention."""
    with _no_cycle_collection():
        return read_docs_data(_decode(data, name), name=name)


def read_docs_data(raw: Json, *, name: str = "document") -> Document:
    """Read a ``documents.get`` response as the API client decoded it."""
    if not isinstance(raw, dict) or not ("body" in raw or "tabs" in raw):
        raise SourceError(
            f"{name}: not a Google Docs document (no 'body' or 'tabs'; "
            "expected a saved documents.get response)"
        )
    with _no_cycle_collection():
        try:
            return _read(raw)
        except (AttributeError, TypeError) as error:  # a field of the wrong JSON type
            raise SourceError(f"{name}: unexpected Google Docs JSON structure ({error})") from None


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The decoded JSON and the model are trees: no cycles for the collector to find, yet on a
    large doc its full passes over millions of fresh objects cost as much as the reading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as error:  # also covers bytes that are not UTF-8
        raise SourceError(f"{name}: not a JSON file ({error})") from None
    except RecursionError:
        raise SourceError(f"{name}: not a Google Docs document (JSON nested too deep)") from None


def _read(raw: Json) -> Document:
    left_out: Counter[str] = Counter()
    tabs: list[Tab] = []
    footnotes: list[Footnote] = []
    for index, (title, part) in enumerate(_parts(raw)):
        reader = TabReader(part, f"{index}:", left_out)
        tabs.append(Tab(title, reader.blocks(_content(part))))
        footnotes += reader.footnotes()
        reader.count_margins()
    revision = raw.get("revisionId")
    checklist = left_out.pop("checklist", 0)
    notes = omission_notes(left_out, _OMISSIONS) + _checklist_note(checklist)
    return Document(
        tuple(tabs), notes, revision if isinstance(revision, str) else None, tuple(footnotes)
    )


def _checklist_note(items: int) -> tuple[str, ...]:
    if not items:
        return ()
    what = "checklist item" if items == 1 else "checklist items"
    return (f"{items} {what} read as not done: the Docs API does not say which are checked",)


def _parts(raw: Json) -> Iterator[tuple[str, Json]]:
    """(title, part holding ``body`` and ``lists``) per tab; an untabbed doc is one tab."""
    if "tabs" in raw:
        yield from _flatten(raw["tabs"] or [])
    else:
        yield raw.get("title") or "", raw


def _flatten(tabs: list[Json]) -> Iterator[tuple[str, Json]]:
    """Tabs in reading order: each parent, then its child tabs."""
    for tab in tabs:
        yield (tab.get("tabProperties") or {}).get("title") or "", tab.get("documentTab") or {}
        yield from _flatten(tab.get("childTabs") or [])


def _content(part: Json) -> list[Json]:
    return (part.get("body") or {}).get("content") or []
