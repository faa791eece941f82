"""Which notes are action items, so that they become Confluence tasks.

A doc's checklist items always are. People also write follow-ups as plain bullets ("Dave to
make an issue", "Jeremy will see if…", "TODO: book the room"): with ``[meetings]
action_items = "detect"`` those become tasks too. A bullet reads as one when it starts with a
name ``[people]`` knows (or a person chip) followed by "to" or "will", or with one of the
prefixes; the prefix is taken off, since the task's box now says what it said.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from syncer.model import BodyBlock, Inline, Item, ItemList, Text, Topic, is_person_chip

DEFAULT_PREFIXES = ("AI:", "TODO", "[action]")
_PROMISE = re.compile(r"\s+(?:to|will)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ActionItems:
    """How to find action items: ``detect`` also reads plain bullets (else only checklists
    are tasks), by their ``prefixes`` or by a known name (``names``, as ``person_key``s)."""

    detect: bool = False
    prefixes: tuple[str, ...] = DEFAULT_PREFIXES
    names: frozenset[str] = field(default_factory=frozenset)

    def as_task(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...] | None:
        """A bullet's text as a task's (its prefix taken off), or None when it is no action
        item."""
        first = inlines[0] if inlines else None
        if not isinstance(first, Text):
            return None
        if is_person_chip(first):
            rest = inlines[1] if len(inlines) > 1 else None
            promised = isinstance(rest, Text) and not rest.link and _PROMISE.match(rest.text)
            return inlines if promised else None
        if first.link:
            return None
        prefix = _prefix(first.text, self.prefixes)
        if prefix:
            left = first.text[prefix.end() :]
            return (Text(left, first.marks), *inlines[1:]) if left else inlines[1:] or None
        named = name_at_start(first.text, self.names)
        return inlines if named and _PROMISE.match(first.text, named.end()) else None


def name_at_start(text: str, names: frozenset[str]) -> re.Match[str] | None:
    """The longest of ``names`` (``person_key``s) that ``text`` starts with, as a whole word,
    ignoring case and spacing."""
    return _names_pattern(names).match(text) if names else None


def with_tasks(blocks: Iterable[BodyBlock], rules: ActionItems) -> tuple[BodyBlock, ...]:
    """The blocks with every list's action items as checklist items: a list splits where
    its items turn from notes to action items and back (a numbered list numbering on)."""
    if not rules.detect:
        return tuple(blocks)
    out: list[BodyBlock] = []
    for block in blocks:
        out.extend(_split(block, rules) if isinstance(block, ItemList) else (block,))
    return tuple(out)


def _split(block: ItemList, rules: ActionItems) -> list[ItemList]:
    runs: list[tuple[bool, list[Item | Topic]]] = []
    for item in block.items:
        children = tuple(part for child in item.children for part in _split(child, rules))
        task = None if block.tasks or _tagged(item) else rules.as_task(item.inlines)
        item = replace(item, inlines=task or item.inlines, children=children)
        if runs and runs[-1][0] == (task is not None):
            runs[-1][1].append(item)
        else:
            runs.append((task is not None, [item]))
    lists, number = [], block.start
    for is_task, items in runs:
        if is_task:
            lists.append(ItemList(tuple(items), tasks=True))
        else:
            start = number if block.ordered else block.start
            lists.append(ItemList(tuple(items), block.ordered, start, block.tasks))
        number += len(items)
    return lists


def _tagged(item: Item | Topic) -> bool:
    """A topic with intents is a topic, whatever its words say."""
    return isinstance(item, Topic) and bool(item.tags)


def _prefix(text: str, prefixes: tuple[str, ...]) -> re.Match[str] | None:
    for prefix in prefixes:
        # A prefix ending in a letter must end a word there ("TODO", not "TODOs").
        edge = r"(?!\w)" if prefix[-1:].isalnum() else ""
        found = re.match(rf"\s*{re.escape(prefix)}{edge}[\s:–—-]*", text, re.IGNORECASE)
        if found:
            return found
    return None


@functools.lru_cache(maxsize=8)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    spelled = (r"\s+".join(map(re.escape, name.split())) for name in names)
    longest_first = sorted(spelled, key=len, reverse=True)
    return re.compile(rf"\s*@?(?:{'|'.join(longest_first)})(?!\w)", re.IGNORECASE)
