"""The topic index: one page that lists every topic of every year page, newest first, and
then every action item (a Confluence task) of theirs that is not done yet.

It is built from the year pages as they are (hand-made history included), not from the doc,
so it always lists what the archive holds. Everything here is pure; the run (``sync``) reads
the year pages and writes the index page only when its content would change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from syncer.model import plain_text
from syncer.page_view import PageView, heading_text
from syncer.parse import ParseOptions, read_topic
from syncer.render import NOBODY, People, status_macro
from syncer.tasks import tasks_in
from syncer.xhtml import Node, parse_fragment
from syncer.xml_text import escape

TOPIC_LENGTH = 120
INTRO = (
    "<p>Every topic of the archive pages, newest first: select a column heading to sort by it."
    " notes-sync rebuilds this page from the archive pages whenever one of them changes, so"
    " edits made here do not last.</p>\n"
)
ACTION_ITEMS = "Open action items"
NO_ACTION_ITEMS = "No open action items."
_AC = "urn:confluence:ac"
_RI = "urn:confluence:ri"
_SKIPPED = {"ul", "ol", "table", "structured-macro", "task-list", "image", "emoticon"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
_LEADING_NOISE = re.compile(r"^(?:[\s:–—-]|\(\s*\)|\[\s*\])+")  # "(Dave): …", "() - …"


@dataclass(frozen=True)
class Row:
    """One topic as the index lists it. ``anchor`` is its section heading's text, which is
    what a link to that heading names."""

    date: dt.date
    page: str
    anchor: str
    intents: tuple[str, ...]
    presenter: str
    topic: str


@dataclass(frozen=True)
class ActionItem:
    """One open task as the index lists it: its meeting (date, page and the section heading's
    text, as for a topic), who it is assigned to as the task mentions them (the ``ri:user``
    attribute and its value), its due date and its words, shortened like a topic."""

    date: dt.date
    page: str
    anchor: str
    assignee: tuple[str, str] | None
    due: dt.date | None
    words: str


def topics_of(
    title: str, page: PageView | str, options: ParseOptions, people: People = NOBODY
) -> list[Row]:
    """The top-level list items of each dated section of a page, in page order."""
    view = _view(page, options)
    rows: list[Row] = []
    for section in view.sections:
        anchor = " ".join(heading_text(section.nodes[0]).split())
        for block in section.nodes[1:]:
            if _local(block) in ("ul", "ol"):
                items = (item for item in block if _local(item) == "li")
                rows.extend(
                    _row(section.date, title, anchor, item, options, people) for item in items
                )
    return rows


def open_action_items(title: str, page: PageView) -> list[ActionItem]:
    """The tasks not done yet of each dated section of a page (written by us or by hand), in
    page order; a task under a dated heading that another section holds is that heading's."""
    found: list[ActionItem] = []
    claimed: set[Node] = set()
    for section in reversed(page.sections):
        anchor = " ".join(heading_text(section.nodes[0]).split())
        items = []
        for node, task in tasks_in(section.nodes[1:]):
            if node in claimed or task.done or not (task.words or task.assignee or task.due):
                continue
            claimed.add(node)
            words = _short(task.words)
            items.append(ActionItem(section.date, title, anchor, task.mention, task.due, words))
        found[:0] = items
    return found


def index_body(
    pages: Iterable[tuple[str, PageView | str]], options: ParseOptions, people: People = NOBODY
) -> str:
    """The index page's storage body for (title, body) pages: a sortable table of topics,
    then one of the open action items, both newest first (those of one date in page order);
    each page is parsed once for both."""
    views = [(title, _view(body, options)) for title, body in pages]
    rows = [row for title, view in views for row in topics_of(title, view, options, people)]
    rows.sort(key=lambda row: row.date, reverse=True)
    header = "<tr><th>Date</th><th>Intent</th><th>Presenter</th><th>Topic</th></tr>"
    table = "".join(_table_row(row) for row in rows)
    items = [item for title, view in views for item in open_action_items(title, view)]
    items.sort(key=lambda item: item.date, reverse=True)
    return f"{INTRO}<table><tbody>{header}{table}</tbody></table>\n{_action_items(items)}"


def linked_titles(index: etree._Element | str) -> list[str]:
    """The pages an index body links to, in order: the year pages it listed last time."""
    parsed = parse_fragment(index) if isinstance(index, str) else index
    pages = parsed.iter(f"{{{_RI}}}page")
    return list(dict.fromkeys(page.get(f"{{{_RI}}}content-title") or "" for page in pages))


