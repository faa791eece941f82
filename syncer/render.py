"""Meetings → Confluence storage format. All user text passes through ``xml_text.escape``."""

from __future__ import annotations

from syncer.model import (
    BOLD,
    CODE,
    ITALIC,
    STRIKE,
    SUBSCRIPT,
    SUPERSCRIPT,
    UNDERLINE,
    DateChip,
    Inline,
    Item,
    ItemList,
    LineBreak,
    Meeting,
    MeetingBlock,
    Table,
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


def render_meeting(meeting: Meeting, heading_level: int = DEFAULT_HEADING_LEVEL) -> str:
    """One page section: a heading with the ISO date, then the meeting's blocks."""
    heading = f"<h{heading_level}>{meeting.date.isoformat()}</h{heading_level}>"
    blocks = (render_block(block, heading_level) for block in meeting.blocks)
    return "\n".join([heading, *blocks])


def render_block(block: MeetingBlock, section_level: int = DEFAULT_HEADING_LEVEL) -> str:
    """A paragraph, list or table; headings inside a meeting stay below its date heading."""
    if isinstance(block, ItemList):
        return _render_list(block)
    if isinstance(block, Table):
        return _render_table(block, section_level)
    content = render_inlines(block.inlines)
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


def render_inlines(inlines: tuple[Inline, ...]) -> str:
    return "".join(_render_inline(inline) for inline in inlines)


def _render_inline(inline: Inline) -> str:
    if isinstance(inline, LineBreak):
        return "<br/>"
    if isinstance(inline, DateChip):
        return f'<time datetime="{inline.date.isoformat()}"/>'
    html = escape(inline.text)
    for mark, tag in reversed(_MARK_TAGS):
        if mark in inline.marks:
            html = f"<{tag}>{html}</{tag}>"
    url = safe_url(inline.link) if inline.link else None
    return f'<a href="{escape(url)}">{html}</a>' if url else html


def _render_list(block: ItemList) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "".join(f"<li>{_render_item(item)}</li>" for item in block.items)
    return f"<{tag}>{items}</{tag}>"


def _render_item(item: Item | Topic) -> str:
    text = render_inlines(item.inlines)
    if isinstance(item, Topic) and item.tags:
        lozenges = "".join(status_macro(tag) for tag in item.tags)
        text = f"{lozenges} {text}" if text else lozenges
    return text + "".join(_render_list(child) for child in item.children)


def _render_table(table: Table, section_level: int) -> str:
    rows = "".join(
        "<tr>"
        + "".join(
            "<td>" + "".join(render_block(block, section_level) for block in cell) + "</td>"
            for cell in row
        )
        + "</tr>"
        for row in table.rows
    )
    return f"<table><tbody>{rows}</tbody></table>"
