"""What a run decides for each meeting and each page: one type each, with what they mean.

The members' values are the short names ``--json`` reports; their order is the order in which
summaries count them.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """What happens to one meeting: ``label`` is how summaries say it; ``writes``, whether the
    page is written for it; ``unsettled``, whether the page keeps something the doc does not
    say (then the doc's revision is not recorded as synced, so the next run looks again);
    ``listed``, whether a run that writes lists it one line each (the others are counted)."""

    label: str
    writes: bool
    unsettled: bool
    listed: bool

    def __new__(cls, value: str, label: str, writes: bool, unsettled: bool) -> Status:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.writes = writes
        member.unsettled = unsettled
        member.listed = value not in ("unchanged", "kept")
        return member

    #          value        label                          writes unsettled
    ADDED = ("added", "added", True, False)
    UPDATED = ("updated", "updated", True, False)
    CONFLICT = ("conflict", "conflict", False, True)
    EDITED = ("edited", "kept (edited in Confluence)", False, True)
    UNMANAGED = ("unmanaged", "unmanaged (differs)", False, True)
    UPCOMING = ("upcoming", "upcoming", False, False)
    UNCHANGED = ("unchanged", "unchanged", False, False)
    KEPT = ("kept", "kept", False, False)


class PageAction(StrEnum):
    """What a run does to one page."""

    CREATE = "create"
    UPDATE = "update"
    NONE = "none"
    BLOCKED = "blocked"  # it could not be written safely: nothing is
