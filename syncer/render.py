"""Meetings → Confluence storage format. All user text passes through ``xml_text``'s
``escape`` (or ``cdata``, in a code macro)."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from syncer.action_items import name_at_start
from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    Block,
    BodyBlock,
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
from syncer.xml_text import cdata, escape, safe_url

INTENT_COLOURS = {"inform": "Blue", "ideation": "Purple", "analysis": "Yellow", "quest": "Green"}
DEFAULT_HEADING_LEVEL = 2
# Outermost first: a bold link is <a><strong>…</strong></a>.
_MARK_TAGS = (
    (BOLD, "strong"),
    (ITALIC, "em"),
    (UNDERLINE, "u"),
    (STRIKE, "s"),
    (CODE, "code"),
    (SUPERSCRIPT, "sup"),
    (SUBSCRIPT, "sub"),
)


def person_key(name: str) -> str:
    """How a name or e-mail is looked up in ``[people]``: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class People:
    """Who a name or e-mail in the notes is on Confluence, so it becomes a mention (which
    notifies that person) instead of text. ``users`` maps ``person_key``s to Cloud account
    ids, or to Data Center usernames when ``usernames`` is set; ``names`` maps a user back
    to a name as configured, for where a mention cannot go (the topic index)."""

    users: Mapping[str, str] = field(default_factory=dict)
    usernames: bool = False
    names: Mapping[str, str] = field(default_factory=dict)  # user → name, to show a mention

    def user(self, *names: str | None) -> str | None:
        """The user the first matching name or e-mail stands for, if any."""
        keys = (person_key(name) for name in names if name)
        return next((self.users[key] for key in keys if key in self.users), None)

    @functools.cached_property
    def known_names(self) -> frozenset[str]:
        """The names (not e-mails) ``users`` knows, as ``person_key``s."""
        return frozenset(key for key in self.users if "@" not in key)

    def named_first(self, text: str) -> tuple[str, int] | None:
        """The user whose name ``text`` starts with (as a whole word), and where the name
        ends: a task's assignee, as in "Dave to make an issue"."""
        found = name_at_start(text, self.known_names)
        user = self.user(found.group().lstrip(" @")) if found else None
        return (user, found.end()) if user and found else None

    def mention(self, user: str) -> str:
        attribute = "ri:username" if self.usernames else "ri:account-id"
        return f'<ac:link><ri:user {attribute}="{escape(user)}"/></ac:link>'


NOBODY = People()


@dataclass
class _Context:
    """What rendering one meeting needs besides its blocks: who is who, the level of its date
    heading, how far its own headings move down to stay below it, its date (for footnote
    anchors and task ids) and the tasks numbered so far."""

    people: People
    level: int
    shift: int = 0
    date: dt.date | None = None
    tasks: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def anchor(self, number: str) -> str:
        """The name of footnote ``number``'s anchor: unique on a page of dated sections."""
        day = self.date.isoformat() if self.date else "notes"
        return f"{day}-footnote-{number}"

    def task_id(self) -> str:
        """The next task's id: the meeting's date and the task's place in it, so that each
        render gives a task the id it had (Confluence ids are numbers)."""
        day = f"{self.date.year:04d}{self.date.month:02d}{self.date.day:02d}" if self.date else ""
        return f"{day}{next(self.tasks):03d}"


def render_meeting(
    meeting: Meeting, heading_level: int = DEFAULT_HEADING_LEVEL, people: People = NOBODY
) -> str:
    """One page section: a heading with the ISO date, then the meeting's blocks."""
    heading = f"<h{heading_level}>{meeting.date.isoformat()}</h{heading_level}>"
    top = min(_heading_levels(meeting.blocks), default=heading_level + 1)
    context = _Context(people, heading_level, max(0, heading_level + 1 - top), meeting.date)
    blocks = (_block(block, context) for block in meeting.blocks)
    return "\n".join([heading, *blocks])


def render_block(
    block: MeetingBlock, section_level: int = DEFAULT_HEADING_LEVEL, people: People = NOBODY
) -> str:
    """A block on its own, as under a heading of ``section_level``."""
    return _block(block, _Context(people, section_level))


def _heading_levels(blocks: tuple[MeetingBlock | Block | ItemList, ...]) -> Iterator[int]:
    """The levels of the headings in these blocks, those in tables too."""
    for block in blocks:
        if isinstance(block, Paragraph) and block.heading:
            yield block.heading
        elif isinstance(block, Table):
            yield from (n for row in block.rows for cell in row for n in _heading_levels(cell))


