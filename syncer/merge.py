"""Rendered meetings + an archive page body → the new body and a decision per meeting.

The page is a hand-kept preamble, then dated sections, newest first. Only sections of meetings
in the doc are touched; everything else is kept as the same raw text. Whether a section may be
replaced is a three-way question, answered per meeting from the state kept with the page (what
we wrote last time), the page now and the doc now:

- the page section is as we left it: it follows the doc (``updated`` or ``unchanged``);
- a person edited it and the doc did not change since: their edit stays (``edited``);
- both changed: ``conflict``, the page's version stays until forced;
- we never wrote it (hand-made history): adopted when identical, else ``unmanaged`` and kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from syncer.dates import read_date
from syncer.render import DEFAULT_HEADING_LEVEL
from syncer.storage import Segment, canonical, digest, heading_level, segments, text_of
from syncer.stores.base import Written

ADDED, UPDATED, UNCHANGED, KEPT = "added", "updated", "unchanged", "kept"
EDITED, CONFLICT, UNMANAGED, UPCOMING = "edited", "conflict", "unmanaged", "upcoming"
# How each status reads in a summary; the short names are what --json reports.
LABELS = {
    ADDED: "added",
    UPDATED: "updated",
    UNCHANGED: "unchanged",
    KEPT: "kept",
    EDITED: "kept (edited in Confluence)",
    CONFLICT: "conflict",
    UNMANAGED: "unmanaged (differs)",
    UPCOMING: "upcoming",
}
_LEADING_HEADING = re.compile(r"\s*<h([1-6])[\s>]")
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


@dataclass(frozen=True)
class Force:
    """The meetings whose doc version may replace what the page has (``--force``)."""

    dates: frozenset[dt.date] = frozenset()
    everything: bool = False

    @classmethod
    def of(cls, values: Iterable[str]) -> Force:
        """From ``--force`` values: ISO dates, or ``all``."""
        values = list(values)
        dates = frozenset(dt.date.fromisoformat(v) for v in values if v != "all")
        return cls(dates, "all" in values)

    def __contains__(self, date: dt.date) -> bool:
        return self.everything or date in self.dates

    def __bool__(self) -> bool:
        return self.everything or bool(self.dates)


@dataclass(frozen=True)
class Rendered:
    """A meeting ready to merge: its storage section and the fingerprint of its doc content."""

    section: str
    doc: str


@dataclass(frozen=True)
class Decision:
    date: dt.date
    status: str
    reason: str = ""


@dataclass(frozen=True)
class Clash:
    """Both sides of a conflict as they are now: the page's section and the doc's."""

    page: str
    doc: str


@dataclass(frozen=True)
class MergeResult:
    """The new body, what happened to each meeting (newest first), and the state to store."""

    body: str
    decisions: tuple[Decision, ...]
    state: Mapping[str, Written] = field(default_factory=dict)
    clashes: Mapping[dt.date, Clash] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(d.status in (ADDED, UPDATED) for d in self.decisions)

    @property
    def settled(self) -> bool:
        """Whether every meeting follows the doc: only then may the doc revision be recorded
        as synced, so a run that skips unchanged revisions never hides a kept section."""
        return not any(d.status in (EDITED, CONFLICT, UNMANAGED) for d in self.decisions)


@dataclass
class _Chunk:
    """A dated section (``date`` set) or other content between sections, as raw text."""

    raw: str
    date: dt.date | None = None


def section_heading_level(body: str, *, day_first: bool = False) -> int:
    """The heading level the page already uses for its dates, so new sections match it."""
    parts = segments(body)
    for index, _ in _date_headings(parts, day_first):
        return heading_level(parts[index])
    return DEFAULT_HEADING_LEVEL


def section_of(body: str, date: dt.date, *, day_first: bool = False) -> str | None:
    """The raw section of one meeting on a page, e.g. from an older version of it."""
    return next((raw for d, raw in dated_sections(body, day_first=day_first) if d == date), None)


def merge_page(
    body: str,
    rendered: Mapping[dt.date, Rendered],
    state: Mapping[str, Written],
    *,
    force: Force = Force(),
    day_first: bool = False,
    version: int = 1,
) -> MergeResult:
    """Replace, insert or keep each dated section; an unchanged page keeps the same string.

    ``version`` is the page version the new body would be saved as, recorded with each
    section written; a section adopted as it stands is held by the version before it."""
    preamble, chunks = _split(body, day_first)
    new_state = dict(state)
    decided: dict[dt.date, Decision] = {}
    clashes: dict[dt.date, Clash] = {}
    for chunk in chunks:
        date = chunk.date
        if date is None or date in decided:
            continue
        if date not in rendered:
            decided[date] = Decision(date, KEPT, "not in the doc")
            continue
        wanted = rendered[date]
        section = _at_level(wanted.section, _leading_level(chunk.raw))
        target = canonical(section)
        status, reason = _decide(canonical(chunk.raw), target, wanted.doc, state, date, force)
        decided[date] = Decision(date, status, reason)
        if status == UPDATED:
            chunk.raw = _replace_keeping_tail(chunk.raw, section)
            new_state[date.isoformat()] = Written(digest(target), wanted.doc, version)
        elif status == UNCHANGED and not _recorded(state, date, target, wanted.doc):
            new_state[date.isoformat()] = Written(digest(target), wanted.doc, version - 1)
        elif status == CONFLICT:
            clashes[date] = Clash(chunk.raw, section)
    pending = []
    for date in sorted((d for d in rendered if d not in decided), reverse=True):
        decided[date] = _missing(date, rendered[date], state.get(date.isoformat()), force)
        if decided[date].status == ADDED:
            pending.append(date)
            new_state[date.isoformat()] = Written(
                digest(canonical(rendered[date].section)), rendered[date].doc, version
            )
        elif decided[date].status == CONFLICT:
            clashes[date] = Clash("", rendered[date].section)
    if not any(d.status in (ADDED, UPDATED) for d in decided.values()):
        new_body = body
    else:
        sections = {date: rendered[date].section for date in pending}
        new_body = preamble + "".join(_interleave(chunks, pending, sections))
    decisions = tuple(decided[d] for d in sorted(decided, reverse=True))
    return MergeResult(new_body, decisions, new_state, clashes)


def _decide(
    current: str,
    target: str,
    doc: str,
    state: Mapping[str, Written],
    date: dt.date,
    force: Force,
) -> tuple[str, str]:
    """The three-way decision for a meeting on the page and in the doc (canonical forms)."""
    ours = state.get(date.isoformat())
    if current == target:
        return UNCHANGED, "page matches the doc" if ours else "hand-made section matches: adopted"
    if ours is None:
        if date in force:
            return UPDATED, "forced over a hand-made section"
        return UNMANAGED, "hand-made section differs from the doc; --force DATE replaces it"
    if digest(current) == ours.page:
        if ours.doc == doc:
            return UPDATED, "rendered anew by this notes-sync release"
        return UPDATED, "changed in the doc"
    if date in force:
        return UPDATED, "forced over an edit made in Confluence"
    if ours.doc == doc:
        return EDITED, "edited in Confluence, unchanged in the doc since the last sync"
    if ours.doc is None:
        return CONFLICT, "edited in Confluence; the doc may have changed (older sync state)"
    return CONFLICT, "edited in Confluence and changed in the doc"


def _recorded(state: Mapping[str, Written], date: dt.date, target: str, doc: str) -> bool:
    ours = state.get(date.isoformat())
    return ours is not None and ours.page == digest(target) and ours.doc == doc


def _missing(date: dt.date, wanted: Rendered, ours: Written | None, force: Force) -> Decision:
    """A doc meeting with no section on the page: new, or one a person removed from the page."""
    if ours is None:
        return Decision(date, ADDED, "new in the doc")
    if date in force:
        return Decision(date, ADDED, "forced back after being removed in Confluence")
    if ours.doc == wanted.doc:
        return Decision(date, EDITED, "removed in Confluence, unchanged in the doc since")
    return Decision(date, CONFLICT, "removed in Confluence and changed in the doc")


def _replace_keeping_tail(raw: str, section: str) -> str:
    return section + (raw[len(raw.rstrip()) :] or "\n")


def _interleave(
    chunks: list[_Chunk], pending: list[dt.date], rendered: Mapping[dt.date, str]
) -> list[str]:
    """Insert new sections (newest first) before the first older one, else after the last,
    ahead of a trailer such as a footer, unless the trailer would then read as part of them."""
    last_section = max((i for i, c in enumerate(chunks) if c.date), default=len(chunks) - 1)
    out: list[str] = []
    queue = list(pending)
    for index, chunk in enumerate(chunks):
        if chunk.date is not None:
            while queue and queue[0] > chunk.date:
                out.append(rendered[queue.pop(0)] + "\n")
        out.append(chunk.raw)
        if index == last_section and _ends_sections(chunks[index + 1 :], queue, rendered):
            out.extend(rendered[date] + "\n" for date in queue)
            queue = []
    out.extend(rendered[date] + "\n" for date in queue)
    return out


def _ends_sections(
    trailer: list[_Chunk], queue: list[dt.date], rendered: Mapping[dt.date, str]
) -> bool:
    """Whether the trailer starts with a heading that ends each queued section."""
    if not trailer or not queue:
        return True
    level = _leading_level(trailer[0].raw)
    return bool(level) and all(level <= _leading_level(rendered[date]) for date in queue)


def _at_level(section: str, level: int) -> str:
    """Our rendered section with its headings shifted so its date heading is at ``level``:
    a section replaced in place keeps the level the page gave it."""
    delta = level - _leading_level(section)
    if not level or not delta:
        return section

    def shift(match: re.Match[str]) -> str:
        new = int(match[1]) + delta
        if new > 6:  # no deeper heading exists: it stays visible without ending the section
            return f"<p><strong>{match[2]}</strong></p>"
        return f"<h{max(1, new)}>{match[2]}</h{max(1, new)}>"

    return _HEADING.sub(shift, section)


def _leading_level(raw: str) -> int:
    match = _LEADING_HEADING.match(raw)
    return int(match.group(1)) if match else 0


def _split(body: str, day_first: bool) -> tuple[str, list[_Chunk]]:
    """The preamble, then chunks: each dated section runs until a heading as high as its own."""
    parts = segments(body)
    dated = dict(_date_headings(parts, day_first))
    first = min(dated, default=len(parts))
    preamble = "".join(part.raw for part in parts[:first])
    chunks: list[_Chunk] = []
    level = 0
    for index in range(first, len(parts)):
        part = parts[index]
        this_level = heading_level(part)
        if index in dated:
            level = this_level
            chunks.append(_Chunk(part.raw, dated[index]))
        elif this_level and this_level <= level:
            level = 0
            chunks.append(_Chunk(part.raw))
        else:
            chunks[-1].raw += part.raw
    return preamble, chunks


def _date_headings(parts: list[Segment], day_first: bool) -> Iterator[tuple[int, dt.date]]:
    """(index, date) of each top-level heading whose whole text is a date."""
    for index, part in enumerate(parts):
        if heading_level(part):
            date = read_date(text_of(part.raw), day_first=day_first)
            if date is not None:
                yield index, date


def dated_sections(body: str, *, day_first: bool = False) -> list[tuple[dt.date, str]]:
    """Each dated section of a page as (date, raw text), in page order: what the index reads."""
    _, chunks = _split(body, day_first)
    return [(chunk.date, chunk.raw) for chunk in chunks if chunk.date is not None]
