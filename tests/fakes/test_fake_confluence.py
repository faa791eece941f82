"""The fake Confluence speaks the API that atlassian-python-api expects, over real HTTP.

Everything here goes through the real client (``atlassian.Confluence(..., cloud=False)``, as
the product builds it), so a shape the library cannot read fails here first.

What atlassian-python-api 5.0.5 does with error statuses (read in ``atlassian/rest_client.py``
and ``atlassian/confluence/base.py``, pinned by the tests below):

- ``.get/.put/.post/.request`` on the client raise ``requests.HTTPError`` (``.response`` set)
  for every 4xx/5xx: 400, 401, 403, 404, 409, 413, 429, 5xx alike. Its text is the v1 body's
  ``message`` and ``reason`` joined by a newline; for a v2 body each ``errors[]`` item is
  ``str(dict)``; a non-JSON body (an HTML 404) is its text. With ``advanced_mode=True`` nothing
  is raised: the ``Response`` comes back.
- Convenience methods re-wrap some of them in ``atlassian.errors`` classes, which are NOT
  ``HTTPError`` subclasses (the ``HTTPError`` is in ``.reason``): ``get_page_by_id`` and
  ``get_page_property`` 404 → ``ApiError``; ``set_page_property`` 400 → ``ApiValueError``;
  ``update_page_property`` 409 → ``ApiConflictError``; 401/403 stay ``HTTPError``.
- A 429 that carries ``Retry-After`` is retried ONCE by the library itself, whatever
  ``backoff_and_retry`` says and for any method (PUT and POST too): ``time.sleep(seconds)``
  (delta-seconds or an HTTP date, clamped to ``max_backoff_seconds``, default 1800), then
  the same request again; a second 429 is raised. No ``Retry-After``, or another status
  (503 included), is not retried. ``retry_with_header=False`` switches this off.
- ``backoff_and_retry=True`` (urllib3 ≥ 2) mounts urllib3's ``Retry`` on the session: 413,
  429 and 503 retried up to 1000 times with exponential backoff plus jitter (sleeping via
  ``time.sleep``), honouring ``Retry-After``.
"""

from __future__ import annotations

import pytest
import requests
from atlassian import Confluence, ConfluenceV2
from atlassian.errors import ApiConflictError, ApiError, ApiValueError

from tests.fakes.confluence import MAX_BODY_BYTES, FakeConfluence, storage_error

SPACE, SPACE_ID, HOME = "SP", "2000", "1000"
KEY = "notes-sync"


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request):
    """v1 on both: on Cloud, the older site that still served the v1 content endpoints."""
    with FakeConfluence(deployment=request.param) as fake:
        fake.add_space(SPACE, SPACE_ID, HOME)
        fake.v1_removed = False
        yield fake


@pytest.fixture
def cloud():
    with FakeConfluence(deployment="cloud") as fake:
        fake.add_space(SPACE, SPACE_ID, HOME)
        yield fake


