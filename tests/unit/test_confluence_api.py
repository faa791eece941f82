"""Focused tests of the Confluence call path: retries, Retry-After, errors as our own."""

import json

import pytest
import requests
import responses

from syncer.credentials import Credentials
from syncer.deadline import Budget
from syncer.errors import AuthError, PageError, VersionConflict
from syncer.state import SyncState
from syncer.stores.base import Page
from syncer.stores.confluence import CloudPages, DataCenterPages, PageRef
from syncer.stores.confluence.api import ConfluenceApi, NotFound

BASE = "https://wiki.example.org"
PAGE = f"{BASE}/rest/api/content/42"


@pytest.fixture
def slept():
    return []


@pytest.fixture
def api(slept):
    return ConfluenceApi(BASE, Credentials(pat="pat-secret"), sleep=slept.append)


@responses.activate
def test_429_is_retried_after_the_seconds_confluence_asks_for(api, slept):
    responses.get(PAGE, status=429, headers={"Retry-After": "7"})
    responses.get(PAGE, json={"id": "42"})
    assert api.call("GET", "rest/api/content/42") == {"id": "42"}
    assert slept == [7.0]
    assert responses.calls[0].request.headers["Authorization"] == "Bearer pat-secret"


@responses.activate
def test_retry_after_within_the_runs_budget_is_honoured_in_full_and_a_post_is_retried_on_429(
    api, slept
):
    responses.post(f"{BASE}/rest/api/content", status=429, headers={"Retry-After": "90"})
    responses.post(f"{BASE}/rest/api/content", json={"id": "1"})
    api.call("POST", "rest/api/content", body={}, safe_to_repeat=False)
    assert slept == [90.0]


@responses.activate
def test_a_500_is_retried_for_a_get_but_not_for_a_create(api, slept):
    responses.get(PAGE, status=500)
    responses.get(PAGE, json={"id": "42"})
    assert api.call("GET", "rest/api/content/42") == {"id": "42"}
    responses.post(f"{BASE}/rest/api/content", status=500, json={"message": "boom"})
    with pytest.raises(PageError, match="500"):
        api.call("POST", "rest/api/content", body={}, safe_to_repeat=False)
    assert len(slept) == 1


@responses.activate
def test_retries_are_bounded_and_end_in_one_clear_error(api, slept):
    responses.get(PAGE, status=503, headers={"Retry-After": "1"})
    with pytest.raises(PageError, match="Confluence answered 503"):
        api.call("GET", "rest/api/content/42")
    assert len(responses.calls) == 5 and len(slept) == 4


@responses.activate
def test_network_errors_are_retried_where_safe(api, slept):
    responses.get(PAGE, body=requests.ConnectionError("refused"))
    responses.get(PAGE, json={"id": "42"})
    assert api.call("GET", "rest/api/content/42") == {"id": "42"}
    assert len(slept) == 1


@responses.activate
def test_401_names_the_variable_to_check_and_never_the_secret(api):
    responses.get(PAGE, status=401, json={"message": "Unauthorized", "statusCode": 401})
    with pytest.raises(AuthError) as caught:
        api.call("GET", "rest/api/content/42")
    assert "CONFLUENCE_TOKEN" in str(caught.value) and "pat-secret" not in str(caught.value)
    assert "pat-secret" not in repr(api.credentials)


@responses.activate
def test_basic_auth_names_both_cloud_variables_on_403():
    api = ConfluenceApi(BASE, Credentials(username="me@example.org", api_token="tok"))
    responses.get(PAGE, status=403, json={"message": "Current user not permitted"})
    with pytest.raises(AuthError, match="CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN"):
        api.call("GET", "rest/api/content/42")


@responses.activate
def test_409_and_404_become_our_own_exceptions(api):
    responses.put(PAGE, status=409, json={"message": "Version must be incremented on update."})
    with pytest.raises(VersionConflict, match="Version must be incremented"):
        api.call("PUT", "rest/api/content/42", body={})
    responses.get(PAGE, status=404, json={"message": "No content found"})
    with pytest.raises(NotFound):
        api.call("GET", "rest/api/content/42")


@responses.activate
def test_a_storage_parse_error_names_the_meeting_it_points_at(api):
    message = (
        "Error parsing xhtml: Unexpected close tag </br>; expected </p>.\n"
        " at [row,col {unknown-source}]: [3,7]"
    )
    responses.put(PAGE, status=400, json={"statusCode": 400, "message": message})
    pages = DataCenterPages(api, "ARCH")
    page = Page("Arch Hours: 2023", "<p>old</p>", 5, handle=PageRef("42"))
    body = "<p>intro</p>\n<h2>2023-12-20</h2>\n<ul><li>x</li></ul>\n<h2>2023-12-13</h2>"
    with pytest.raises(PageError, match=r"Arch Hours: 2023' \(in meeting 2023-12-20\)"):
        pages.update(page, body, SyncState(), "notes sync: added 2023-12-20")
    sent = json.loads(responses.calls[0].request.body)
    assert sent["version"] == {
        "number": 6,
        "message": "notes sync: added 2023-12-20",
        "minorEdit": False,
    }


