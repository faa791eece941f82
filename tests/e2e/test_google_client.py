"""The live Google source: Google's real client libraries over real HTTP against FakeGoogle.

Nothing is mocked below the socket: the service-account JWT is signed and verified, the
bearer token checked, googleapiclient's own retries run (with their pause recorded instead of
slept), and every failure must come out as one of our errors, on one line, without a secret.
"""

from __future__ import annotations

import io
import json
import socket
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import google.auth
import google.auth.exceptions
import pytest

from syncer.errors import AuthError, ConfigError, SourceError
from syncer.model import Paragraph, Tab, Text
from syncer.sources.google import GoogleDocsClient
from syncer.sources.google_auth import load_credentials
from tests.fakes.google import READ_ONLY_SCOPES, SERVICE_ACCOUNT, FakeGoogle

DOC_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyz"
SUBJECT = "alice@example.org"

Json = dict[str, Any]


def run(text: str, **suggestion: list[str]) -> Json:
    return {"textRun": {"content": text, "textStyle": {}, **suggestion}}


def para(*runs: Json, style: str = "NORMAL_TEXT") -> Json:
    return {"paragraph": {"elements": list(runs), "paragraphStyle": {"namedStyleType": style}}}


def tab(title: str, *content: Json) -> Json:
    return {
        "tabProperties": {"tabId": f"t.{title}", "title": title},
        "documentTab": {"body": {"content": list(content)}},
    }


NOTES = {
    "documentId": DOC_ID,
    "title": "Team meeting notes",
    "tabs": [
        tab(
            "2024",
            para(run("2024-03-05\n"), style="HEADING_2"),
            para(
                run("Agreed "),
                run("maybe later ", suggestedInsertionIds=["suggest.ins"]),
                run("text\n", suggestedDeletionIds=["suggest.del"]),
            ),
            para(run("A whole suggested paragraph\n", suggestedInsertionIds=["suggest.p"])),
        ),
        tab("2023", para(run("2023-12-20\n"), style="HEADING_2")),
    ],
}


@pytest.fixture
def fake():
    with FakeGoogle() as server:
        server.add_document(NOTES)
        yield server


@pytest.fixture
def key(fake: FakeGoogle, tmp_path: Path) -> Path:
    return fake.service_account_file(tmp_path)


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def source(fake: FakeGoogle, key: Path, slept: list[float]):
    def make(
        document: str = DOC_ID, subject: str | None = None, endpoint: str | None = None
    ) -> GoogleDocsClient:
        credentials = load_credentials(key, subject)
        return GoogleDocsClient(document, credentials, endpoint or fake.url, sleep=slept.append)

    return make


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the developer's ADC nor the CI's may leak into a test."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))


def one_line_without_secrets(error: Exception, key: Path | None = None) -> str:
    message = str(error)
    assert "\n" not in message
    assert "ya29." not in message and "eyJ" not in message  # no access token, no JWT
    if key is not None:
        private_key = json.loads(key.read_text())["private_key"]
        body = "".join(private_key.splitlines()[1:-1])
        assert body[:40] not in message and "PRIVATE KEY" not in message
    return message


# --- fetching --------------------------------------------------------------------------------


def test_fetch_reads_every_tab_with_open_suggestions_rejected(source, fake) -> None:
    document, revision = source().fetch()

    assert [t.title for t in document.tabs] == ["2024", "2023"]
    assert document.tabs[0] == Tab(
        "2024",
        (Paragraph((Text("2024-03-05"),), heading=2), Paragraph((Text("Agreed text"),))),
    )
    assert revision == document.revision == fake.documents[DOC_ID].revision


def test_one_fetch_is_one_token_and_one_documents_get(source, fake) -> None:
    source().fetch()

    assert fake.paths() == ["/token", f"/v1/documents/{DOC_ID}"]
    assert fake.tokens_issued == 1
    _method, _path, query = fake.requests[1]
    assert query["suggestionsViewMode"] == "PREVIEW_WITHOUT_SUGGESTIONS"
    assert query["includeTabsContent"] == "true"


def test_the_token_is_reused_across_calls(source, fake) -> None:
    google = source()
    google.fetch()
    google.modified_time()
    assert fake.tokens_issued == 1


def test_the_token_request_asks_for_read_only_scopes_only(source, fake) -> None:
    source().fetch()
    (claims,) = fake.token_claims
    assert set(claims["scope"].split()) == READ_ONLY_SCOPES
    assert claims["iss"] == SERVICE_ACCOUNT
    assert "sub" not in claims


def test_a_subject_is_sent_for_domain_wide_delegation(source, fake) -> None:
    source(subject=SUBJECT).fetch()
    assert fake.token_claims[0]["sub"] == SUBJECT