def year_of(template: str, title: str) -> int | None:
    """The year a page title made from ``template`` (with ``{year}``) is for, if it is one."""
    if "{year}" not in template:
        return None
    pattern = re.escape(template).replace(re.escape("{year}"), r"(\d{1,4})")
    match = re.fullmatch(pattern, title)
    return int(match.group(1)) if match else None


def _row(
    date: dt.date,
    page: str,
    anchor: str,
    item: etree._Element,
    options: ParseOptions,
    people: People,
) -> Row:
    lozenges: list[str] = []
    text = "".join(_text(item, lozenges, people)).strip()
    first_line = text.split("\n", 1)[0]
    topic = read_topic(first_line, options)
    intents = [i for i in map(options.intent, lozenges) if i]
    intents += topic.tags
    words = plain_text(topic.inlines)
    if topic.presenter:
        bracket = rf"[(\[]\s*{re.escape(topic.presenter)}\s*[)\]]"
        words = re.sub(bracket, "", words, count=1)
    words = _LEADING_NOISE.sub("", " ".join(words.split()))
    return Row(
        date, page, anchor, tuple(dict.fromkeys(intents)), topic.presenter or "", _short(words)
    )


def _text(node: etree._Element, lozenges: list[str], people: People) -> Iterator[str]:
    """The item's own text (its nested lists are its notes, not its topic): intent lozenges
    are collected, a mention reads as the person's configured name, a line break ends a
    line."""
    yield node.text or ""
    for child in node:
        name = _local(child)
        if name == "structured-macro" and child.get(f"{{{_AC}}}name") == "status":
            lozenges.extend(_parameter(child, "title"))
        elif name == "link" and (user := child.find(f"{{{_RI}}}user")) is not None:
            yield _person(user, people)
        elif name == "br":
            yield "\n"
        elif name == "time":
            yield child.get("datetime") or ""
        elif name not in _SKIPPED:
            yield from _text(child, lozenges, people)
            if name in _BLOCKS:
                yield "\n"
        yield child.tail or ""


def _parameter(macro: etree._Element, name: str) -> list[str]:
    return [
        "".join(p.itertext())
        for p in macro.findall(f"{{{_AC}}}parameter")
        if p.get(f"{{{_AC}}}name") == name
    ]


def _person(user: etree._Element, people: People) -> str:
    """A mentioned user's name from ``[people]``; the page shows the name, which the index
    cannot look up."""
    ids = (user.get(f"{{{_RI}}}{key}") for key in ("account-id", "username", "userkey"))
    return next((people.names[i] for i in ids if i is not None and i in people.names), "")


def _short(text: str) -> str:
    if len(text) <= TOPIC_LENGTH:
        return text
    cut = text[: TOPIC_LENGTH - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:–—-") + "…"


def _table_row(row: Row) -> str:
    intents = "".join(status_macro(intent) for intent in row.intents)
    link = _meeting_link(row.date, row.page, row.anchor)
    return _cells(link, intents, escape(row.presenter), escape(row.topic))


def _action_items(items: list[ActionItem]) -> str:
    """The open action items' heading and table; without any, a line saying so (so that
    the last one ticked visibly leaves)."""
    heading = f"<h2>{ACTION_ITEMS}</h2>"
    if not items:
        return f"{heading}<p>{NO_ACTION_ITEMS}</p>\n"
    header = "<tr><th>Assignee</th><th>Due</th><th>Action item</th><th>Meeting</th></tr>"
    table = "".join(_action_row(item) for item in items)
    return f"{heading}<table><tbody>{header}{table}</tbody></table>\n"


def _action_row(item: ActionItem) -> str:
    who = ""
    if item.assignee is not None:
        attribute, user = item.assignee
        who = f'<ac:link><ri:user ri:{attribute}="{escape(user)}"/></ac:link>'
    due = f'<time datetime="{item.due.isoformat()}"/>' if item.due else ""
    link = _meeting_link(item.date, item.page, item.anchor)
    return _cells(who, due, escape(item.words), link)


def _meeting_link(date: dt.date, page: str, anchor: str) -> str:
    """A link to a meeting's section heading on its page, reading as its date."""
    return (
        f'<ac:link ac:anchor="{escape(anchor)}">'
        f'<ri:page ri:content-title="{escape(page)}"/>'
        f"<ac:plain-text-link-body><![CDATA[{date.isoformat()}]]></ac:plain-text-link-body>"
        "</ac:link>"
    )


def _cells(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _view(page: PageView | str, options: ParseOptions) -> PageView:
    return page if isinstance(page, PageView) else PageView(page, options.day_first)


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""
