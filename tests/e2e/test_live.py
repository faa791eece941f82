"""The CLI end to end against local fakes of Google and Confluence, over real HTTP.

The real client libraries (google-api-python-client, google-auth, atlassian-python-api)
talk to the fakes; nothing leaves 127.0.0.1 and no test sleeps.
"""

import json

from syncer import cli
from tests.e2e.live import DOC_ID, HOME, TITLE, edit_doc, sync, the_page, writes
from tests.e2e.logged import messages
from tests.fakes import recorder


def test_first_sync_creates_the_page_under_the_home_page_and_notifies(config, confluence, capsys):
    code, _, err = sync(config, capsys)
    assert code == 0, err
    page = the_page(confluence)
    assert page.parent_id == HOME and page.version == 1
    assert page.body.index("<h2>2023-12-20</h2>") < page.body.index("<h2>2023-11-30</h2>")
    assert "notes-sync" in page.properties
    assert confluence.notifications == [(page.id, 1)]


def test_a_second_sync_with_nothing_new_is_one_read_per_side_and_no_write(
    config, google, confluence, capsys
):
    sync(config, capsys)
    google.requests.clear()
    confluence.reset_log()
    code, out, _ = sync(config, capsys)
    assert code == 0 and "nothing written" in out
    assert writes(confluence) == []
    docs_reads = [r for r in google.requests if "/documents/" in r[1]]
    assert len(docs_reads) == 1
    expected_reads = 1 if confluence.deployment == "datacenter" else 3
    assert len(confluence.requests) == expected_reads
    assert the_page(confluence).version == 1


def test_a_new_meeting_is_one_page_write_plus_its_state_and_notifies_watchers(
    config, google, confluence, capsys
):
    sync(config, capsys)
    edit_doc(google, '"2023-12-20\\n"', '"2023-12-27\\n"')
    confluence.reset_log()
    code, out, _ = sync(config, capsys)
    page = the_page(confluence)
    assert code == 0 and "2023-12-27  added" in out
    page_writes = [w for w in writes(confluence) if "propert" not in w[1]]
    assert len(page_writes) == 1 and len(writes(confluence)) == 2
    assert page.version == 2
    assert page.history[-1].message == "notes sync: added 2023-12-27"
    assert page.history[-1].minorEdit is False
    assert confluence.notifications[-1] == (page.id, 2)


def test_a_human_edit_to_the_preamble_survives(config, google, confluence, capsys):
    sync(config, capsys)
    page = the_page(confluence)
    page.body = "<h1>Meeting Expectations</h1><p>Be kind.</p>" + page.body
    page.version += 1
    edit_doc(google, "New Relic", "NewRelic")
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert page.body.startswith("<h1>Meeting Expectations</h1><p>Be kind.</p>")
    assert "NewRelic" in page.body


def test_a_save_between_our_read_and_write_is_re_read_and_kept(config, google, confluence, capsys):
    sync(config, capsys)
    edit_doc(google, "New Relic", "NewRelic")
    saved = []

    def person_saves(page):
        if not saved:
            saved.append(page.version)
            page.body = "<p>Added by a person during the sync.</p>" + page.body
            page.version += 1

    confluence.on_before_put = person_saves
    code, _, err = sync(config, capsys)
    page = the_page(confluence)
    assert code == 0, err
    assert page.body.startswith("<p>Added by a person during the sync.</p>")
    assert "NewRelic" in page.body and page.version == 3


def test_a_429_storm_is_ridden_out_honouring_retry_after(config, confluence, capsys, slept):
    confluence.fail_next("GET", ".*", 429, headers={"Retry-After": "2"}, times=3)
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert slept[:3] == [2.0, 2.0, 2.0]


def test_a_5xx_on_a_read_is_retried_and_a_5xx_on_create_fails_cleanly(
    config, confluence, capsys, slept
):
    confluence.fail_next("POST", r"pages$|content$", 500, times=1)
    code, _, err = sync(config, capsys)
    assert code == 1 and "500" in err and err.count("\n") == 2
    assert [p for p in confluence.pages.values() if p.title == TITLE] == []
    confluence.fail_next("GET", ".*", 502, times=1)
    code, _, err = sync(config, capsys)
    assert code == 0, err