def _block(block: MeetingBlock | Block | ItemList, context: _Context) -> str:
    if isinstance(block, ItemList):
        return _render_list(block, context)
    if isinstance(block, Table):
        return _render_table(block, context)
    if isinstance(block, CodeBlock):
        return _code_macro(block.text)
    if isinstance(block, Rule):
        return "<hr/>"
    if isinstance(block, Footnotes):
        return "".join(_footnote(n, note, context) for n, note in enumerate(block.notes, 1))
    assert isinstance(block, Paragraph), "only a parsed meeting is rendered"
    return _paragraph(block, context)


def _paragraph(block: Paragraph, context: _Context) -> str:
    """Headings keep their depth relative to each other, below the date heading; past h6,
    a heading is a bold paragraph."""
    content = render_inlines(block.inlines, context.people, context)
    if not block.heading:
        return f"<p>{content}</p>"
    level = max(context.level + 1, block.heading + context.shift)
    if level > 6:
        return f"<p><strong>{content}</strong></p>"
    return f"<h{level}>{content}</h{level}>"


def _code_macro(text: str) -> str:
    return (
        '<ac:structured-macro ac:name="code">'
        f"<ac:plain-text-body><![CDATA[{cdata(text)}]]></ac:plain-text-body>"
        "</ac:structured-macro>"
    )


def _footnote(number: int, note: tuple[BodyBlock, ...], context: _Context) -> str:
    """A note as paragraphs, the first led by its number, where the reference's link lands.
    A heading in a note is a bold paragraph: a heading there could end the section."""
    anchor = (
        '<ac:structured-macro ac:name="anchor">'
        f'<ac:parameter ac:name="">{escape(context.anchor(str(number)))}</ac:parameter>'
        f"</ac:structured-macro><sup>{number}</sup> "
    )
    first = note[0] if note and isinstance(note[0], Paragraph) else None
    lead = f"<p>{anchor}{_note_text(first, context) if first else ''}</p>"
    return lead + "".join(_note_block(block, context) for block in note[1 if first else 0 :])


def _note_block(block: BodyBlock, context: _Context) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_note_text(block, context)}</p>"
    return _block(block, context)


def _note_text(block: Paragraph, context: _Context) -> str:
    content = render_inlines(block.inlines, context.people, context)
    return f"<strong>{content}</strong>" if block.heading and content else content


def status_macro(intent: str) -> str:
    """The lozenge that stands in place of an ``[intent]`` bracket."""
    colour = INTENT_COLOURS[intent]
    return (
        '<ac:structured-macro ac:name="status" ac:schema-version="1">'
        f'<ac:parameter ac:name="colour">{colour}</ac:parameter>'
        f'<ac:parameter ac:name="title">{escape(intent.upper())}</ac:parameter>'
        "</ac:structured-macro>"
    )


def render_inlines(
    inlines: tuple[Inline, ...], people: People = NOBODY, context: _Context | None = None
) -> str:
    """Text runs, breaks, chips and footnote references as inline storage."""
    context = context or _Context(people, DEFAULT_HEADING_LEVEL)
    return "".join(_render_inline(inline, context) for inline in inlines)


def _render_inline(inline: Inline, context: _Context) -> str:
    if isinstance(inline, LineBreak):
        return "<br/>"
    if isinstance(inline, DateChip):
        return f'<time datetime="{inline.date.isoformat()}"/>'
    if isinstance(inline, FootnoteRef):
        return _footnote_link(inline.key, context)
    if isinstance(inline, Image):
        return _image(inline)
    people = context.people
    url = safe_url(inline.link) if inline.link else None
    # A person chip is a mailto link: its e-mail or its name may name a Confluence user.
    email = url.removeprefix("mailto:").partition("?")[0] if url else None
    user = people.user(email, inline.text) if url and url.startswith("mailto:") else None
    if user:
        return _marked(people.mention(user), inline.marks)
    html = _marked(escape(inline.text), inline.marks)
    return f'<a href="{escape(url)}">{html}</a>' if url else html


def _image(image: Image) -> str:
    """A picture as the page's attachment, at the size the doc shows it."""
    if image.name is None:
        return ""  # its bytes were never read: a source names what it could not carry
    size = "".join(
        f' ac:{key}="{value}"'
        for key, value in (("width", image.width), ("height", image.height))
        if value
    )
    return (
        f'<ac:image ac:alt="{escape(image.alt)}"{size}>'
        f'<ri:attachment ri:filename="{escape(image.name)}"/></ac:image>'
    )


