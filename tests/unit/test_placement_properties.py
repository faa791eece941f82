"""No page ever holds two sections for one date, wherever its date headings are.

Pages are generated with date headings in every container people and publishers use (the top
level, layout cells, expand and panel bodies, table cells, list items, quotes, Cloud's ADF
extensions with their fallback copy, an expand inside another meeting's section), written in
every form (typed, a ``<time>`` lozenge, behind an anchor macro, marked, annotated, with ids).
Whatever the doc holds, a merge either writes a page where every date has as many headings as
before (one if it is new), or writes nothing and says why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncer.merge import Force, Rendered, merge_page
from syncer.model import ItemList, Meeting, Text, Topic
from syncer.page_view import PageView
from syncer.render import render_meeting

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATES = [dt.date(2023, 12, day) for day in (27, 20, 13, 6)] + [dt.date(2023, 11, 30)]

HEADINGS = [
    "<h{n}>{iso}</h{n}>",
    '<h{n}><time datetime="{iso}" /></h{n}>',
    '<h{n}><ac:structured-macro ac:name="anchor" ac:schema-version="1"><ac:parameter'
    ' ac:name="">m</ac:parameter></ac:structured-macro>{iso}</h{n}>',
    "<h{n}><strong>{iso}</strong></h{n}>",
    '<h{n} local-id="ab12"><ac:inline-comment-marker ac:ref="r">{iso}</ac:inline-comment-marker>'
    "</h{n}>",
    '<h{n} id="x">{long}</h{n}>',
]
CONTAINERS = [
    "{}",
    '<ac:layout><ac:layout-section ac:type="single"><ac:layout-cell>{}</ac:layout-cell>'
    "</ac:layout-section></ac:layout>",
    '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">t</ac:parameter>'
    "<ac:rich-text-body>{}</ac:rich-text-body></ac:structured-macro>",
    '<ac:structured-macro ac:name="panel"><ac:rich-text-body>{}</ac:rich-text-body>'
    "</ac:structured-macro>",
    "<table><tbody><tr><td>{}</td></tr></tbody></table>",
    "<ul><li>{}</li></ul>",
    "<blockquote>{}</blockquote>",
    '<ac:adf-extension><ac:adf-node type="panel"><ac:adf-content>{}</ac:adf-content>'
    '</ac:adf-node><ac:adf-fallback><div class="panel">{}</div></ac:adf-fallback>'
    "</ac:adf-extension>",
]


@st.composite
def sections(draw) -> str:
    date = draw(st.sampled_from(DATES))
    heading = draw(st.sampled_from(HEADINGS)).format(
        n=draw(st.integers(1, 4)), iso=date.isoformat(), long=date.strftime("%B %d, %Y")
    )
    section = heading + draw(st.sampled_from(["<p>notes</p>", "", "<ul><li>a</li></ul>"]))
    return draw(st.sampled_from(CONTAINERS)).replace("{}", section)


@st.composite
def pages(draw) -> str:
    parts = draw(st.lists(sections(), max_size=5))
    if parts and draw(st.booleans()):  # a meeting's section holding another one in an expand
        inner = draw(sections())
        parts[0] += CONTAINERS[2].replace("{}", inner)
    return "<p>preamble</p>" + "".join(parts) + draw(st.sampled_from(["", "<h1>Footer</h1>"]))


def meeting(date: dt.date, text: str) -> Meeting:
    return Meeting(date, (ItemList((Topic((Text(text),)),)),))


def rendered_for(body: str, meetings: list[Meeting]) -> dict[dt.date, Rendered]:
    view = PageView(body)
    return {m.date: Rendered.of(render_meeting(m, view.level_for(m.date)), m) for m in meetings}


def headings(body: str) -> Counter[dt.date]:
    return Counter(section.date for section in PageView(body).sections)


@SETTINGS
@given(pages(), st.lists(st.sampled_from(DATES), unique=True), st.booleans(), st.text(max_size=5))
def test_no_page_ever_holds_two_sections_for_one_date(body, dates, force, words):
    meetings = [meeting(date, f"from the doc {words}") for date in dates]
    before = headings(body)
    result = merge_page(body, rendered_for(body, meetings), {}, force=Force(everything=force))
    if result.blocked:
        assert result.body == body
        return
    after = headings(result.body)
    for date in DATES:
        expected = before[date] or (1 if date in dates else 0)
        assert after[date] == expected, (date, result.body)
    again = merge_page(result.body, rendered_for(result.body, meetings), result.state)
    assert again.body == result.body and not again.changed
