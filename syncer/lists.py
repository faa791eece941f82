"""Flat list items → nested lists, each of one kind, numbered as Google shows them.

Sources give list items flat, each with its level, its kind, the list it belongs to and the
number it shows. A list here is a run of siblings of one kind from one source list whose
numbers follow each other: where the kind, the list or the numbering changes, the next list
starts, at the top of a meeting as under an item (a bulleted list and a numbered one under
one topic are two lists, as in the doc).
"""

from __future__ import annotations

from collections.abc import Sequence

from syncer.model import Item, ItemList, ListItem


def nested_lists(run: Sequence[ListItem]) -> tuple[ItemList, ...]:
    """The lists a run of flat items makes; a level deeper than one step nests one step."""
    return _lists(run, 0)


def _lists(run: Sequence[ListItem], depth: int) -> tuple[ItemList, ...]:
    lists: list[ItemList] = []
    group: list[tuple[ListItem, Item]] = []
    start = 0
    while start < len(run):
        end = start + 1
        while end < len(run) and run[end].level > depth:
            end += 1
        head = run[start]
        if group and not _continues(group[-1][0], head):
            lists.append(_list(group))
            group = []
        children = _lists(run[start + 1 : end], depth + 1) if end > start + 1 else ()
        group.append((head, Item(head.inlines, children, head.checked is True)))
        start = end
    if group:
        lists.append(_list(group))
    return tuple(lists)


def _continues(before: ListItem, item: ListItem) -> bool:
    """Whether ``item`` is the next sibling of ``before`` in the same list."""
    same_kind = (before.ordered, before.checked is None) == (item.ordered, item.checked is None)
    numbered_on = not (before.number and item.number) or item.number == before.number + 1
    return same_kind and before.list_id == item.list_id and (numbered_on or not item.ordered)


def _list(group: list[tuple[ListItem, Item]]) -> ItemList:
    first = group[0][0]
    start = first.number if first.ordered and first.number > 0 else 1
    items = tuple(item for _, item in group)
    return ItemList(items, first.ordered, start, tasks=first.checked is not None)