def test_a_reader_who_cannot_edit_gets_no_revision(source, fake) -> None:
    fake.viewer_only = True
    document, revision = source().fetch()
    assert revision is None and document.revision is None
    assert document.tabs


def test_an_untabbed_doc_arrives_as_its_single_default_tab(source, fake) -> None:
    plain_id = fake.add_document({"title": "Plain", "body": {"content": [para(run("Hi\n"))]}})
    document, _ = source(plain_id).fetch()
    assert document.tabs == (Tab("Tab 1", (Paragraph((Text("Hi"),)),)),)


# --- Drive metadata ---------------------------------------------------------------------------


def test_drive_says_when_the_doc_last_changed(source, fake) -> None:
    assert source().modified_time() is not None
    method, path, query = fake.requests[-1]
    assert (method, path) == ("GET", f"/drive/v3/files/{DOC_ID}")
    assert query["fields"] == "modifiedTime"
    assert query["supportsAllDrives"] == "true"


def test_an_edit_mints_a_new_revision(source, fake) -> None:
    google = source()
    _, before = google.fetch()
    fake.edit(DOC_ID, NOTES)
    _, after = google.fetch()
    assert before and after and before != after


def test_an_unknown_file_on_drive_is_not_found(source) -> None:
    with pytest.raises(SourceError, match="not found"):
        source("0" * 44).modified_time()


@pytest.mark.parametrize(
    ("endpoint", "docs", "drive"),
    [
        (None, "https://docs.googleapis.com/v1/", "https://www.googleapis.com/drive/v3/files/"),
        ("http://proxy:8080/", "http://proxy:8080/v1/", "http://proxy:8080/drive/v3/files/"),
        ("http://p/google", "http://p/google/v1/", "http://p/google/drive/v3/files/"),
    ],
)
def test_one_api_endpoint_keeps_both_services_on_googles_paths(key, endpoint, docs, drive) -> None:
    """Built without a request sent: the URLs the two clients would call."""
    google = GoogleDocsClient(DOC_ID, load_credentials(key, None), endpoint)
    get = google._docs.documents().get(documentId=DOC_ID, includeTabsContent=True)
    assert get.uri.startswith(f"{docs}documents/{DOC_ID}?")
    assert google._drive.files().get(fileId=DOC_ID).uri.startswith(f"{drive}{DOC_ID}?")


# --- errors ----------------------------------------------------------------------------------


def test_a_rejected_token_is_an_auth_error_naming_the_setting(source, fake, key) -> None:
    fake.reject_tokens = True
    with pytest.raises(AuthError) as caught:
        source().fetch()
    message = one_line_without_secrets(caught.value, key)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message and "[source] credentials" in message
    assert "invalid_grant: Invalid JWT Signature." in message
    assert fake.paths() == ["/token"]  # the API was never called


def test_an_unknown_doc_is_a_source_error_naming_the_service_account(source, fake) -> None:
    with pytest.raises(SourceError) as caught:
        source("0" * 44).fetch()
    message = one_line_without_secrets(caught.value)
    assert message == f"Google Doc {'0' * 44} not found, or not shared with {SERVICE_ACCOUNT}"
    assert not isinstance(caught.value, AuthError)


def test_a_doc_not_shared_is_an_auth_error_that_says_to_share_it(source, fake) -> None:
    fake.forbidden.add(DOC_ID)
    with pytest.raises(AuthError) as caught:
        source().fetch()
    message = one_line_without_secrets(caught.value)
    assert DOC_ID in message and SERVICE_ACCOUNT in message and "share the doc" in message
    assert "The caller does not have permission" in message
    assert len(fake.paths()) == 2  # a plain 403 is not retried


def test_an_expired_token_is_renewed_once_and_the_call_repeated(source, fake) -> None:
    google = source()
    google.fetch()
    fake.revoke_tokens()
    assert google.fetch()[0].tabs
    assert fake.tokens_issued == 2


def test_a_token_refused_on_renewal_is_an_auth_error(source, fake, key) -> None:
    google = source()
    google.fetch()
    fake.revoke_tokens()
    fake.reject_tokens = True
    with pytest.raises(AuthError, match="Google rejected the credentials") as caught:
        google.fetch()
    one_line_without_secrets(caught.value, key)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_google_is_retried_with_backoff(source, fake, slept, status) -> None:
    fake.fail_next(r"^/v1/documents/", status)
    assert source().fetch()[0].tabs
    assert len(slept) == 1 and 0 <= slept[0] <= 2  # random() * 2**1
    assert fake.paths() == ["/token"] + [f"/v1/documents/{DOC_ID}"] * 2


def test_drive_is_retried_too(source, fake, slept) -> None:
    fake.fail_next(r"^/drive/v3/files/", 503, times=2)
    assert source().modified_time() is not None
    assert len(slept) == 2


