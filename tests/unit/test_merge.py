import datetime as dt
from pathlib import Path

from syncer.merge import (
    ADDED,
    CONFLICT,
    KEPT,
    UNCHANGED,
    UPDATED,
    merge_page,
    section_heading_level,
)
from syncer.model import Item, ItemList, Meeting, Topic
from syncer.model import Text as T
from syncer.render import render_meeting

PAGE = (Path(__file__).parents[1] / "data" / "confluence-page.xhtml").read_text(encoding="utf-8")
PREAMBLE = PAGE[: PAGE.index("<h2>2023-12-20</h2>")]
D = dt.date


def meeting(date: dt.date, *topics: str) -> Meeting:
    return Meeting(date, (ItemList(tuple(Topic((T(t),)) for t in topics)),))


def rendered(*meetings: Meeting) -> dict[dt.date, str]:
    return {m.date: render_meeting(m) for m in meetings}


def statuses(result) -> dict[str, str]:
    return {d.date.isoformat(): d.status for d in result.decisions}


def test_a_new_meeting_is_inserted_in_date_order_and_everything_else_is_kept_byte_for_byte():
    result = merge_page(PAGE, rendered(meeting(D(2023, 12, 15), "new topic")), {})
    assert result.body.startswith(PREAMBLE)
    before, after = PAGE.split("<h2>2023-12-13</h2>")
    new_section = render_meeting(meeting(D(2023, 12, 15), "new topic"))
    assert result.body == before + new_section + "\n" + "<h2>2023-12-13</h2>" + after
    assert statuses(result) == {
        "2023-12-20": KEPT,
        "2023-12-15": ADDED,
        "2023-12-13": KEPT,
        "2023-10-25": KEPT,
    }


def test_a_meeting_in_the_doc_replaces_only_its_own_section():
    result = merge_page(PAGE, rendered(meeting(D(2023, 12, 13), "rewritten")), {})
    assert statuses(result)["2023-12-13"] == UPDATED
    assert "rewritten" in result.body
    assert "MySQL 8.0 switchover" not in result.body
    assert result.body.startswith(PREAMBLE)
    for kept in ("<h2>2023-12-20</h2>", "Skipped so 2U developers", "<h1>Older notes</h1>"):
        assert PAGE[PAGE.index(kept) :].split("<h2>2023-12-13")[0] in result.body


def test_the_newest_and_the_oldest_meeting_go_to_the_ends_of_the_sections_not_past_a_footer():
    result = merge_page(
        PAGE, rendered(meeting(D(2024, 1, 3), "newest"), meeting(D(2020, 1, 1), "oldest")), {}
    )
    body = result.body
    assert body.index("newest") < body.index("<h2>2023-12-20</h2>")
    assert body.index("Skipped so") < body.index("oldest") < body.index("<h1>Older notes</h1>")


def test_an_unchanged_page_is_returned_as_the_same_string():
    first = merge_page(PAGE, rendered(meeting(D(2023, 12, 13), "x")), {})
    second = merge_page(first.body, rendered(meeting(D(2023, 12, 13), "x")), first.state)
    assert second.body is first.body
    assert not second.changed
    assert statuses(second)["2023-12-13"] == UNCHANGED


def test_merging_twice_is_merging_once():
    meetings = rendered(meeting(D(2023, 12, 20), "a"), meeting(D(2024, 2, 1), "b"))
    once = merge_page(PAGE, meetings, {})
    twice = merge_page(once.body, meetings, once.state)
    assert twice.body == once.body
    assert set(statuses(twice).values()) <= {UNCHANGED, KEPT}


def test_a_section_edited_on_the_page_since_our_last_write_is_a_conflict_and_kept():
    first = merge_page(PAGE, rendered(meeting(D(2023, 12, 13), "sync-text")), {})
    edited = first.body.replace("sync-text", "sync-text, plus a human note")
    second = merge_page(edited, rendered(meeting(D(2023, 12, 13), "sync-text v2")), first.state)
    assert statuses(second)["2023-12-13"] == CONFLICT
    assert second.body == edited
    assert second.state["2023-12-13"] == first.state["2023-12-13"]


def test_force_overwrites_an_edited_section():
    first = merge_page(PAGE, rendered(meeting(D(2023, 12, 13), "sync-text")), {})
    edited = first.body.replace("sync-text", "theirs")
    forced = merge_page(
        edited, rendered(meeting(D(2023, 12, 13), "sync-text v2")), first.state, force=True
    )
    assert statuses(forced)["2023-12-13"] == UPDATED
    assert "human-text" not in forced.body


def test_a_section_with_a_date_written_twice_keeps_the_second_copy():
    page = "<h2>2023-12-13</h2><p>one</p><h2>2023-12-13</h2><p>two</p>"
    result = merge_page(page, rendered(meeting(D(2023, 12, 13), "doc")), {})
    assert result.body.count("2023-12-13") == 2
    assert "<p>two</p>" in result.body and "<p>one</p>" not in result.body


def test_a_new_page_body_gets_its_sections_after_the_preamble():
    result = merge_page("<p>intro</p>", rendered(meeting(D(2023, 1, 4), "a")), {})
    assert result.body.startswith("<p>intro</p><h2>2023-01-04</h2>")


def test_sections_are_rendered_at_the_level_the_page_uses():
    assert section_heading_level(PAGE) == 2
    assert section_heading_level("<h3>Dec 20, 2023</h3>") == 3
    assert section_heading_level("<p>nothing</p>") == 2


def test_subheadings_inside_a_section_do_not_end_it():
    page = "<h2>2023-12-13</h2><h3>Actions</h3><p>a</p><h2>Footer</h2>"
    topic = Topic((T("doc"),), (ItemList((Item((T("n"),)),)),))
    result = merge_page(
        page, {D(2023, 12, 13): render_meeting(Meeting(D(2023, 12, 13), (ItemList((topic,)),)))}, {}
    )
    assert "<h3>Actions</h3>" not in result.body
    assert result.body.endswith("<h2>Footer</h2>")
