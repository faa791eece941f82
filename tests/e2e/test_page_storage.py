"""Pages as Confluence stores them, end to end on Cloud (v2) and Data Center (v1): saves in
Cloud's editor, layouts, inline comments, display choices, pages it cannot write safely."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.live import TITLE, edit_doc, sync, the_page, writes
from tests.fakes.cloud_editor import saved_in_cloud_editor

REAL = Path(__file__).parents[1] / "fixtures" / "real-confluence"


def real(number: str) -> str:
    (path,) = REAL.glob(f"{number}-*.xhtml")
    return path.read_text(encoding="utf-8")


def statuses(out: str) -> dict[str, str]:
    (page,) = json.loads(out)["pages"]
    return {m["date"]: m["status"] for m in page["meetings"]}


def page_writes(confluence) -> list[str]:
    return [
        p for m, p in writes(confluence) if m == "PUT" and re.search(r"/(pages|content)/\d+$", p)
    ]


def save_in_editor(confluence, change=lambda body: body) -> None:
    page = the_page(confluence)
    confluence.edit_page(page.id, change(saved_in_cloud_editor(page.body)), "published")


@pytest.mark.parametrize("number", ["02", "21", "27"])
def test_after_a_save_in_the_cloud_editor_only_the_meeting_the_doc_changed_is_written(
    number, config, google, confluence, capsys
):
    confluence.add_page("ARCH", TITLE, real(number), parent_id="1000")
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    save_in_editor(confluence)
    saved = the_page(confluence).body
    preamble = saved[: saved.rfind("<h2", 0, saved.index(">2023-12-20<"))]
    edit_doc(google, "New Relic", "NewRelic")
    confluence.reset_log()
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    assert statuses(out) == {
        "2023-12-20": "updated",
        "2023-12-13": "unchanged",
        "2023-12-06": "unchanged",
        "2023-11-30": "unchanged",
    }
    assert len(page_writes(confluence)) == 1
    assert the_page(confluence).body.startswith(preamble) and len(preamble) > len(real(number))


def test_a_new_meeting_goes_into_the_layout_cell_that_holds_the_meetings(
    config, google, confluence, capsys
):
    sync(config, capsys)
    page = the_page(confluence)
    cell = '<ac:layout><ac:layout-section ac:type="two_right_sidebar"><ac:layout-cell>{}'
    cell += "</ac:layout-cell><ac:layout-cell><p>Links</p></ac:layout-cell></ac:layout-section>"
    cell += "</ac:layout>"
    start = page.body.index("<h2>2023-12-20</h2>")
    confluence.edit_page(page.id, page.body[:start] + cell.format(page.body[start:]))
    edit_doc(google, '"2023-12-20\\n"', '"2023-12-27\\n"')
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    body = the_page(confluence).body
    assert body.count("<h2>2023-12-27</h2>") == 1
    in_cell = body[body.index("<ac:layout-cell>") : body.index("</ac:layout-cell>")]
    assert in_cell.index("2023-12-27") < in_cell.index("2023-12-20") < in_cell.index("2023-11-30")
    assert statuses(out)["2023-12-27"] == "added" and statuses(out)["2023-12-20"] == "kept"


def test_an_inline_comment_is_no_edit_and_stays_on_its_words(config, google, confluence, capsys):
    sync(config, capsys)
    words = "Contract expires around June"
    marker = f'<ac:inline-comment-marker ac:ref="1c9">{words}</ac:inline-comment-marker>'
    save_in_editor(confluence, lambda body: body.replace(words, marker))
    edit_doc(google, "New Relic", "NewRelic")
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    assert statuses(out)["2023-12-20"] == "updated"
    body = the_page(confluence).body
    assert marker in body and "NewRelic" in body


def test_a_comment_whose_words_the_doc_removed_is_named_before_anything_is_written(
    config, google, confluence, capsys
):
    sync(config, capsys)
    marker = '<ac:inline-comment-marker ac:ref="1c9">around June</ac:inline-comment-marker>'
    save_in_editor(confluence, lambda body: body.replace("around June", marker))
    edit_doc(google, "Contract expires around June", "Contract renewed")
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    note = "the comment on 'around June' in 2023-12-20 loses its place"
    assert note in err and note in json.loads(out)["pages"][0]["notes"][0]
    assert err.index(note) < err.index("syncer sync: done")


def test_a_display_choice_made_on_the_page_is_an_edit_that_stays(
    config, google, confluence, capsys
):
    sync(config, capsys)
    page = the_page(confluence)
    links = re.findall(r"<a href=\"[^\"]+\">", page.body)
    chosen = links[0].replace("<a ", '<a data-card-appearance="block" ')
    confluence.edit_page(page.id, page.body.replace(links[0], chosen, 1))
    code, out, _ = sync(config, capsys, "--json")
    assert code == 0 and "edited" in statuses(out).values()
    assert chosen in the_page(confluence).body


def test_a_conflict_after_an_editor_save_shows_the_words_that_changed_not_markup(
    config, google, confluence, capsys
):
    sync(config, capsys)
    save_in_editor(
        confluence,
        lambda body: body.replace("Contract expires around June", "Contract ends in May"),
    )
    edit_doc(google, "New Relic", "NewRelic")
    code, out, err = sync(config, capsys, "--dry-run")
    assert code == 0, err
    page_side = out[out.index("+++ 2023-12-20 on the page now") :]
    changed = [
        line
        for line in page_side.splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["-  * Contract expires around June", "+  * Contract ends in May"]


def test_a_page_that_cannot_be_written_safely_gets_nothing_and_the_run_says_why(
    config, google, confluence, capsys
):
    sync(config, capsys)
    page = the_page(confluence)
    twice = page.body.replace(
        "<h2>2023-12-06</h2>", "<h2>2023-12-20</h2><p>copy</p><h2>2023-12-06</h2>"
    )
    confluence.edit_page(page.id, twice)
    edit_doc(google, "New Relic", "NewRelic")
    for args in (("--dry-run",), ()):
        confluence.reset_log()
        code, out, err = sync(config, capsys, *args)
        assert code == 1
        problem = (
            f"{TITLE}: cannot replace the section of 2023-12-20 safely: it has more than one"
            " heading on this page; merge or move it by hand"
        )
        assert (
            problem in err.splitlines()[-2]
            and f"nothing written: {problem[len(TITLE) + 2 :]}" in out
        )
        assert page_writes(confluence) == []
    assert the_page(confluence).body == twice