def test_a_google_that_stays_down_is_one_source_error(source, fake, slept) -> None:
    fake.fail_next(r"^/v1/documents/", 503, times=10)
    with pytest.raises(SourceError) as caught:
        source().fetch()
    assert one_line_without_secrets(caught.value) == (
        f"Google Doc {DOC_ID}: Google answered 503 (The service is currently unavailable.)"
    )
    assert len(slept) == 3


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_api_is_a_source_error_naming_the_endpoint(source, slept) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(SourceError) as caught:
        source(endpoint=endpoint).fetch()
    message = one_line_without_secrets(caught.value)
    assert message.startswith(f"cannot reach the Google Docs API at {endpoint}: ")
    assert len(slept) == 3  # connection errors are retried like a 503


def test_an_unreachable_drive_names_drives_endpoint(source, slept) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(
        SourceError, match=f"^cannot reach the Google Drive API at {endpoint}/drive/v3: "
    ):
        source(endpoint=endpoint).modified_time()


def test_an_unreachable_token_endpoint_is_a_source_error_about_signing_in(
    fake, tmp_path, slept
) -> None:
    key = fake.service_account_file(tmp_path)
    info = json.loads(key.read_text())
    info["token_uri"] = f"http://127.0.0.1:{closed_port()}/token"
    key.write_text(json.dumps(info))
    google = GoogleDocsClient(DOC_ID, load_credentials(key, None), fake.url, sleep=slept.append)
    with pytest.raises(SourceError, match="cannot reach Google's sign-in endpoint") as caught:
        google.fetch()
    one_line_without_secrets(caught.value, key)


def test_a_slow_google_times_out_as_a_source_error(fake, key, slept) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        credentials = load_credentials(key, None)
        google = GoogleDocsClient(
            DOC_ID, credentials, endpoint, http_timeout=0.2, sleep=slept.append
        )
        with pytest.raises(SourceError, match=r"did not finish answering GET .* within 0.2 s"):
            google.fetch()
        assert slept == []  # a server that does not answer in time is not asked again


def test_a_google_that_trickles_its_answer_fails_at_the_deadline(fake, key) -> None:
    fake.fail_next(r"/v1/documents/", 200, body=b'{"title": "' + b"x" * 10_000, trickle=0.02)
    google = GoogleDocsClient(DOC_ID, load_credentials(key, None), fake.url, http_timeout=0.3)
    with pytest.raises(SourceError) as caught:
        google.fetch()
    assert str(caught.value).startswith(
        f"the Google Docs API at {fake.url} did not finish answering GET {fake.url}/v1/documents/"
    )
    assert "within 0.3 s" in str(caught.value) and "[source] timeout_seconds" in str(caught.value)


LOGIN = b"<!DOCTYPE html><html><body><form action='/sso'>Sign in</form></body></html>"


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"body": LOGIN, "content_type": "text/html"}, "with an HTML page (200, text/html)"),
        ({"body": b"", "content_type": "application/json"}, "with an empty body (200"),
        ({"body": b"[1, 2]"}, "with JSON that is not an object"),
        ({"body": b"Service paused", "content_type": "text/plain"}, "with text/plain (200"),
    ],
)
def test_an_answer_that_is_not_the_documented_json_is_one_line_naming_it(
    source, fake, answer, says
) -> None:
    fake.fail_next(r"/v1/documents/", 200, **answer)
    with pytest.raises(SourceError) as caught:
        source().fetch()
    message = str(caught.value)
    assert says in message and "GET " in message and "/v1/documents/" in message
    assert "\n" not in message


def test_a_redirect_to_a_login_page_says_a_proxy_may_be_in_front(source, fake) -> None:
    fake.fail_next(r"/v1/documents/", 302, headers={"Location": f"{fake.url}/sso/login"})
    with pytest.raises(SourceError) as caught:
        source().fetch()
    message = str(caught.value)
    assert "answered GET" in message and "with an HTML page (200, text/html)" in message
    assert "is a login or SSO proxy in front of it?" in message
    assert f"after a redirect to {fake.url}/sso/login" in message


def test_an_html_page_from_the_token_endpoint_is_not_a_refused_key(source, fake) -> None:
    fake.fail_next(r"^/token$", 200, body=LOGIN, content_type="text/html")
    with pytest.raises(SourceError, match=r"sign-in endpoint answered POST .* HTML page"):
        source().fetch()


def test_a_500_from_the_token_endpoint_is_an_outage_not_rejected_credentials(
    source, fake, monkeypatch
) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # google-auth's own retries
    fake.fail_next(r"^/token$", 500, times=10)
    with pytest.raises(SourceError) as caught:
        source().fetch()
    assert "Google is having trouble, not refusing the credentials" in str(caught.value)
    assert "rejected" not in str(caught.value)


# --- credentials -----------------------------------------------------------------------------


