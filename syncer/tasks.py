"""Confluence tasks in storage: what each says, who it is assigned to, when it is due, and
whether it is done; and the rule that a tick belongs to whoever ticked it on the page.

Confluence assigns a task to the first user mentioned in its body and takes the first date
(``<time datetime="…"/>``) as its due date (its own template says: "Use @ to assign a user
and // to select a due date"). Its status (``complete``/``incomplete``) is the page's: people
tick tasks in Confluence, so a render of the doc never unticks one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from syncer.reading import reader_form_of
from syncer.xhtml import Node, copied, digest, name_of

_NS = "{urn:confluence:ri}"
_TASK = "{urn:confluence:ac}task"
COMPLETE, INCOMPLETE = "complete", "incomplete"
# How a mention names its user: Cloud an account id, Data Center a user key or a username.
USER_ATTRIBUTES = ("account-id", "userkey", "username")
# What a task's words leave out: dates, nested tasks and notes (a list under it: the index
# shows a task in one line), bookkeeping, editor placeholders.
_UNSHOWN = {"time", "ac:task-list", "ul", "ol", "ac:task-id", "ac:task-status", "ac:placeholder"}
_UNSHOWN.add("")  # text, not an element


@dataclass(frozen=True)
class Task:
    """One task as a reader sees it. ``mention`` is the user it is assigned to, as its first
    mention writes it (the ``ri:user`` attribute, one of ``USER_ATTRIBUTES``, and its value:
    to mention the same user elsewhere in the form the page's Confluence gave it); ``words``
    is its text without the mentions and dates, whitespace collapsed; ``body`` its body's
    reader form, what matches a task across renders."""

    id: str
    done: bool
    words: str
    body: str
    mention: tuple[str, str] | None = None
    due: dt.date | None = None

    @property
    def assignee(self) -> str | None:
        """A Cloud account id, a Data Center user key or username (``by_username``)."""
        return self.mention[1] if self.mention else None

    @property
    def by_username(self) -> bool:
        return self.mention is not None and self.mention[0] == "username"


def tasks_in(nodes: Sequence[Node]) -> list[tuple[Node, Task]]:
    """Every task below ``nodes``, in document order, with the ``ac:task`` element it is."""
    return [(task, _read(task)) for node in nodes for task in node.iter(_TASK)]


def has_tasks(nodes: Sequence[Node]) -> bool:
    """Whether any task is below ``nodes`` (without reading one)."""
    return any(next(node.iter(_TASK), None) is not None for node in nodes)


def keep_ticks(
    page: Sequence[Node], new: Sequence[Node], ticked_in_doc_before: frozenset[str]
) -> list[tuple[Node, bool]]:
    """Give each task of the ``new`` render the status the ``page`` gave it; one the doc
    ticks since the last sync (not in ``ticked_in_doc_before``, what ``ticked`` said of the
    doc then) is complete whatever the page says. A task is the page's same task when its
    body reads the same, or else when it has the same id (a reworded task keeps its place,
    and its tick's history). The page's tasks (``ac:task`` elements) whose status the new
    render changes, each with its new status: what must be written, if anything."""
    on_page = tasks_in(page)
    element = {id(task): node for node, task in on_page}
    key = dict(zip((id(t) for _n, t in on_page), tick_keys([t for _n, t in on_page]), strict=True))
    by_body: dict[str, list[Task]] = {}
    for _node, task in on_page:
        by_body.setdefault(task.body, []).append(task)
    rendered = tasks_in(new)
    changes = []
    matches = _matched(rendered, by_body, {t.id: t for _n, t in on_page})
    for (node, task), old in zip(rendered, matches, strict=True):
        if old is None:
            done = task.done
        else:  # news when the page's task, by the words we last gave it, was not ticked then
            done = old.done or (task.done and key[id(old)] not in ticked_in_doc_before)
        _set_status(node, done)
        if old is not None and old.done != done:
            changes.append((element[id(old)], done))
    return changes


def status_of(task: Node) -> Node | None:
    """A task's ``ac:task-status`` element."""
    return next((part for part in task if name_of(part) == "ac:task-status"), None)


def status_text(done: bool) -> str:
    return f"<ac:task-status>{COMPLETE if done else INCOMPLETE}</ac:task-status>"


def ticked(nodes: Sequence[Node]) -> frozenset[str]:
    """The tasks a render of the doc shows done, by ``tick_keys``: ids are places in the
    meeting (a task added above another moves it to the next id), words are not."""
    found = [task for _node, task in tasks_in(nodes)]
    return frozenset(k for k, task in zip(tick_keys(found), found, strict=True) if task.done)


def tick_keys(tasks: Sequence[Task]) -> list[str]:
    """How the state names each task of a section, in order: by a hash of its words; a
    second task with the same words also by which of them it is."""
    seen: Counter[str] = Counter()
    keys = []
    for task in tasks:
        words = digest(task.body)
        keys.append(f"{words}#{seen[words]}" if seen[words] else words)
        seen[words] += 1
    return keys


def as_ticked(nodes: Sequence[Node], done: Callable[[str], bool]) -> list[Node]:
    """Copies of ``nodes`` with each task's status as ``done`` says of its ``tick_keys``."""
    holder = copied(nodes)
    found = tasks_in(list(holder))
    for (node, _task), key in zip(found, tick_keys([t for _n, t in found]), strict=True):
        _set_status(node, done(key))
    return list(holder)


def _matched(
    rendered: list[tuple[Node, Task]], by_body: dict[str, list[Task]], by_id: dict[str, Task]
) -> list[Task | None]:
    """For each rendered task, the page's task it is (or None: a new task): the same words
    first, all of them, then the same id among the page's tasks left."""
    taken: set[int] = set()
    out: list[Task | None] = []
    for _node, task in rendered:
        same = next((t for t in by_body.get(task.body, []) if id(t) not in taken), None)
        if same is not None:
            taken.add(id(same))
        out.append(same)
    for n, (_node, task) in enumerate(rendered):
        old = by_id.get(task.id)
        if out[n] is None and old is not None and id(old) not in taken:
            taken.add(id(old))
            out[n] = old
    return out


def _read(task: Node) -> Task:
    task_id = status = ""
    body: Node | None = None
    for part in task:
        name = name_of(part)
        if name == "ac:task-id":
            task_id = "".join(part.itertext()).strip()
        elif name == "ac:task-status":
            status = "".join(part.itertext()).strip()
        elif name == "ac:task-body":
            body = part
    if body is None:
        return Task(task_id, status == COMPLETE, "", "")
    return Task(
        task_id,
        status == COMPLETE,
        " ".join(_words(body)).strip(),
        reader_form_of(body),
        _first_mention(body),
        _first_date(body),
    )


def _first_mention(body: Node) -> tuple[str, str] | None:
    for user in body.iter(f"{_NS}user"):
        for attribute in USER_ATTRIBUTES:
            value = user.get(f"{_NS}{attribute}")
            if value:
                return attribute, value
    return None


def _first_date(body: Node) -> dt.date | None:
    for time in body.iter("time"):
        try:
            return dt.date.fromisoformat(str(time.get("datetime", ""))[:10])
        except ValueError:
            continue
    return None


def _words(node: Node) -> Iterator[str]:
    """The text a reader sees, a mention's or date's own markup left out; nested tasks'
    bodies are theirs."""
    if node.text:
        yield from node.text.split()
    for child in node:
        if _shown(child):
            yield from _words(child)
        if child.tail:
            yield from child.tail.split()


def _shown(node: Node) -> bool:
    """Whether a reader sees ``node``'s words as the task's: not a mention, a date, a nested
    task, the task's bookkeeping or an editor's placeholder, which the page does not show
    (a comment or other element is, its words are)."""
    name = name_of(node)
    if name == "ac:link":
        return node.find(f".//{_NS}user") is None
    return name not in _UNSHOWN


def _set_status(task: Node, done: bool) -> None:
    status = status_of(task)
    if status is not None:
        status.text = COMPLETE if done else INCOMPLETE