def _marked(html: str, marks: frozenset[str]) -> str:
    for mark, tag in reversed(_MARK_TAGS):
        if mark in marks:
            html = f"<{tag}>{html}</{tag}>"
    return html


def _footnote_link(number: str, context: _Context) -> str:
    """A footnote's number, linked to its note at the end of the meeting."""
    return (
        f'<sup><ac:link ac:anchor="{escape(context.anchor(number))}">'
        f"<ac:plain-text-link-body><![CDATA[{cdata(number)}]]></ac:plain-text-link-body>"
        "</ac:link></sup>"
    )


def _render_list(block: ItemList, context: _Context) -> str:
    if block.tasks:
        tasks = "".join(_render_task(item, context) for item in block.items)
        return f"<ac:task-list>{tasks}</ac:task-list>"
    items = "".join(f"<li>{_render_item(item, context)}</li>" for item in block.items)
    if not block.ordered:
        return f"<ul>{items}</ul>"
    start = f' start="{block.start}"' if block.start != 1 else ""
    return f"<ol{start}>{items}</ol>"


def _render_task(item: Item | Topic, context: _Context) -> str:
    """A checklist item as a Confluence task; what is nested under it stays in its body."""
    status = "complete" if item.done else "incomplete"
    return (
        f"<ac:task><ac:task-id>{context.task_id()}</ac:task-id>"
        f"<ac:task-status>{status}</ac:task-status>"
        f"<ac:task-body>{_assigned(item, context)}</ac:task-body></ac:task>"
    )


def _assigned(item: Item | Topic, context: _Context) -> str:
    """A task's text, a name ``[people]`` knows at its start made a mention, which
    Confluence takes as its assignee (as it does a person chip anywhere in it)."""
    first = item.inlines[0] if item.inlines else None
    if not isinstance(first, Text) or first.link:
        return _render_item(item, context)
    named = context.people.named_first(first.text)
    if named is None:
        return _render_item(item, context)
    user, end = named
    rest = (Text(first.text[end:], first.marks), *item.inlines[1:])
    mention = _marked(context.people.mention(user), first.marks)
    return mention + _render_item(replace(item, inlines=rest), context)


def _render_item(item: Item | Topic, context: _Context) -> str:
    people = context.people
    text = render_inlines(item.inlines, people, context)
    if isinstance(item, Topic):
        text = _presenter_mentioned(item, context) or text
        if item.tags:
            lozenges = "".join(status_macro(tag) for tag in item.tags)
            text = f"{lozenges} {text}" if text else lozenges
    return text + "".join(_render_list(child, context) for child in item.children)


def _presenter_mentioned(topic: Topic, context: _Context) -> str | None:
    """The topic's text with the presenter's name in ``(Name)`` as a mention, when the name
    is in ``[people]``; None when it is not, or the brackets are not plain text."""
    people = context.people
    user = people.user(topic.presenter)
    if not user or not topic.presenter:
        return None
    named = re.compile(rf"([(\[]\s*){re.escape(topic.presenter)}(\s*[)\]])")
    for index, inline in enumerate(topic.inlines):
        if not isinstance(inline, Text) or inline.link:
            continue
        found = named.search(inline.text)
        if found:
            before, after = inline.text[: found.end(1)], inline.text[found.start(2) :]
            html = escape(before) + people.mention(user) + escape(after)
            return (
                render_inlines(topic.inlines[:index], people, context)
                + _marked(html, inline.marks)
                + render_inlines(topic.inlines[index + 1 :], people, context)
            )
    return None


def _render_table(table: Table, context: _Context) -> str:
    rows = "".join(
        "<tr>" + "".join(_cell(table, r, c, cell, context) for c, cell in enumerate(row)) + "</tr>"
        for r, row in enumerate(table.rows)
    )
    return f"<table><tbody>{rows}</tbody></table>"


def _cell(
    table: Table, row: int, index: int, cell: tuple[Block | ItemList, ...], context: _Context
) -> str:
    span = table.span(row, index)
    reach = ""
    if span and span.columns > 1:
        reach += f' colspan="{span.columns}"'
    if span and span.rows > 1:
        reach += f' rowspan="{span.rows}"'
    return f"<td{reach}>" + "".join(_block(block, context) for block in cell) + "</td>"
