"""Meetings → Confluence storage format. All user text passes through ``xml_text.escape``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    Block,
    DateChip,
    Inline,
    Item,
    ItemList,
    LineBreak,
    ListItem,
    Meeting,
    MeetingBlock,
    Table,
    Text,
    Topic,
)
from syncer.xml_text import escape, safe_url

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

    def mention(self, user: str) -> str:
        attribute = "ri:username" if self.usernames else "ri:account-id"
        return f'<ac:link><ri:user {attribute}="{escape(user)}"/></ac:link>'


NOBODY = People()


def render_meeting(
    meeting: Meeting, heading_level: int = DEFAULT_HEADING_LEVEL, people: People = NOBODY
) -> str:
    """One page section: a heading with the ISO date, then the meeting's blocks."""
    heading = f"<h{heading_level}>{meeting.date.isoformat()}</h{heading_level}>"
    blocks = (render_block(block, heading_level, people) for block in meeting.blocks)
    return "\n".join([heading, *blocks])


def render_block(
    block: MeetingBlock, section_level: int = DEFAULT_HEADING_LEVEL, people: People = NOBODY
) -> str:
    """A paragraph, list or table; headings inside a meeting stay below its date heading."""
    if isinstance(block, ItemList):
        return _render_list(block, people)
    if isinstance(block, Table):
        return _render_table(block, section_level, people)
    content = render_inlines(block.inlines, people)
    if not block.heading:
        return f"<p>{content}</p>"
    level = max(section_level + 1, block.heading)
    if level > 6:
        return f"<p><strong>{content}</strong></p>"
    return f"<h{level}>{content}</h{level}>"


def status_macro(intent: str) -> str:
    """The lozenge that stands in place of an ``[intent]`` bracket."""
    colour = INTENT_COLOURS[intent]
    return (
        '<ac:structured-macro ac:name="status" ac:schema-version="1">'
        f'<ac:parameter ac:name="colour">{colour}</ac:parameter>'
        f'<ac:parameter ac:name="title">{escape(intent.upper())}</ac:parameter>'
        "</ac:structured-macro>"
    )


def render_inlines(inlines: tuple[Inline, ...], people: People = NOBODY) -> str:
    return "".join(_render_inline(inline, people) for inline in inlines)


def _render_inline(inline: Inline, people: People) -> str:
    if isinstance(inline, LineBreak):
        return "<br/>"
    if isinstance(inline, DateChip):
        return f'<time datetime="{inline.date.isoformat()}"/>'
    url = safe_url(inline.link) if inline.link else None
    # A person chip is a mailto link: its e-mail or its name may name a Confluence user.
    email = url.removeprefix("mailto:").partition("?")[0] if url else None
    user = people.user(email, inline.text) if url and url.startswith("mailto:") else None
    if user:
        return _marked(people.mention(user), inline.marks)
    html = _marked(escape(inline.text), inline.marks)
    return f'<a href="{escape(url)}">{html}</a>' if url else html


def _marked(html: str, marks: frozenset[str]) -> str:
    for mark, tag in reversed(_MARK_TAGS):
        if mark in marks:
            html = f"<{tag}>{html}</{tag}>"
    return html


def _render_list(block: ItemList, people: People) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "".join(f"<li>{_render_item(item, people)}</li>" for item in block.items)
    return f"<{tag}>{items}</{tag}>"


def _render_item(item: Item | Topic, people: People) -> str:
    text = render_inlines(item.inlines, people)
    if isinstance(item, Topic):
        text = _presenter_mentioned(item, people) or text
        if item.tags:
            lozenges = "".join(status_macro(tag) for tag in item.tags)
            text = f"{lozenges} {text}" if text else lozenges
    return text + "".join(_render_list(child, people) for child in item.children)


def _presenter_mentioned(topic: Topic, people: People) -> str | None:
    """The topic's text with the presenter's name in ``(Name)`` as a mention, when the name
    is in ``[people]``; None when it is not, or the brackets are not plain text."""
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
                render_inlines(topic.inlines[:index], people)
                + _marked(html, inline.marks)
                + render_inlines(topic.inlines[index + 1 :], people)
            )
    return None


def _render_table(table: Table, section_level: int, people: People) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            "<td>"
            + "".join(render_block(_parsed(block), section_level, people) for block in cell)
            + "</td>"
            for cell in row
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><tbody>{rows}</tbody></table>"


def _parsed(block: Block | ItemList) -> MeetingBlock:
    """A block of a parsed table's cell: the parser has nested its list items into lists."""
    assert not isinstance(block, ListItem), "only a parsed table is rendered"
    return block
