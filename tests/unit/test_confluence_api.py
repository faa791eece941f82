"""Focused tests of the Confluence call path: retries, Retry-After, errors as our own."""

import json

import pytest
import requests
import responses

from syncer.errors import AuthError, PageError, VersionConflict
from syncer.stores.base import Page, SyncState
from syncer.stores.confluence import DataCenterPages
from syncer.stores.confluence_api import ConfluenceApi, Credentials, NotFound

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
    page = Page("Arch Hours: 2023", "<p>old</p>", 5, "42")
    body = "<p>intro</p>\n<h2>2023-12-20</h2>\n<ul><li>x</li></ul>\n<h2>2023-12-13</h2>"
    with pytest.raises(PageError, match=r"Arch Hours: 2023' \(in meeting 2023-12-20\)"):
        pages.update(page, body, SyncState(), "notes sync: added 2023-12-20")
    sent = json.loads(responses.calls[0].request.body)
    assert sent["version"] == {
        "number": 6,
        "message": "notes sync: added 2023-12-20",
        "minorEdit": False,
    }
