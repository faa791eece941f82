import datetime as dt
from pathlib import Path

import pytest

from syncer.merge import Force, Rendered, merge_page, section_of
from syncer.model import Item, ItemList, Meeting, Topic
from syncer.model import Text as T
from syncer.page_view import PageView
from syncer.render import render_meeting
from syncer.state import SectionRecord
from syncer.status import Status

PAGE = (Path(__file__).parents[1] / "data" / "confluence-page.xhtml").read_text(encoding="utf-8")
PREAMBLE = PAGE[: PAGE.index("<h2>2023-12-20</h2>")]
D = dt.date


def meeting(date: dt.date, *topics: str) -> Meeting:
    return Meeting(date, (ItemList(tuple(Topic((T(t),)) for t in topics)),))


ALL = Force(everything=True)


def rendered(*meetings: Meeting) -> dict[dt.date, Rendered]:
    return {m.date: Rendered.of(render_meeting(m), m) for m in meetings}


def synced(*meetings: Meeting):
    """The page and state after a sync that wrote these meetings over the sample page."""
    return merge_page(PAGE, rendered(*meetings), {}, force=ALL, version=2)


def statuses(result) -> dict[str, str]:
    return {d.date.isoformat(): d.status for d in result.decisions}


def test_a_new_meeting_is_inserted_in_date_order_and_everything_else_is_kept_byte_for_byte():
    result = merge_page(PAGE, rendered(meeting(D(2023, 12, 15), "new topic")), {})
    assert result.body.startswith(PREAMBLE)
    before, after = PAGE.split("<h2>2023-12-13</h2>")
    new_section = render_meeting(meeting(D(2023, 12, 15), "new topic"))
    assert result.body == before + new_section + "\n" + "<h2>2023-12-13</h2>" + after
    assert statuses(result) == {
        "2023-12-20": Status.KEPT,
        "2023-12-15": Status.ADDED,
        "2023-12-13": Status.KEPT,
        "2023-10-25": Status.KEPT,
    }


def test_a_meeting_in_the_doc_replaces_only_its_own_section():
    result = merge_page(PAGE, rendered(meeting(D(2023, 12, 13), "rewritten")), {}, force=ALL)
    assert statuses(result)["2023-12-13"] == Status.UPDATED
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
    first = synced(meeting(D(2023, 12, 13), "x"))
    second = merge_page(first.body, rendered(meeting(D(2023, 12, 13), "x")), first.state)
    assert second.body is first.body
    assert not second.changed
    assert statuses(second)["2023-12-13"] == Status.UNCHANGED


def test_merging_twice_is_merging_once():
    meetings = rendered(meeting(D(2023, 12, 20), "a"), meeting(D(2024, 2, 1), "b"))
    once = merge_page(PAGE, meetings, {}, force=ALL)
    twice = merge_page(once.body, meetings, once.state)
    assert twice.body == once.body
    assert twice.state == once.state
    assert set(statuses(twice).values()) <= {Status.UNCHANGED, Status.KEPT}


def test_a_section_as_we_left_it_follows_the_doc():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    second = merge_page(
        first.body, rendered(meeting(D(2023, 12, 13), "sync-text v2")), first.state, version=3
    )
    decision = second.decisions[1]
    assert (decision.status, decision.reason) == (Status.UPDATED, "changed in the doc")
    assert "sync-text v2" in second.body
    assert second.state["2023-12-13"].version == 3


def test_a_page_edit_is_kept_while_the_doc_has_not_changed():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    edited = first.body.replace("sync-text", "sync-text, plus a human note")
    second = merge_page(edited, rendered(meeting(D(2023, 12, 13), "sync-text")), first.state)
    assert statuses(second)["2023-12-13"] == Status.EDITED
    assert second.body is edited and not second.changed
    assert second.state == first.state
    assert second.settled is False


def test_a_page_edit_and_a_doc_change_to_the_same_meeting_is_a_conflict_keeping_the_page():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    edited = first.body.replace("sync-text", "sync-text, plus a human note")
    later = meeting(D(2023, 12, 13), "sync-text v2")
    second = merge_page(edited, rendered(later), first.state)
    assert statuses(second)["2023-12-13"] == Status.CONFLICT
    assert second.body == edited
    assert second.state["2023-12-13"] == first.state["2023-12-13"]
    clash = second.clashes[D(2023, 12, 13)]
    assert "plus a human note" in clash.page and "sync-text v2" in clash.doc


@pytest.mark.parametrize("force", [ALL, Force(frozenset({D(2023, 12, 13)}))])
def test_force_takes_the_doc_version_over_an_edit(force):
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    edited = first.body.replace("sync-text", "theirs")
    forced = merge_page(edited, rendered(meeting(D(2023, 12, 13), "v2")), first.state, force=force)
    assert statuses(forced)["2023-12-13"] == Status.UPDATED
    assert "theirs" not in forced.body and "v2" in forced.body


def test_force_for_another_date_leaves_a_conflict_alone():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    edited = first.body.replace("sync-text", "theirs")
    other = Force(frozenset({D(2023, 12, 20)}))
    result = merge_page(edited, rendered(meeting(D(2023, 12, 13), "v2")), first.state, force=other)
    assert statuses(result)["2023-12-13"] == Status.CONFLICT


