"""Nobody's words are clobbered: the three-way rules per meeting, end to end against the fakes.

Each test runs on Confluence Cloud (v2) and Data Center (v1); people edit the page through the
fake's editor (a new version, as the real editor saves one) while the doc changes in Google.
"""

import copy
import json
import re

from tests.e2e.live import DOC_ID, EXAMPLE, sync, the_page, writes
from tests.fakes.confluence import FakeConfluence

PAGE_PUT = re.compile(r"/(pages|content)/\d+$")


def edit_doc(google, *changes: tuple[str, str]) -> None:
    text = json.dumps(EXAMPLE)
    for old, new in changes:
        text = text.replace(old, new)
    google.edit(DOC_ID, json.loads(text))


def edit_page(confluence: FakeConfluence, old: str, new: str) -> None:
    page = the_page(confluence)
    assert old in page.body
    confluence.edit_page(page.id, page.body.replace(old, new), "by hand")


def page_puts(confluence: FakeConfluence) -> list[str]:
    return [
        path for method, path in writes(confluence) if method == "PUT" and PAGE_PUT.search(path)
    ]


def test_an_edit_on_the_page_then_in_the_doc_is_a_conflict_until_forced(
    config, google, confluence, capsys
):
    sync(config, capsys)
    edit_page(confluence, "Contract expires around June", "Contract expires in May (checked)")
    edit_doc(google, ("New Relic", "NewRelic"))

    code, out, err = sync(config, capsys, "--dry-run")
    assert code == 0, err
    assert re.search(r"2023-12-20  conflict +edited in Confluence and changed in the doc", out)
    assert "--- 2023-12-20 as last synced (version 1)" in out
    assert "+++ 2023-12-20 in the doc now" in out and "+++ 2023-12-20 on the page now" in out
    assert "+  * Contract expires in May (checked)" in out
    assert "+* **(Dave)** NewRelic -> DataDog status" in out

    confluence.reset_log()
    code, out, err = sync(config, capsys)
    assert code == 3
    assert "--force 2023-12-20" in err.splitlines()[0]
    assert "expires in May (checked)" in the_page(confluence).body
    assert page_puts(confluence) == []

    code, _, err = sync(config, capsys, "--force", "2023-12-20")
    assert code == 0, err
    body = the_page(confluence).body
    assert "NewRelic" in body and "May (checked)" not in body


def test_edits_to_the_preamble_and_an_old_section_survive_a_new_meeting_in_one_put(
    config, google, confluence, capsys
):
    sync(config, capsys)
    page = the_page(confluence)
    confluence.edit_page(page.id, "<p>Be kind. (added by hand)</p>" + page.body)
    edit_page(confluence, "Expertise about how to use Dependabot", "Expertise in Dependabot")
    edit_doc(google, ('"2023-12-20\\n"', '"2023-12-27\\n"'))
    confluence.reset_log()

    code, out, err = sync(config, capsys)
    assert code == 0, err
    body = the_page(confluence).body
    assert body.startswith("<p>Be kind. (added by hand)</p>")
    assert "Expertise in Dependabot" in body and "<h2>2023-12-27</h2>" in body
    assert "2023-12-06  kept (edited in Confluence)" in out
    assert len(page_puts(confluence)) == 1

    confluence.reset_log()
    code, out, _ = sync(config, capsys)
    assert code == 0 and writes(confluence) == []


def test_a_page_edit_with_nothing_new_in_the_doc_is_reported_as_kept_and_writes_nothing(
    config, google, confluence, capsys
):
    sync(config, capsys)
    edit_page(confluence, "Expertise about how to use Dependabot", "Expertise in Dependabot")
    confluence.reset_log()

    code, out, _ = sync(config, capsys, "--dry-run")
    assert code == 0 and "2023-12-06  kept (edited in Confluence)" in out
    code, out, _ = sync(config, capsys)
    assert code == 0 and writes(confluence) == []
    assert "Expertise in Dependabot" in the_page(confluence).body


def test_state_deleted_by_hand_means_nothing_is_ours_and_nothing_is_overwritten(
    config, google, confluence, capsys
):
    sync(config, capsys)
    the_page(confluence).properties.clear()
    edit_doc(google, ("New Relic", "NewRelic"))
    code, out, err = sync(config, capsys)
    assert code == 0, err
    assert "2023-12-20  unmanaged (differs)" in out
    assert "kept hand-made 2023-12-20" in err
    assert "NewRelic" not in the_page(confluence).body
    assert page_puts(confluence) == []
    # The identical sections were adopted (state only, no page edit), so they follow the doc.
    edit_doc(google, ("New Relic", "NewRelic"), ("Scheduled for 2am", "Scheduled for 3am"))
    code, out, _ = sync(config, capsys)
    assert code == 0 and "2023-12-13  updated" in out
    assert "Scheduled for 3am" in the_page(confluence).body
    assert "NewRelic" not in the_page(confluence).body


def test_state_from_a_future_release_is_read_as_none(config, google, confluence, capsys):
    sync(config, capsys)
    (prop,) = the_page(confluence).properties.values()
    prop["value"] = {"schema": 99, "meetings": {"2023-12-20": {"page": "x", "doc": "y"}}}
    edit_doc(google, ("New Relic", "NewRelic"))
    code, out, _ = sync(config, capsys)
    assert code == 0 and "2023-12-20  unmanaged (differs)" in out
    assert "NewRelic" not in the_page(confluence).body


def test_an_emptied_doc_keeps_every_section_and_writes_nothing(config, google, confluence, capsys):
    sync(config, capsys)
    before = the_page(confluence).body
    emptied = copy.deepcopy(EXAMPLE)
    for tab in emptied["tabs"]:
        tab["documentTab"]["body"]["content"] = tab["documentTab"]["body"]["content"][:1]
    google.edit(DOC_ID, emptied)
    confluence.reset_log()
    code, out, _ = sync(config, capsys)
    assert code == 0 and "no dated meetings found; nothing to write" in out
    assert the_page(confluence).body == before and writes(confluence) == []