@responses.activate
def test_a_retry_after_beyond_the_runs_budget_fails_at_once_saying_how_long(api, slept):
    responses.get(PAGE, status=429, headers={"Retry-After": "86400"})
    with pytest.raises(PageError) as caught:
        api.call("GET", "rest/api/content/42")
    assert slept == [] and len(responses.calls) == 1
    assert "asked to wait 24 h (86400 s)" in str(caught.value)
    assert "run it again later" in str(caught.value)


@responses.activate
def test_retries_stop_when_the_next_wait_would_outlast_the_run(slept):
    now = [0.0]
    api = ConfluenceApi(
        BASE, Credentials(pat="p"), sleep=slept.append, budget=Budget(10, clock=lambda: now[0])
    )
    responses.get(PAGE, status=503, headers={"Retry-After": "6"})
    responses.get(PAGE, status=503, headers={"Retry-After": "6"})
    responses.get(PAGE, json={"id": "42"})
    now[0] = 5.0  # five of the ten seconds are gone: a wait of 6 s no longer fits
    with pytest.raises(PageError, match="asked to wait 6 s, more than the 5 s this run has left"):
        api.call("GET", "rest/api/content/42")
    assert slept == []


@responses.activate
def test_a_run_out_of_time_sends_nothing_more(slept):
    api = ConfluenceApi(BASE, Credentials(pat="p"), budget=Budget(10, clock=lambda: 0.0))
    api.budget.ends = -1.0
    with pytest.raises(PageError, match="this run has spent its 10 s on Confluence"):
        api.call("GET", "rest/api/content/42")
    assert len(responses.calls) == 0


@responses.activate
def test_a_v2_400_naming_the_version_is_a_lost_race_and_other_400s_are_not():
    api = ConfluenceApi(BASE, Credentials(username="u", api_token="t"))
    v2 = f"{BASE}/api/v2/pages/42"
    stale = {"errors": [{"status": 400, "title": "Version must be incremented. Current: [3]"}]}
    responses.put(v2, status=400, json=stale)
    with pytest.raises(VersionConflict):
        api.call("PUT", "api/v2/pages/42", body={})
    responses.put(v2, status=400, json={"errors": [{"status": 400, "title": "Error parsing"}]})
    with pytest.raises(PageError) as caught:
        api.call("PUT", "api/v2/pages/42", body={})
    assert not isinstance(caught.value, VersionConflict)


@responses.activate
def test_a_property_that_already_exists_on_create_is_read_and_updated(api):
    """Data Center: the state was not read with the page (or another run created it since)."""
    prop = f"{PAGE}/property"
    exists = "Cannot add a property with key 'notes-sync': a property with that key already exists"
    responses.post(prop, status=400, json={"statusCode": 400, "message": exists})
    responses.get(
        f"{prop}/notes-sync", json={"key": "notes-sync", "value": {}, "version": {"number": 4}}
    )
    responses.put(f"{prop}/notes-sync", json={"key": "notes-sync", "version": {"number": 5}})
    page = Page("T", "<p/>", 1, handle=PageRef("42"))
    saved = DataCenterPages(api, "ARCH").save_state(page, SyncState())
    assert saved.handle == PageRef("42", "notes-sync", 5)
    assert json.loads(responses.calls[-1].request.body)["version"] == {"number": 5}


@responses.activate
def test_a_cloud_property_that_already_exists_is_read_by_key_and_updated_by_id():
    api = ConfluenceApi(BASE, Credentials(username="u", api_token="t"))
    props = f"{BASE}/api/v2/pages/42/properties"
    exists = {
        "errors": [{"status": 400, "title": "A property with key 'notes-sync' already exists"}]
    }
    responses.post(props, status=400, json=exists)
    found = {"id": "77", "key": "notes-sync", "value": {}, "version": {"number": 2}}
    responses.get(props, json={"results": [found], "_links": {}})
    responses.put(f"{props}/77", json={**found, "version": {"number": 3}})
    page = Page("T", "<p/>", 1, handle=PageRef("42"))
    saved = CloudPages(api, "ARCH").save_state(page, SyncState())
    assert saved.handle == PageRef("42", "77", 3)