def test_a_new_rendering_of_an_unchanged_doc_updates_a_section_as_we_left_it():
    notes = meeting(D(2023, 12, 13), "same notes")
    first = synced(notes)
    restyled = Rendered.of(render_meeting(notes).replace("<ul>", '<ul class="x">'), notes)
    second = merge_page(first.body, {notes.date: restyled}, first.state)
    decision = second.decisions[1]
    assert (decision.status, decision.reason) == (
        Status.UPDATED,
        "rendered anew by this notes-sync release",
    )


def test_confluence_reserialising_a_section_is_not_a_person_edit():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    ours = section_of(first.body, D(2023, 12, 13))
    saved = ours.replace(
        '<ac:structured-macro ac:name="status"',
        '<ac:structured-macro ac:macro-id="f00-ba4" ac:name="status"',
    ).replace("<h2>2023-12-13</h2>", "<h2>2023-12-13</h2>\n\n")
    stored = first.body.replace(ours, saved)
    second = merge_page(stored, rendered(meeting(D(2023, 12, 13), "sync-text v2")), first.state)
    assert statuses(second)["2023-12-13"] == Status.UPDATED


def test_a_hand_made_section_that_matches_the_doc_is_adopted():
    section = section_of(PAGE, D(2023, 12, 13))
    notes = Rendered(section.strip(), {1: "old-hash", 2: "older-hash", 3: "doc-hash"})
    result = merge_page(PAGE, {D(2023, 12, 13): notes}, {}, version=8)
    assert statuses(result)["2023-12-13"] == Status.UNCHANGED
    assert result.body is PAGE
    assert result.state["2023-12-13"].doc == "doc-hash"
    assert result.state["2023-12-13"].version == 7


def test_a_hand_made_section_that_differs_is_unmanaged_and_kept_unless_forced():
    notes = rendered(meeting(D(2023, 12, 13), "from the doc"))
    result = merge_page(PAGE, notes, {})
    assert statuses(result)["2023-12-13"] == Status.UNMANAGED
    assert result.body is PAGE and "2023-12-13" not in result.state
    forced = merge_page(PAGE, notes, {}, force=Force(frozenset({D(2023, 12, 13)})))
    assert statuses(forced)["2023-12-13"] == Status.UPDATED and "from the doc" in forced.body


def test_a_section_removed_on_the_page_stays_removed_until_the_doc_changes_it():
    notes = meeting(D(2023, 12, 15), "ours")
    first = merge_page(PAGE, rendered(notes), {})
    assert statuses(first)["2023-12-15"] == Status.ADDED
    removed = first.body.replace(section_of(first.body, notes.date), "")
    again = merge_page(removed, rendered(notes), first.state)
    assert statuses(again)["2023-12-15"] == Status.EDITED and again.body is removed
    changed = merge_page(removed, rendered(meeting(notes.date, "ours, changed")), first.state)
    assert statuses(changed)["2023-12-15"] == Status.CONFLICT and changed.body is removed
    forced = merge_page(removed, rendered(notes), first.state, force=ALL)
    assert statuses(forced)["2023-12-15"] == Status.ADDED and "ours" in forced.body


def test_an_edit_under_state_from_the_first_release_is_a_conflict_not_a_guess():
    first = synced(meeting(D(2023, 12, 13), "sync-text"))
    old_state = {d: SectionRecord(w.page, page_form=w.page_form) for d, w in first.state.items()}
    edited = first.body.replace("sync-text", "theirs")
    second = merge_page(edited, rendered(meeting(D(2023, 12, 13), "sync-text")), old_state)
    assert statuses(second)["2023-12-13"] == Status.CONFLICT


def test_force_values_are_dates_or_all():
    assert Force.of(["2023-12-20", "2023-12-13"]) == Force(
        frozenset({D(2023, 12, 20), D(2023, 12, 13)})
    )
    assert D(1999, 1, 1) in Force.of(["all"])
    assert not Force.of([])


def test_a_date_written_twice_is_not_replaced_by_guessing_which_copy():
    page = "<h2>2023-12-13</h2><p>one</p><h2>2023-12-13</h2><p>two</p>"
    result = merge_page(page, rendered(meeting(D(2023, 12, 13), "doc")), {}, force=ALL)
    assert result.body is page and not result.changed
    assert result.blocked == (
        "cannot replace the section of 2023-12-13 safely: it has more than one heading on this"
        " page; merge or move it by hand",
    )


def test_a_new_page_body_gets_its_sections_after_the_preamble():
    result = merge_page("<p>intro</p>", rendered(meeting(D(2023, 1, 4), "a")), {})
    assert result.body.startswith("<p>intro</p><h2>2023-01-04</h2>")


def test_sections_are_rendered_at_the_level_the_page_uses():
    assert PageView(PAGE).level_for(D(2024, 1, 1)) == 2
    assert PageView("<h3>Dec 20, 2023</h3>").level_for(D(2024, 1, 1)) == 3
    assert PageView("<h3>Dec 20, 2023</h3>").level_for(D(2023, 12, 20)) == 3
    assert PageView("<p>nothing</p>").level_for(D(2024, 1, 1)) == 2


def test_subheadings_inside_a_section_do_not_end_it():
    page = "<h2>2023-12-13</h2><h3>Actions</h3><p>a</p><h2>Footer</h2>"
    topic = Topic((T("doc"),), (ItemList((Item((T("n"),)),)),))
    notes = rendered(Meeting(D(2023, 12, 13), (ItemList((topic,)),)))
    result = merge_page(page, notes, {}, force=ALL)
    assert "<h3>Actions</h3>" not in result.body
    assert result.body.endswith("<h2>Footer</h2>")
