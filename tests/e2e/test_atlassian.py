"""A sync against a Confluence that answers as Atlassian documents it, and either way where the
documentation leaves the answer open (issue 11's nine points, each against the fakes)."""

import pytest

from tests.e2e.live import HOME, TITLE, edit_doc, sync, the_page, writes

CLOUD = pytest.mark.parametrize("confluence", ["cloud"], indirect=True)
DATA_CENTER = pytest.mark.parametrize("confluence", ["datacenter"], indirect=True)


def v1_content_calls(confluence) -> list[str]:
    """Requests to v1 endpoints other than those v2 has no equivalent of."""
    kept = ("/label", "/user/current", "/child/attachment")
    return [
        f"{m} {p}" for m, p, _ in confluence.requests if "/rest/api/" in p and not p.endswith(kept)
    ]


@CLOUD
def test_a_cloud_sync_calls_no_removed_v1_endpoint(config, google, confluence, capsys):
    code, _, err = sync(config, capsys)
    edit_doc(google, "New Relic", "NewRelic")
    assert code == 0 and sync(config, capsys)[0] == 0, err
    assert v1_content_calls(confluence) == []


@DATA_CENTER
def test_data_center_without_the_property_expansion_reads_the_state_on_its_own(
    config, google, confluence, capsys
):
    confluence.expands_properties = False
    assert sync(config, capsys)[0] == 0
    confluence.reset_log()
    code, out, err = sync(config, capsys)
    assert code == 0 and "nothing written" in out, err
    assert writes(confluence) == []
    edit_doc(google, "New Relic", "NewRelic")
    code, _, err = sync(config, capsys)
    assert code == 0 and the_page(confluence).version == 2, err
    (prop,) = the_page(confluence).properties.values()
    assert prop["version"] == 2 and "2023-12-20" in prop["value"]["meetings"]


@CLOUD
def test_a_cloud_edit_the_account_may_not_make_names_the_permission(
    config, google, confluence, capsys
):
    assert sync(config, capsys)[0] == 0
    confluence.read_only = True
    edit_doc(google, "New Relic", "NewRelic")
    code, _, err = sync(config, capsys)
    (line,) = [x for x in err.splitlines() if '"error"' in x]
    assert code == 1 and the_page(confluence).version == 1
    assert "CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN may not edit 'Arch Hours: 2023'" in line
    assert "space permission Add Page in ARCH" in line


@CLOUD
def test_a_cloud_space_the_account_may_not_add_pages_to_names_the_permission(
    config, confluence, capsys
):
    confluence.read_only = True
    code, _, err = sync(config, capsys)
    assert code == 1 and "may not add pages to space ARCH" in err
    assert confluence.find_page("ARCH", TITLE) is None


@DATA_CENTER
def test_a_bad_token_served_as_anonymous_fails_before_creating_anything(
    config, confluence, capsys, monkeypatch
):
    confluence.anonymous_access = True
    monkeypatch.setenv("CONFLUENCE_TOKEN", "expired-pat")
    code, _, err = sync(config, capsys)
    assert code == 1 and "took the request as anonymous: check CONFLUENCE_TOKEN" in err
    assert writes(confluence) == []


@DATA_CENTER
def test_a_page_id_not_found_by_the_anonymous_user_is_a_credentials_error(
    config, confluence, capsys, monkeypatch
):
    page_id = confluence.add_page("ARCH", "Arch Hours", "<p>Ours.</p>", HOME)
    text = config.read_text().replace('title = "Arch Hours: {year}"', 'title = "Arch Hours"')
    config.write_text(text + f"page_id = {page_id}\n")
    confluence.anonymous_access = True
    monkeypatch.setenv("CONFLUENCE_TOKEN", "expired-pat")
    code, _, err = sync(config, capsys)
    assert code == 1 and "anonymous" in err and "no such page" not in err


def test_the_current_page_is_found_among_archived_and_trashed_ones_of_the_same_title(
    config, google, confluence, capsys
):
    archived = confluence.add_page("ARCH", TITLE, "<p>Archived.</p>", HOME, status="archived")
    trashed = confluence.add_page("ARCH", TITLE, "<p>Binned.</p>", HOME, status="trashed")
    current = confluence.add_page("ARCH", TITLE, "<p>Current.</p>", HOME)
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert confluence.pages[current].version == 2 and "2023-12-20" in confluence.pages[current].body
    assert [confluence.pages[p].version for p in (archived, trashed)] == [1, 1]


def test_a_title_search_that_returns_near_titles_is_followed_to_the_exact_one(
    config, confluence, capsys
):
    confluence.title_match, confluence.max_page_size = "loose", 1
    near = confluence.add_page("ARCH", f"{TITLE} (old copy)", "<p>Copy.</p>", HOME)
    exact = confluence.add_page("ARCH", TITLE, "<p>Ours.</p>", HOME)
    code, _, err = sync(config, capsys)
    assert code == 0, err
    assert confluence.pages[exact].version == 2 and confluence.pages[near].version == 1


@CLOUD
def test_a_stale_version_answered_with_400_is_a_lost_race_re_read_and_merged(
    config, google, confluence, capsys
):
    confluence.stale_version_status = 400
    assert sync(config, capsys)[0] == 0
    page_id = the_page(confluence).id

    def someone_saves(page):
        confluence.on_before_put = None
        confluence.edit_page(page_id, "<p>A person's intro.</p>\n" + page.body)

    confluence.on_before_put = someone_saves
    edit_doc(google, "New Relic", "NewRelic")
    code, _, err = sync(config, capsys)
    body = the_page(confluence).body
    assert code == 0, err
    assert "A person's intro." in body and "NewRelic" in body


@CLOUD
def test_state_past_the_50_properties_v2_embeds_is_read_on_its_own(config, confluence, capsys):
    page_id = confluence.add_page("ARCH", "Arch Hours", "<p>Our archive.</p>", HOME)
    for n in range(60):
        confluence.add_property(page_id, f"another-app-{n:02}", {"n": n})
    text = config.read_text().replace('title = "Arch Hours: {year}"', 'title = "Arch Hours"')
    config.write_text(text + f'page_id = {page_id}\nlabels = ["arch-hours"]\n')
    assert sync(config, capsys)[0] == 0
    confluence.reset_log()
    code, out, err = sync(config, capsys)
    assert code == 0 and "nothing written" in out, err
    assert writes(confluence) == []