def test_a_bad_confluence_token_is_one_line_naming_the_variable(config, confluence, capsys):
    if confluence.deployment == "cloud":
        confluence.api_token = "rotated"
        variable = "CONFLUENCE_API_TOKEN"
    else:
        confluence.pat = "rotated"
        variable = "CONFLUENCE_TOKEN"
    code, _, err = sync(config, capsys)
    error, summary = messages(err)
    assert code == 1 and variable in error and "401" in error
    assert summary.startswith("syncer sync: exit 1")


def test_a_missing_page_id_is_a_clear_failure(config, confluence, capsys):
    text = config.read_text().replace(
        'title = "Arch Hours: {year}"', 'title = "Arch"\npage_id = 999'
    )
    config.write_text(text)
    code, _, err = sync(config, capsys)
    assert code == 1 and "page_id 999: no such page" in err


def test_a_missing_doc_is_a_clear_failure_and_writes_nothing(config, google, confluence, capsys):
    config.write_text(config.read_text().replace(DOC_ID, "1NoSuchDocument_abcdefghijklmnop"))
    code, _, err = sync(config, capsys)
    assert code == 1 and "not found" in err
    assert writes(confluence) == []


def test_minor_edits_notify_nobody_on_data_center_and_cloud_says_so_before_writing(
    config, google, confluence, capsys, caplog
):
    sync(config, capsys)
    before = list(confluence.notifications)
    edit_doc(google, "New Relic", "NewRelic")
    told_before_the_put: list[bool] = []
    confluence.on_before_put = lambda page: told_before_the_put.append(
        any("will be notified" in r.getMessage() for r in caplog.records)
    )
    code, _, err = sync(config, capsys, "--minor")
    assert code == 0 and the_page(confluence).version == 2
    if confluence.deployment == "datacenter":
        assert the_page(confluence).history[-1].minorEdit is True
        assert confluence.notifications == before and told_before_the_put == [False]
    else:  # v2 has no minor edit: nothing is sent that it does not document, and we say so
        assert confluence.notifications == [*before, (the_page(confluence).id, 2)]
        assert told_before_the_put == [True]
        assert "--minor cannot be honoured" in err
        (put,) = [
            json.loads(x.body)
            for x in recorder.RECORDED
            if x.test == recorder.current_test and x.method == "PUT" and x.path.count("/") == 2
        ]
        assert put["version"] == {"number": 2, "message": "notes sync: updated 2023-12-20"}


def test_minor_edits_are_not_claimed_on_cloud_when_nothing_is_written(config, confluence, capsys):
    sync(config, capsys)
    code, _, err = sync(config, capsys, "--minor")
    assert code == 0 and "minor" not in err


def test_dry_run_reads_both_sides_and_writes_nothing(config, confluence, capsys):
    code, out, _ = sync(config, capsys, "--dry-run")
    assert code == 0 and "+## 2023-12-20" in out
    assert writes(confluence) == []
    assert [p for p in confluence.pages.values() if p.title == TITLE] == []


def test_check_prints_one_line_per_check_and_writes_nothing(config, confluence, capsys):
    code = cli.main(["check", "--config", str(config)])
    out, _ = capsys.readouterr()
    assert code == 0, out
    assert "FAIL" not in out and "4 dated" in out
    assert writes(confluence) == []


def test_with_page_id_an_unchanged_sync_is_one_read_on_either_deployment(
    config, google, confluence, capsys
):
    page_id = confluence.add_page("ARCH", "Arch Hours", "<p>Our archive.</p>", HOME)
    text = config.read_text().replace('title = "Arch Hours: {year}"', 'title = "Arch Hours"')
    config.write_text(text + f"page_id = {page_id}\n")
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert confluence.pages[page_id].body.startswith("<p>Our archive.</p>")
    confluence.reset_log()
    google.requests.clear()
    code, out, _ = sync(config, capsys)
    assert code == 0 and "nothing written" in out
    assert len(confluence.requests) == 1
    assert len([r for r in google.requests if r[1] != "/token"]) == 1