def test_a_missing_credentials_file_names_the_setting(tmp_path) -> None:
    with pytest.raises(AuthError, match=r"\[source\] credentials") as caught:
        load_credentials(tmp_path / "nope.json", None)
    assert "nope.json" in one_line_without_secrets(caught.value)


def test_the_environment_variable_is_named_when_its_file_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "gone.json"))
    with pytest.raises(AuthError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        load_credentials(None, None)


def test_a_broken_key_is_an_auth_error_that_does_not_print_the_key(tmp_path) -> None:
    secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
    key = tmp_path / "key.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": SERVICE_ACCOUNT,
                "private_key": f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    with pytest.raises(AuthError) as caught:
        load_credentials(key, None)
    message = one_line_without_secrets(caught.value)
    assert secret[:20] not in message and str(key) in message


def test_a_file_that_is_not_json_is_an_auth_error(tmp_path) -> None:
    key = tmp_path / "key.json"
    key.write_text("not json")
    with pytest.raises(AuthError, match="is not a JSON object"):
        load_credentials(key, None)


def test_no_credentials_anywhere_says_what_to_set(monkeypatch) -> None:
    def nothing(**_kwargs: Any):
        raise google.auth.exceptions.DefaultCredentialsError("Your default credentials…")

    monkeypatch.setattr(google.auth, "default", nothing)
    with pytest.raises(AuthError) as caught:
        load_credentials(None, None)
    message = one_line_without_secrets(caught.value)
    assert "[source] credentials" in message and "GOOGLE_APPLICATION_CREDENTIALS" in message


def test_the_environment_variable_is_read_when_no_file_is_configured(
    source, fake, key, monkeypatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    credentials = load_credentials(None, SUBJECT)
    GoogleDocsClient(DOC_ID, credentials, fake.url).fetch()
    assert fake.token_claims[0]["sub"] == SUBJECT


def test_an_external_account_loads_without_the_network(fake, tmp_path, monkeypatch) -> None:
    """Workload Identity Federation: loading must not look the project up (a network call
    google-auth makes for scoped external accounts); the first request is the exchange."""
    config = fake.external_account_file(tmp_path)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj")
    credentials = load_credentials(config, None)
    assert fake.requests == []

    document, _ = GoogleDocsClient(DOC_ID, credentials, fake.url).fetch()
    assert document.tabs
    assert fake.paths() == ["/sts", f"/v1/documents/{DOC_ID}"]
    assert set(fake.exchanges[0]["scope"].split()) == READ_ONLY_SCOPES


def test_an_external_account_from_the_environment_variable(fake, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(fake.external_account_file(tmp_path)))
    credentials = load_credentials(None, None)
    assert fake.requests == []
    assert GoogleDocsClient(DOC_ID, credentials, fake.url).modified_time() is not None


def test_a_subject_needs_a_service_account(fake, tmp_path) -> None:
    config = fake.external_account_file(tmp_path)
    with pytest.raises(ConfigError, match=r"\[source\] subject"):
        load_credentials(config, SUBJECT)


# --- the fake itself: what the adapter does not exercise -----------------------------------


def raw_get(fake: FakeGoogle, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        fake.url + path, headers={"Authorization": f"Bearer {fake.issue_token()}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_fake_answers_suggestions_inline_and_untabbed_by_default(fake) -> None:
    status, body = raw_get(fake, f"/v1/documents/{DOC_ID}")
    doc = json.loads(body)
    assert status == 200 and "tabs" not in doc
    runs = doc["body"]["content"][1]["paragraph"]["elements"]
    assert runs[1]["textRun"]["suggestedInsertionIds"] == ["suggest.ins"]
    assert doc["suggestionsViewMode"] == "DEFAULT_FOR_CURRENT_ACCESS"


def test_fake_requires_a_token_it_issued(fake) -> None:
    request = urllib.request.Request(
        f"{fake.url}/v1/documents/{DOC_ID}", headers={"Authorization": "Bearer forged"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 401
    assert json.loads(caught.value.read())["error"]["status"] == "UNAUTHENTICATED"


def test_fake_unknown_doc_has_googles_error_envelope(fake) -> None:
    status, body = raw_get(fake, "/v1/documents/missing")
    assert status == 404
    assert json.loads(body) == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_fake_exports_html_and_zip(fake) -> None:
    status, page = raw_get(fake, f"/drive/v3/files/{DOC_ID}/export?mimeType=text/html")
    assert status == 200 and b"<h2>2024-03-05</h2>" in page and b"maybe later" not in page
    status, data = raw_get(fake, f"/drive/v3/files/{DOC_ID}/export?mimeType=application/zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["Teammeetingnotes.html"]
    status, _ = raw_get(fake, f"/drive/v3/files/{DOC_ID}/export?mimeType=image/png")
    assert status == 400
