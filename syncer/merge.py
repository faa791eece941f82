"""Rendered meetings + an archive page body → the new body and a decision per meeting.

The page is a hand-kept preamble, then dated sections, newest first. Only sections of meetings
in the doc are touched; everything else is kept as the same raw text. A section we wrote before
(its fingerprint is in ``state``) that someone has edited on the page since is a conflict and
is kept, unless forced: the sync never overwrites a person's words without being told to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from syncer.dates import read_date
from syncer.render import DEFAULT_HEADING_LEVEL
from syncer.storage import Segment, canonical, digest, heading_level, segments, text_of

ADDED, UPDATED, UNCHANGED, KEPT, CONFLICT = "added", "updated", "unchanged", "kept", "conflict"
_LEADING_HEADING = re.compile(r"\s*<h([1-6])[\s>]")
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


@dataclass(frozen=True)
class Decision:
    date: dt.date
    status: str


@dataclass(frozen=True)
class MergeResult:
    """The new body, what happened to each meeting (newest first), and the state to store."""

    body: str
    decisions: tuple[Decision, ...]
    state: Mapping[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(d.status in (ADDED, UPDATED) for d in self.decisions)


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


def merge_page(
    body: str,
    rendered: Mapping[dt.date, str],
    state: Mapping[str, str],
    *,
    force: bool = False,
    day_first: bool = False,
) -> MergeResult:
    """Replace, insert or keep each dated section; an unchanged page keeps the same string."""
    preamble, chunks = _split(body, day_first)
    wanted = {date: canonical(section) for date, section in rendered.items()}
    new_state = dict(state)
    statuses: dict[dt.date, str] = {}
    for chunk in chunks:
        if chunk.date is None or chunk.date in statuses:
            continue
        if chunk.date not in rendered:
            statuses[chunk.date] = KEPT
            continue
        section = _at_level(rendered[chunk.date], _leading_level(chunk.raw))
        if section != rendered[chunk.date]:
            wanted[chunk.date] = canonical(section)
        status = _compare(chunk, wanted[chunk.date], state, force)
        statuses[chunk.date] = status
        if status == UPDATED:
            chunk.raw = _replace_keeping_tail(chunk.raw, section)
    pending = sorted((d for d in rendered if d not in statuses), reverse=True)
    statuses.update(dict.fromkeys(pending, ADDED))
    for date in rendered:
        if statuses[date] != CONFLICT:
            new_state[date.isoformat()] = digest(wanted[date])
    if not any(status in (ADDED, UPDATED) for status in statuses.values()):
        new_body = body
    else:
        new_body = preamble + "".join(_interleave(chunks, pending, rendered))
    decisions = tuple(Decision(d, statuses[d]) for d in sorted(statuses, reverse=True))
    return MergeResult(new_body, decisions, new_state)


def _compare(chunk: _Chunk, wanted: str, state: Mapping[str, str], force: bool) -> str:
    """``wanted`` is the canonical form of the section we would write."""
    current = canonical(chunk.raw)
    if current == wanted:
        return UNCHANGED
    written = state.get(chunk.date.isoformat())
    if written and not force and digest(current) != written:
        return CONFLICT
    return UPDATED


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
