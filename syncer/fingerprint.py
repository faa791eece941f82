"""A hash of what the doc says for one meeting, independent of how a release renders it.

Stored with each section written, it tells "the doc changed since our last write" apart from
"a new notes-sync renders the same notes differently".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from syncer.model import Meeting


def meeting_fingerprint(meeting: Meeting) -> str:
    data = json.dumps(_plain(meeting), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    """Every field by position, class names included; sets sorted so the hash is stable."""
    if dataclasses.is_dataclass(value):
        fields = (getattr(value, f.name) for f in dataclasses.fields(value))
        return [type(value).__name__, *(_plain(v) for v in fields)]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
