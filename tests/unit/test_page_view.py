"""Dated sections are found wherever people put them, and new ones go where they already are."""

import datetime as dt

import pytest

from syncer.merge import Force, Rendered, merge_page
from syncer.model import ItemList, Meeting, Text, Topic
from syncer.page_view import PageView
from syncer.render import render_meeting
from syncer.status import Status

D = dt.date(2023, 12, 13)
LAYOUT = (
    '<p>intro</p><ac:layout><ac:layout-section ac:type="two_equal">'
    "<ac:layout-cell><h2>2023-12-13</h2><p>older notes</p><h2>2023-12-06</h2><p>oldest</p>"
    "</ac:layout-cell><ac:layout-cell><p>sidebar</p></ac:layout-cell>"
    "</ac:layout-section></ac:layout><p>footer</p>"
)


def meeting(date: dt.date, text: str) -> Meeting:
    return Meeting(date, (ItemList((Topic((Text(text),)),)),))


def merged(body: str, *meetings: Meeting, force: bool = True):
    view = PageView(body)
    rendered = {m.date: Rendered.of(render_meeting(m, view.level_for(m.date)), m) for m in meetings}
    return merge_page(view, rendered, {}, force=Force(everything=force))


@pytest.mark.parametrize(
    "heading",
    [
        "<h2>2023-12-13</h2>",
        '<h2><time datetime="2023-12-13" /></h2>',
        '<h2><ac:structured-macro ac:name="anchor" ac:schema-version="1"><ac:parameter'
        ' ac:name="">2023-12-13</ac:parameter></ac:structured-macro>2023-12-13</h2>',
        '<h2 local-id="9f" id="meeting"><strong>Dec 13, 2023</strong></h2>',
        '<h2><ac:inline-comment-marker ac:ref="c">2023-12-13</ac:inline-comment-marker></h2>',
        "<h2>2023-12-13 </h2>",
    ],
)
def test_a_date_heading_is_read_in_every_form_people_and_publishers_write(heading):
    (section,) = PageView(f"<p>x</p>{heading}<p>notes</p>").sections
    assert (section.date, section.level, section.unsafe) == (D, 2, None)


@pytest.mark.parametrize(
    "body",
    [
        "<ac:layout><ac:layout-section><ac:layout-cell>{s}</ac:layout-cell>"
        "</ac:layout-section></ac:layout>",
        '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Dec</ac:parameter>'
        "<ac:rich-text-body>{s}</ac:rich-text-body></ac:structured-macro>",
        '<ac:structured-macro ac:name="panel"><ac:rich-text-body>{s}</ac:rich-text-body>'
        "</ac:structured-macro>",
        "<table><tbody><tr><td>{s}</td></tr></tbody></table>",
    ],
)
def test_a_section_inside_a_container_is_found_and_replaced_there(body):
    page = "<p>intro</p>" + body.format(s="<h2>2023-12-13</h2><p>old</p>") + "<p>end</p>"
    (section,) = PageView(page).sections
    assert section.unsafe is None and PageView(page).raw(section) == "<h2>2023-12-13</h2><p>old</p>"
    result = merged(page, meeting(D, "new"))
    assert [d.status for d in result.decisions] == [Status.UPDATED]
    assert result.body == page.replace("<p>old</p>", render_meeting(meeting(D, "new"))[19:] + "\n")


def test_a_new_meeting_goes_into_the_layout_cell_the_meetings_are_in_newest_first():
    result = merged(
        LAYOUT, meeting(dt.date(2023, 12, 20), "newest"), meeting(dt.date(2023, 12, 10), "between")
    )
    body = result.body
    cell = body[body.index("<ac:layout-cell>") : body.index("</ac:layout-cell>")]
    assert [
        cell.index(d) for d in ("2023-12-20", "2023-12-13", "2023-12-10", "2023-12-06")
    ] == sorted(cell.index(d) for d in ("2023-12-20", "2023-12-13", "2023-12-10", "2023-12-06"))
    assert body.endswith(
        "<ac:layout-cell><p>sidebar</p></ac:layout-cell></ac:layout-section></ac:layout><p>footer</p>"
    )
    assert {d.status for d in result.decisions if d.date not in (D, dt.date(2023, 12, 6))} == {
        Status.ADDED
    }


def test_the_oldest_new_meeting_goes_after_the_last_one_in_its_cell():
    result = merged(LAYOUT, meeting(dt.date(2020, 1, 1), "ancient"))
    assert "<p>oldest</p><h2>2020-01-01</h2>" in result.body
    assert result.body.index("2020-01-01") < result.body.index("</ac:layout-cell>")


def test_a_page_without_sections_gets_new_meetings_at_its_end():
    result = merged(
        LAYOUT.replace("2023-12-13", "Notes").replace("2023-12-06", "More"), meeting(D, "x")
    )
    assert result.body.endswith("<p>footer</p>" + render_meeting(meeting(D, "x")) + "\n")


def test_a_date_with_a_heading_anywhere_is_never_added_again():
    page = '<ac:adf-extension><ac:adf-node type="panel"><ac:adf-content><h2>2023-12-13</h2>'
    page += "<p>x</p></ac:adf-content></ac:adf-node></ac:adf-extension>"
    view = PageView(page)
    (section,) = view.sections
    assert section.unsafe and "ac:adf-extension" in section.unsafe
    result = merged(page, meeting(D, "doc"))
    assert result.body is page and result.blocked
    assert "cannot replace the section of 2023-12-13 safely" in result.blocked[0]


def test_a_section_holding_another_dated_heading_is_not_replaced():
    page = (
        '<h2>2023-12-20</h2><ac:structured-macro ac:name="expand"><ac:rich-text-body>'
        "<h3>2023-12-13</h3><p>x</p></ac:rich-text-body></ac:structured-macro>"
    )
    outer, inner = PageView(page).sections
    assert outer.unsafe == "its section holds another dated heading (2023-12-13)"
    assert inner.unsafe is None
    blocked = merged(page, meeting(dt.date(2023, 12, 20), "doc"))
    assert blocked.body is page and blocked.blocked
    fine = merged(page, meeting(D, "doc"))
    assert (
        not fine.blocked
        and "<p>x</p>" not in fine.body
        and fine.body.startswith("<h2>2023-12-20</h2>")
    )


def test_a_new_meeting_that_would_land_inside_another_section_is_refused():
    page = (
        '<h2>2023-12-20</h2><ac:structured-macro ac:name="expand"><ac:rich-text-body>'
        "<h3>2023-12-13</h3><p>x</p></ac:rich-text-body></ac:structured-macro>"
    )
    result = merged(page, meeting(dt.date(2023, 12, 15), "doc"))
    assert result.body is page
    assert result.blocked == (
        "cannot place 2023-12-15 safely: it would go inside the section of 2023-12-20",
    )


def test_spliced_edits_keep_every_other_byte():
    view = PageView("<p>a</p>  <p>b</p>")
    assert (
        view.spliced([(3, 4, "A"), (10, 10, "<hr/>"), (10, 10, "<br/>")])
        == "<p>A</p>  <hr/><br/><p>b</p>"
    )