@pytest.fixture
def slept(monkeypatch):
    """The waits the library asks for, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


def client(fake: FakeConfluence, **options) -> Confluence:
    if fake.deployment == "datacenter":
        auth = {"token": fake.pat}
    else:
        auth = {"username": fake.username, "password": fake.api_token}
    return Confluence(url=fake.url, cloud=False, **{"backoff_and_retry": False, **auth, **options})


def v1_update(page_id: str, title: str, body: str, number: int, **version) -> dict:
    return {
        "id": page_id,
        "type": "page",
        "title": title,
        "version": {"number": number, **version},
        "body": {"storage": {"value": body, "representation": "storage"}},
    }


def v2_update(page_id: str, title: str, body: str, number: int, **version) -> dict:
    return {
        "id": page_id,
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": body},
        "version": {"number": number, **version},
    }


def http_error(call) -> requests.Response:
    with pytest.raises(requests.HTTPError) as raised:
        call()
    return raised.value.response


# --- v1, both deployments --------------------------------------------------------------------


def test_find_by_title_answers_the_results_envelope(fake):
    page_id = fake.add_page(SPACE, "Notes 2024", "<p>hi</p>", parent_id=HOME)
    found = client(fake).get_page_by_title(SPACE, "Notes 2024", expand="body.storage,version")
    (page,) = found["results"]
    assert page["id"] == page_id and page["type"] == "page" and page["status"] == "current"
    assert page["body"]["storage"] == {"value": "<p>hi</p>", "representation": "storage"}
    assert page["version"]["number"] == 1 and page["version"]["minorEdit"] is False
    assert found["_links"]["base"] == fake.url
    assert client(fake).get_page_by_title(SPACE, "No such page")["results"] == []


def test_get_by_id_expands_only_what_is_asked(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>hi</p>", parent_id=HOME)
    fake.add_property(page_id, KEY, {"hash": "abc"})
    confluence = client(fake)
    plain = confluence.get_page_by_id(page_id, expand="version")
    assert "body" not in plain and "body" in plain["_expandable"] and "metadata" not in plain
    assert plain["_links"]["webui"] and plain["_links"]["base"] == fake.url
    expand = f"body.storage,version,metadata.properties.{KEY},ancestors"
    full = confluence.get(f"rest/api/content/{page_id}", params={"expand": expand})
    assert full["body"]["storage"]["value"] == "<p>hi</p>"
    assert full["metadata"]["properties"][KEY]["value"] == {"hash": "abc"}
    assert full["metadata"]["properties"][KEY]["version"]["number"] == 1
    assert [a["id"] for a in full["ancestors"]] == [HOME]


def test_a_stale_version_is_409_naming_the_current_one(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    confluence.put(f"rest/api/content/{page_id}", data=v1_update(page_id, "Notes", "<p>2</p>", 2))
    stale = v1_update(page_id, "Notes", "<p>3</p>", 2)
    response = http_error(lambda: confluence.put(f"rest/api/content/{page_id}", data=stale))
    assert response.status_code == 409
    assert response.json()["message"] == (
        "Version must be incremented on update. Current version is: 2"
    )
    assert response.json()["statusCode"] == 409 and response.json()["reason"] == "Conflict"
    assert fake.pages[page_id].body == "<p>2</p>" and fake.pages[page_id].version == 2


def test_an_update_without_a_version_is_400(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    payload = v1_update(page_id, "Notes", "<p>2</p>", 2)
    del payload["version"]
    response = http_error(lambda: client(fake).put(f"rest/api/content/{page_id}", data=payload))
    assert response.status_code == 400 and "No version supplied" in response.json()["message"]


def test_malformed_storage_is_400_in_confluences_words(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    bad = v1_update(page_id, "Notes", "<p>abc</br></p>", 2)
    response = http_error(lambda: confluence.put(f"rest/api/content/{page_id}", data=bad))
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Error parsing xhtml: Unexpected close tag </br>; expected </p>.\n"
        " at [row,col {unknown-source}]: [1,7]"
    )
    create = {"type": "page", "title": "New", "space": {"key": SPACE}}
    create["body"] = {"storage": {"value": "<p>ok</p>\n<p>x", "representation": "storage"}}
    response = http_error(lambda: confluence.post("rest/api/content", data=create))
    assert response.status_code == 400 and "]: [2," in response.json()["message"]
    assert fake.pages[page_id].version == 1 and fake.find_page(SPACE, "New") is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>a<b>x</p></b>", "Unexpected close tag </p>; expected </b>."),
        ("<p>abc", "Unexpected EOF; was expecting a close tag for element <p>"),
        ("<p>a &bogus; b</p>", 'Undeclared general entity "bogus"'),
        ("<p>soft\x0bbreak</p>", "Illegal character ((CTRL-CHAR, code 11))"),
        ("<p>a]]>b</p>", "String ']]>' not allowed in textual content"),
        ("<p>a < b</p>", "Unexpected character ' ' (code 32)"),
        ("<x:macro/>", 'Undeclared namespace prefix "x"'),
    ],
)
def test_storage_errors_are_worded_as_confluence_words_them(body, expected):
    message = storage_error(body)
    assert message is not None and message.startswith(f"Error parsing xhtml: {expected}")
    assert "\n at [row,col {unknown-source}]: [1," in message


def test_storage_with_macros_and_html_entities_is_well_formed():
    body = (
        '<ac:structured-macro ac:name="toc" ac:schema-version="1"><ac:parameter '
        'ac:name="maxLevel">2</ac:parameter></ac:structured-macro>'
        '<p><ac:link><ri:user ri:account-id="42"/></ac:link>&nbsp;&mdash;&amp;&#160;</p>'
        '<at:var at:name="x"/><p><![CDATA[x]]></p>'
    )
    assert storage_error(body) is None


def test_html_named_entities_are_accepted_and_stored_as_sent(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    body = "<p>a&nbsp;&mdash;&hellip;b</p>"
    updated = client(fake).put(
        f"rest/api/content/{page_id}", data=v1_update(page_id, "Notes", body, 2)
    )
    assert updated["version"]["number"] == 2 and updated["body"]["storage"]["value"] == body
    assert fake.pages[page_id].body == body


def test_a_body_over_5_mib_is_413(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    huge = "<p>" + "x" * MAX_BODY_BYTES + "</p>"
    payload = v1_update(page_id, "Notes", huge, 2)
    response = http_error(lambda: client(fake).put(f"rest/api/content/{page_id}", data=payload))
    assert response.status_code == 413 and "5242880" in response.json()["message"]


def test_create_places_the_page_and_a_duplicate_title_is_400(fake):
    payload = {
        "type": "page",
        "title": "Notes",
        "space": {"key": SPACE},
        "ancestors": [{"id": HOME}],
        "body": {"storage": {"value": "<p>new</p>", "representation": "storage"}},
    }
    confluence = client(fake)
    created = confluence.post("rest/api/content", data=payload)
    page = fake.pages[created["id"]]
    assert (page.title, page.parent_id, page.version, page.space_key) == ("Notes", HOME, 1, SPACE)
    assert created["version"]["number"] == 1 and created["_links"]["webui"]
    response = http_error(lambda: confluence.post("rest/api/content", data=payload))
    assert response.status_code == 400 and "already exists" in response.json()["message"]
    assert fake.notifications == [(created["id"], 1)]


def test_content_properties_are_created_read_updated_and_conflict(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    created = confluence.set_page_property(page_id, {"key": KEY, "value": {"h": "1"}})
    assert created["version"]["number"] == 1 and created["id"]
    with pytest.raises(ApiValueError):  # a second POST of the same key is a 400
        confluence.set_page_property(page_id, {"key": KEY, "value": {"h": "x"}})
    assert confluence.get_page_property(page_id, KEY)["value"] == {"h": "1"}
    update = {"key": KEY, "value": {"h": "2"}, "version": {"number": 2}}
    assert confluence.update_page_property(page_id, update)["version"]["number"] == 2
    with pytest.raises(ApiConflictError) as raised:  # version 2 again: stale
        confluence.update_page_property(page_id, update)
    assert raised.value.reason.response.status_code == 409
    assert fake.pages[page_id].properties[KEY] == {
        "id": created["id"],
        "key": KEY,
        "value": {"h": "2"},
        "version": 2,
    }
    with pytest.raises(ApiError):  # 404, re-wrapped; not an HTTPError
        confluence.get_page_property(page_id, "missing")


def test_a_property_put_with_version_1_creates_it(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    body = {"key": KEY, "value": [1], "version": {"number": 1}}
    client(fake).put(f"rest/api/content/{page_id}/property/{KEY}", data=body)
    assert fake.pages[page_id].properties[KEY]["value"] == [1]


def test_labels_are_added_and_listed(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    confluence.set_page_label(page_id, "meeting-notes")
    path = f"rest/api/content/{page_id}/label"
    confluence.post(path, data=[{"prefix": "global", "name": "archive"}])
    names = [label["name"] for label in confluence.get_page_labels(page_id)["results"]]
    assert names == ["meeting-notes", "archive"] == fake.pages[page_id].labels


def test_the_space_names_its_home_page(fake):
    space = client(fake).get(f"rest/api/space/{SPACE}", params={"expand": "homepage"})
    assert space["key"] == SPACE and space["homepage"]["id"] == HOME


def test_a_forbidden_space_is_403(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    fake.forbidden_spaces.add(SPACE)
    confluence = client(fake)
    assert http_error(lambda: confluence.get_page_by_id(page_id)).status_code == 403
    payload = v1_update(page_id, "Notes", "<p>2</p>", 2)
    response = http_error(lambda: confluence.put(f"rest/api/content/{page_id}", data=payload))
    assert response.status_code == 403 and response.json()["reason"] == "Forbidden"


def test_wrong_credentials_are_401_with_a_json_envelope(fake):
    if fake.deployment == "cloud":
        wrong = Confluence(url=fake.url, username=fake.username, password="old", cloud=False)
        pat_on_cloud = Confluence(url=fake.url, token=fake.api_token, cloud=False)
        rejected = [wrong, pat_on_cloud]
    else:
        wrong = Confluence(url=fake.url, token="rotated", cloud=False)
        basic_on_dc = Confluence(url=fake.url, username="bot", password=fake.pat, cloud=False)
        rejected = [wrong, basic_on_dc]
    for confluence in rejected:
        response = http_error(lambda c=confluence: c.get(f"rest/api/space/{SPACE}"))
        assert response.status_code == 401
        assert response.json() == {
            "statusCode": 401,
            "message": "Client must be authenticated to access this resource.",
            "reason": "Unauthorized",
        }
    assert client(fake).get(f"rest/api/space/{SPACE}")["key"] == SPACE


def test_watchers_are_notified_only_of_non_minor_edits(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    path = f"rest/api/content/{page_id}"
    confluence.put(path, data=v1_update(page_id, "Notes", "<p>2</p>", 2, message="added"))
    confluence.put(path, data=v1_update(page_id, "Notes", "<p>3</p>", 3, minorEdit=True))
    assert fake.notifications == [(page_id, 2)]
    history = [(v.number, v.message, v.minorEdit) for v in fake.pages[page_id].history]
    assert history == [(1, "", False), (2, "added", False), (3, "", True)]


def test_a_save_between_read_and_write_makes_the_put_409(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>ours</p>")

    def person_saves(page):
        fake.on_before_put = None
        fake.edit_page(page.id, "<p>theirs</p>" + page.body, message="by hand")

    fake.on_before_put = person_saves
    payload = v1_update(page_id, "Notes", "<p>synced</p>", 2)
    response = http_error(lambda: client(fake).put(f"rest/api/content/{page_id}", data=payload))
    assert response.status_code == 409 and "Current version is: 2" in response.json()["message"]
    assert fake.pages[page_id].body == "<p>theirs</p><p>ours</p>"
    assert fake.notifications == []  # edit_page is a person's save, not an API write


def test_the_request_log_counts_round_trips(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(fake)
    confluence.get_page_by_title(SPACE, "Notes")
    confluence.get_page_by_id(page_id, expand="body.storage")
    prefix = "/wiki" if fake.deployment == "cloud" else ""
    search = {"spaceKey": SPACE, "title": "Notes", "type": "page"}
    assert fake.requests == [
        ("GET", f"{prefix}/rest/api/content", search),
        ("GET", f"{prefix}/rest/api/content/{page_id}", {"expand": "body.storage"}),
    ]
    assert fake.count("GET", r"/content/\d+$") == 1
    fake.reset_log()
    assert fake.requests == []


# --- failure injection and what the library does with it ------------------------------------


def test_a_429_with_retry_after_is_retried_once_by_the_library_itself(fake, slept):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    fake.fail_next("GET", r"/content/\d+$", 429, headers={"Retry-After": "2"})
    assert client(fake).get(f"rest/api/content/{page_id}")["id"] == page_id
    assert slept == [2.0] and fake.count("GET") == 2
    # PUT as well: the one built-in retry does not care whether a request is idempotent
    fake.fail_next("PUT", r"/content/\d+$", 429, headers={"Retry-After": "3"})
    payload = v1_update(page_id, "Notes", "<p>2</p>", 2)
    client(fake).put(f"rest/api/content/{page_id}", data=payload)
    assert slept == [2.0, 3.0] and fake.count("PUT") == 2 and fake.pages[page_id].version == 2


def test_a_second_429_is_raised_after_the_one_retry(fake, slept):
    fake.fail_next("GET", "space", 429, headers={"Retry-After": "2"}, times=3)
    response = http_error(lambda: client(fake).get(f"rest/api/space/{SPACE}"))
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert slept == [2.0] and fake.count() == 2


def test_without_retry_with_header_the_429_and_its_header_come_back(fake, slept):
    fake.fail_next("*", ".*", 429, headers={"Retry-After": "2", "X-RateLimit-Remaining": "0"})
    confluence = client(fake, retry_with_header=False)
    response = http_error(lambda: confluence.get(f"rest/api/space/{SPACE}"))
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.json()["reason"] == "Too Many Requests"
    assert slept == [] and fake.count() == 1


def test_a_429_without_retry_after_and_a_503_with_it_are_not_retried(fake, slept):
    confluence = client(fake)
    fake.fail_next("GET", "space", 429)
    assert http_error(lambda: confluence.get(f"rest/api/space/{SPACE}")).status_code == 429
    fake.fail_next("GET", "space", 503, headers={"Retry-After": "1"})
    assert http_error(lambda: confluence.get(f"rest/api/space/{SPACE}")).status_code == 503
    assert slept == [] and fake.count() == 2


def test_backoff_and_retry_true_retries_503_through_urllib3(fake, slept):
    fake.fail_next("GET", "space", 503, times=2)
    confluence = client(fake, backoff_and_retry=True)
    assert confluence.get(f"rest/api/space/{SPACE}")["key"] == SPACE
    assert fake.count() == 3 and len(slept) == 1  # urllib3: no wait before the first retry


def test_an_injected_body_is_sent_as_given_before_any_auth_check(fake):
    fake.fail_next("GET", "space", 500, body={"message": "boom"})
    fake.fail_next("GET", "space", 502, body="<html>Bad gateway</html>")
    stranger = Confluence(url=fake.url, username="x", password="y", cloud=False)
    first = http_error(lambda: stranger.get(f"rest/api/space/{SPACE}"))
    assert first.status_code == 500 and first.json() == {"message": "boom"}
    second = http_error(lambda: stranger.get(f"rest/api/space/{SPACE}"))
    assert second.status_code == 502 and second.text == "<html>Bad gateway</html>"
    assert http_error(lambda: stranger.get(f"rest/api/space/{SPACE}")).status_code == 401


# --- v2 (Cloud) ------------------------------------------------------------------------------


def test_v2_finds_the_space_and_the_page_by_title(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>hi</p>", parent_id=HOME)
    confluence = client(cloud)
    (space,) = confluence.get("api/v2/spaces", params={"keys": SPACE})["results"]
    assert (space["id"], space["key"], space["homepageId"]) == (SPACE_ID, SPACE, HOME)
    params = {"space-id": SPACE_ID, "title": "Notes", "body-format": "storage"}
    found = confluence.get("api/v2/pages", params=params)
    (page,) = found["results"]
    assert page["id"] == page_id and page["spaceId"] == SPACE_ID and page["parentId"] == HOME
    assert page["body"]["storage"] == {"representation": "storage", "value": "<p>hi</p>"}
    assert page["version"]["number"] == 1 and found["_links"]["base"] == cloud.url
    params["title"] = "Other"
    assert confluence.get("api/v2/pages", params=params)["results"] == []


def test_v2_get_embeds_body_properties_and_labels_only_when_asked(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>hi</p>")
    prop_id = cloud.add_property(page_id, KEY, {"h": "1"})
    cloud.pages[page_id].labels.append("archive")
    confluence = client(cloud)
    bare = confluence.get(f"api/v2/pages/{page_id}")
    assert bare["body"] == {} and "properties" not in bare and "labels" not in bare
    assert set(bare["version"]) == {"number", "message", "minorEdit", "createdAt", "authorId"}
    params = {"body-format": "storage", "include-properties": "true", "include-labels": "true"}
    full = confluence.get(f"api/v2/pages/{page_id}", params=params)
    assert full["body"]["storage"]["value"] == "<p>hi</p>"
    (prop,) = full["properties"]["results"]
    assert (prop["id"], prop["key"], prop["value"]) == (prop_id, KEY, {"h": "1"})
    assert prop["version"]["number"] == 1 and full["properties"]["meta"]["hasMore"] is False
    assert [label["name"] for label in full["labels"]["results"]] == ["archive"]
    assert full["_links"]["base"] == cloud.url and full["_links"]["webui"]


def test_v2_put_needs_the_next_version_and_well_formed_storage(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(cloud)
    path = f"api/v2/pages/{page_id}"
    updated = confluence.put(path, data=v2_update(page_id, "Notes", "<p>2</p>", 2, message="m"))
    assert updated["version"]["number"] == 2 and updated["version"]["message"] == "m"
    stale = v2_update(page_id, "Notes", "<p>3</p>", 2)
    response = http_error(lambda: confluence.put(path, data=stale))
    (error,) = response.json()["errors"]
    assert response.status_code == 409 and error["status"] == 409 and error["code"] == "CONFLICT"
    assert "Current Version: [2]" in error["title"]
    bad = v2_update(page_id, "Notes", "<p>abc</br></p>", 3)
    response = http_error(lambda: confluence.put(path, data=bad))
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"].startswith("Error parsing xhtml: Unexpected")
    assert cloud.pages[page_id].body == "<p>2</p>"


def test_v2_has_no_minor_edit_so_every_write_notifies(cloud):
    confluence = client(cloud)
    payload = {
        "spaceId": SPACE_ID,
        "status": "current",
        "title": "Notes",
        "parentId": HOME,
        "body": {"representation": "storage", "value": "<p>new</p>"},
    }
    created = confluence.post("api/v2/pages", data=payload)
    page_id = created["id"]
    assert cloud.pages[page_id].parent_id == HOME and created["version"]["number"] == 1
    response = http_error(lambda: confluence.post("api/v2/pages", data=payload))
    assert response.status_code == 400 and response.json()["errors"][0]["status"] == 400
    path = f"api/v2/pages/{page_id}"
    confluence.put(path, data=v2_update(page_id, "Notes", "<p>2</p>", 2, minorEdit=True))
    confluence.put(path, data=v2_update(page_id, "Notes", "<p>3</p>", 3))
    assert cloud.notifications == [(page_id, 1), (page_id, 2), (page_id, 3)]


def test_v2_properties_are_addressed_by_id(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(cloud)
    path = f"api/v2/pages/{page_id}/properties"
    created = confluence.post(path, data={"key": KEY, "value": {"h": "1"}})
    prop_id = created["id"]
    assert created["version"]["number"] == 1
    (found,) = confluence.get(path, params={"key": KEY})["results"]
    assert found["id"] == prop_id
    assert confluence.get(path, params={"key": "other"})["results"] == []
    update = {"key": KEY, "value": {"h": "2"}, "version": {"number": 2}}
    assert confluence.put(f"{path}/{prop_id}", data=update)["version"]["number"] == 2
    response = http_error(lambda: confluence.put(f"{path}/{prop_id}", data=update))
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "CONFLICT"
    assert http_error(lambda: confluence.put(f"{path}/{KEY}", data=update)).status_code == 400
    confluence.delete(f"{path}/{prop_id}")
    assert cloud.pages[page_id].properties == {}


def test_v2_labels_are_read_only_and_v2_errors_are_enveloped(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(cloud)
    assert confluence.get(f"api/v2/pages/{page_id}/labels")["results"] == []
    label = [{"prefix": "global", "name": "x"}]
    response = http_error(lambda: confluence.post(f"api/v2/pages/{page_id}/labels", data=label))
    assert response.status_code == 405
    stranger = Confluence(url=cloud.url, username=cloud.username, password="old", cloud=False)
    with pytest.raises(requests.HTTPError) as raised:
        stranger.get(f"api/v2/pages/{page_id}")
    (error,) = raised.value.response.json()["errors"]
    assert error["status"] == 401 and error["code"] == "UNAUTHORIZED" and error["detail"] is None
    assert "'code': 'UNAUTHORIZED'" in str(raised.value)  # the library prints str(dict)


def test_datacenter_has_no_v2(fake):
    page_id = fake.add_page(SPACE, "Notes", "<p>1</p>")
    response = client(fake).get(f"api/v2/pages/{page_id}", advanced_mode=True)
    assert response.status_code == (200 if fake.deployment == "cloud" else 404)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_librarys_own_v2_client_reads_the_fake(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>hi</p>")
    cloud.add_property(page_id, KEY, {"h": "1"})
    v2 = ConfluenceV2(
        url=cloud.url, username=cloud.username, password=cloud.api_token, backoff_and_retry=False
    )
    assert v2.get_page_by_id(page_id, body_format="storage")["body"]["storage"]["value"] == (
        "<p>hi</p>"
    )
    assert v2.get_page_by_title(SPACE, "Notes")["results"][0]["id"] == page_id
    assert [p["key"] for p in v2.get_page_properties(page_id)] == [KEY]


# --- what Atlassian documents, and the switches where it does not -------------------------


def test_cloud_answers_410_for_the_removed_v1_content_endpoints_and_keeps_the_rest(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    confluence = client(cloud)
    for path in (f"rest/api/content/{page_id}", "rest/api/content", f"rest/api/space/{SPACE}"):
        assert confluence.get(path, advanced_mode=True).status_code == 410
    label = [{"prefix": "global", "name": "x"}]
    assert confluence.post(f"rest/api/content/{page_id}/label", data=label)["size"] == 1
    assert confluence.get("rest/api/user/current")["type"] == "known"


def test_a_v2_write_the_user_may_not_make_is_404_and_a_v1_write_403(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    cloud.read_only = True
    confluence = client(cloud)
    put = confluence.put(
        f"api/v2/pages/{page_id}",
        data=v2_update(page_id, "Notes", "<p>2</p>", 2),
        advanced_mode=True,
    )
    assert put.status_code == 404 and "needed permissions" in put.json()["errors"][0]["title"]
    label = [{"prefix": "global", "name": "x"}]
    path = f"rest/api/content/{page_id}/label"
    assert confluence.post(path, data=label, advanced_mode=True).status_code == 403
    cloud.read_only, cloud.forbidden_spaces = False, {SPACE}
    assert confluence.get(f"api/v2/pages/{page_id}", advanced_mode=True).status_code == 404


def test_v2_title_search_defaults_to_current_and_archived_and_honours_status(cloud):
    archived = cloud.add_page(SPACE, "Notes", "<p>old</p>", status="archived")
    cloud.add_page(SPACE, "Notes", "<p>bin</p>", status="trashed")
    current = cloud.add_page(SPACE, "Notes", "<p>now</p>")
    confluence = client(cloud)
    params = {"space-id": SPACE_ID, "title": "Notes"}
    ids = [p["id"] for p in confluence.get("api/v2/pages", params=params)["results"]]
    assert ids == [archived, current]
    only = confluence.get("api/v2/pages", params={**params, "status": "current"})["results"]
    assert [(p["id"], p["status"]) for p in only] == [(current, "current")]


def test_listings_page_by_cursor_in_links_next_and_the_link_header(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    cloud.pages[page_id].labels.extend(["a", "b", "c"])
    cloud.max_page_size = 2
    confluence = client(cloud)
    first = confluence.get(f"api/v2/pages/{page_id}/labels", advanced_mode=True)
    following = first.json()["_links"]["next"]
    assert following.startswith(f"/wiki/api/v2/pages/{page_id}/labels?") and "cursor=" in following
    assert f'<{following}>; rel="next"' in first.headers["Link"]
    rest = requests.get(cloud.origin + following, auth=(cloud.username, cloud.api_token)).json()
    names = [x["name"] for x in first.json()["results"] + rest["results"]]
    assert names == ["a", "b", "c"] and "next" not in rest["_links"]


def test_embedded_properties_and_labels_stop_at_50_saying_there_are_more(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    for n in range(51):
        cloud.add_property(page_id, f"other-{n:02}", n)
    cloud.pages[page_id].labels.extend(f"l{n}" for n in range(50))
    params = {"include-properties": "true", "include-labels": "true"}
    data = client(cloud).get(f"api/v2/pages/{page_id}", params=params)
    assert len(data["properties"]["results"]) == 50 and data["properties"]["meta"]["hasMore"]
    assert len(data["labels"]["results"]) == 50 and not data["labels"]["meta"]["hasMore"]


def test_a_stale_v2_version_is_409_or_where_switched_400_naming_the_version(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    cloud.stale_version_status = 400
    response = client(cloud).put(
        f"api/v2/pages/{page_id}",
        data=v2_update(page_id, "Notes", "<p>2</p>", 5),
        advanced_mode=True,
    )
    assert response.status_code == 400 and "Version" in response.json()["errors"][0]["title"]


def test_the_gateway_serves_cloud_by_cloud_id_and_the_site_publishes_it(cloud):
    page_id = cloud.add_page(SPACE, "Notes", "<p>1</p>")
    tenant = requests.get(f"{cloud.origin}/_edge/tenant_info").json()
    assert tenant == {"cloudId": cloud.cloud_id}
    gateway = Confluence(
        url=f"{cloud.gateway_url}/wiki", username=cloud.username, password=cloud.api_token
    )
    assert gateway.get(f"api/v2/pages/{page_id}")["title"] == "Notes"
    other = cloud.gateway_url.replace(cloud.cloud_id, "0" * 8)
    assert requests.get(f"{other}/wiki/api/v2/pages/{page_id}").status_code == 404


@pytest.fixture
def datacenter():
    with FakeConfluence(deployment="datacenter", context="/confluence") as fake:
        fake.add_space(SPACE, SPACE_ID, HOME)
        yield fake


def test_data_center_serves_below_its_context_path_and_any_status_unless_asked(datacenter):
    assert datacenter.url.endswith("/confluence")
    datacenter.add_page(SPACE, "Notes", "<p>old</p>", status="archived")
    current = datacenter.add_page(SPACE, "Notes", "<p>now</p>")
    confluence = client(datacenter)
    params = {"spaceKey": SPACE, "title": "Notes"}
    assert len(confluence.get("rest/api/content", params=params)["results"]) == 2
    only = confluence.get("rest/api/content", params={**params, "status": "current"})
    assert [p["id"] for p in only["results"]] == [current]


def test_a_data_center_with_anonymous_access_serves_a_bad_token_as_anonymous(datacenter):
    datacenter.anonymous_access = True
    datacenter.add_page(SPACE, "Notes", "<p>1</p>")
    stranger = Confluence(url=datacenter.url, token="expired")
    assert stranger.get("rest/api/user/current")["type"] == "anonymous"
    found = stranger.get("rest/api/content", params={"spaceKey": SPACE, "title": "Notes"})
    assert found["results"] == []
    assert stranger.get(f"rest/api/space/{SPACE}", advanced_mode=True).status_code == 404
    datacenter.anonymous_access = False
    assert stranger.get("rest/api/user/current", advanced_mode=True).status_code == 401


def test_a_data_center_may_leave_the_property_expansion_out(datacenter):
    page_id = datacenter.add_page(SPACE, "Notes", "<p>1</p>")
    datacenter.add_property(page_id, KEY, {"h": "1"})
    params = {"expand": f"version,metadata.properties.{KEY}"}
    assert client(datacenter).get(f"rest/api/content/{page_id}", params=params)["metadata"]
    datacenter.expands_properties = False
    page = client(datacenter).get(f"rest/api/content/{page_id}", params=params)
    assert "properties" not in page.get("metadata", {})
    assert client(datacenter).get(f"rest/api/content/{page_id}/property/{KEY}")["value"]


# --- attachments ---------------------------------------------------------------------------


def upload(fake: FakeConfluence, page_id: str, method: str, name: str, data: bytes, **headers):
    auth = (fake.username, fake.api_token) if fake.deployment == "cloud" else None
    sent = {"Authorization": f"Bearer {fake.pat}"} if fake.deployment == "datacenter" else {}
    return requests.request(
        method,
        f"{fake.url}/rest/api/content/{page_id}/child/attachment",
        auth=auth,
        headers={**sent, **headers},
        files={"file": (name, data, "image/png")},
        data={"minorEdit": "true"},
        timeout=5,
    )


def test_an_upload_without_the_xsrf_header_is_refused(fake):
    page_id = fake.add_page(SPACE, "T", "<p/>")
    assert upload(fake, page_id, "PUT", "a.png", b"x").status_code == 403
    assert fake.attachment(page_id, "a.png") is None


@pytest.mark.parametrize("token", ["no-check", "nocheck"])
def test_post_adds_a_new_file_only_and_put_also_stores_a_new_version(fake, token):
    page_id = fake.add_page(SPACE, "T", "<p/>")
    header = {"X-Atlassian-Token": token}
    assert upload(fake, page_id, "POST", "a.png", b"one", **header).status_code == 200
    again = upload(fake, page_id, "POST", "a.png", b"two", **header)
    assert again.status_code == 400 and "same file name" in again.text
    assert upload(fake, page_id, "PUT", "a.png", b"two", **header).status_code == 200
    stored = fake.attachment(page_id, "a.png")
    assert (stored.number, stored.data, stored.minor) == (2, b"two", True)
    assert fake.notifications == []
