"""The doctor's checks one by one: pure ones directly, Confluence probes against ``responses``,
the Google ones against the local fake Google. Clocks are injected; nothing sleeps."""

from __future__ import annotations

import datetime as dt
import email.utils
import platform
from pathlib import Path

import pytest
import responses

from syncer.credentials import Credentials
from syncer.doctor import run_checks
from syncer.doctor.confluence import credentials_hint
from syncer.doctor.local import config_text, folder_text, meetings_text, page_titles, version_text
from syncer.doctor.steps import (
    Outcome,
    Result,
    Step,
    Unknown,
    chain,
    clock_result,
    with_advice,
)
from syncer.errors import AuthError, PageError, SourceError
from syncer.model import Meeting
from syncer.settings import FileSettings, load_settings
from syncer.source import FileSource
from syncer.stores.base import Page
from syncer.stores.confluence import CloudPages, DataCenterPages, PageRef
from syncer.stores.confluence.api import ConfluenceApi
from syncer.stores.local import LocalPageStore

BASE = "https://wiki.example.org"
NOW = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).parents[2] / "examples" / "arch-hours-notes.json"


def at(moment: dt.datetime):
    return lambda: moment


def http_date(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment, usegmt=True)


def results(generator) -> list[Result]:
    return list(generator)


# --- the runner ---------------------------------------------------------------------------


def test_a_failed_step_skips_the_ones_after_it_and_says_which_failed():
    def broken() -> str:
        raise SourceError("notes file not found: x.json")

    lines = results(
        chain(
            [
                Step("one", lambda: "fine"),
                Step("two", broken, "fix [source] file"),
                Step("three", lambda: "never run"),
            ]
        )
    )
    assert [r.status for r in lines] == [Outcome.OK, Outcome.FAIL, Outcome.SKIP]
    assert lines[1].text == "notes file not found: x.json; fix [source] file"
    assert lines[2].text == "needs two, which failed"


def test_an_unanswerable_question_is_unknown_not_failed_and_skips_nothing():
    def unknown() -> str:
        raise Unknown("Confluence did not say")

    lines = results(chain([Step("one", unknown), Step("two", lambda: "ran")]))
    assert [r.status for r in lines] == [Outcome.UNKNOWN, Outcome.OK]
    assert not any(r.failed for r in lines)


def test_advice_is_added_once_and_after_a_full_stop_is_dropped():
    assert with_advice("Invalid JWT Signature.", "check the key") == (
        "Invalid JWT Signature; check the key"
    )
    assert with_advice("x; check the key", "check the key") == "x; check the key"
    assert with_advice("x", "") == "x"


def test_lines_are_aligned_by_status():
    assert Result(Outcome.OK, "version", "v").line() == "ok   version: v"
    assert Result(Outcome.FAIL, "space", "s").line() == "FAIL space: s"
    assert Result(Outcome.UNKNOWN, "write", "w").line() == "??   write: w"


# --- version, config, meetings ------------------------------------------------------------


def test_the_version_line_names_the_tool_python_and_the_client_libraries():
    text = version_text()
    python = f"{platform.python_implementation()} {platform.python_version()}"
    assert text.startswith(f"notes-sync 0.1.0 on {python} (")
    for library in ("atlassian-python-api", "google-api-python-client", "google-auth"):
        assert library in text


def test_the_config_line_names_the_file_and_both_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLUENCE_TOKEN", "secret-pat")
    config = tmp_path / "sync.toml"
    config.write_text(
        '[source]\ndocument = "1AbCdEfGhIjKlMnOpQrStUvWxYz"\n'
        f'[target]\nurl = "{BASE}"\nspace = "ARCH"\ntitle = "Arch Hours: {{year}}"\n'
    )
    text = config_text(config, load_settings(config))
    assert text == (
        f"{config} loaded; source: Google Doc 1AbCdEfGhIjKlMnOpQrStUvWxYz; "
        f"target: Confluence Data Center {BASE}, space ARCH"
    )
    assert "secret-pat" not in text


def meeting(day: str) -> Meeting:
    return Meeting(dt.date.fromisoformat(day))


def test_meetings_say_how_many_and_their_span_or_that_a_sync_writes_nothing():
    two = [meeting("2023-12-20"), meeting("2023-11-30")]
    assert meetings_text(two) == "2 dated, 2023-11-30 to 2023-12-20"
    assert meetings_text([meeting("2024-01-02")]) == "1 dated, 2024-01-02"
    assert "writes nothing" in meetings_text([])


def test_pages_are_the_years_of_the_meetings_newest_first_or_this_year(tmp_path):
    settings = local_settings(tmp_path)
    meetings = [meeting("2022-06-01"), meeting("2023-12-20"), meeting("2023-01-04")]
    assert page_titles(settings, meetings, at(NOW)) == ["Arch Hours: 2023", "Arch Hours: 2022"]
    assert page_titles(settings, [], at(NOW)) == ["Arch Hours: 2024"]
    assert page_titles(settings, None, at(NOW)) is None


# --- the file: target ---------------------------------------------------------------------


def local_settings(tmp_path: Path, url: str = "file:archive"):
    config = tmp_path / "sync.toml"
    config.write_text(
        f'[source]\nfile = "{EXAMPLE}"\n'
        f'[target]\nurl = "{url}"\nspace = "ARCH"\ntitle = "Arch Hours: {{year}}"\n'
    )
    return load_settings(config)


def test_an_existing_writable_folder_passes_and_nothing_is_left_in_it(tmp_path):
    assert folder_text(tmp_path) == f"{tmp_path} exists and is writable"
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_passes_when_it_can_be_created_and_is_not_created(tmp_path):
    folder = tmp_path / "a" / "archive"
    assert "the first sync creates it in" in folder_text(folder)
    assert not (tmp_path / "a").exists()


def test_a_folder_that_is_a_file_or_under_a_file_fails_saying_what_to_fix(tmp_path):
    blocker = tmp_path / "archive"
    blocker.write_text("not a folder")
    with pytest.raises(PageError, match=r"is not a folder; point \[target\] url at a folder"):
        folder_text(blocker)
    with pytest.raises(PageError, match=r"is a file; fix \[target\] url"):
        folder_text(blocker / "inner")


def test_an_unwritable_folder_fails_with_the_reason(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.TemporaryFile", refuse)
    with pytest.raises(PageError, match=r"not writable \(Permission denied\); fix its perm"):
        folder_text(tmp_path)


def test_a_file_source_and_folder_run_through_in_order(tmp_path):
    settings = local_settings(tmp_path)
    store = LocalPageStore(settings.target.path)
    lines = results(
        run_checks(
            tmp_path / "sync.toml", settings, FileSource(FileSettings(EXAMPLE)), store, at(NOW)
        )
    )
    assert [r.name for r in lines] == [
        "version",
        "config",
        "source",
        "meetings",
        "archive folder",
        "page 'Arch Hours: 2023'",
    ]
    assert all(r.status == Outcome.OK for r in lines)
    assert "not there yet; the first sync creates it in" in lines[-1].text


def test_an_unreadable_source_skips_its_meetings_and_the_pages(tmp_path):
    settings = local_settings(tmp_path)
    store = LocalPageStore(settings.target.path)
    source = FileSource(FileSettings(tmp_path / "missing.json"))
    lines = results(run_checks(tmp_path / "sync.toml", settings, source, store, at(NOW)))
    by_name = {r.name: r for r in lines}
    assert by_name["source"].status == Outcome.FAIL
    assert "fix [source] file" in by_name["source"].text
    assert by_name["meetings"].status == Outcome.SKIP
    assert by_name["pages"].status == Outcome.SKIP and "could not be read" in by_name["pages"].text
    assert by_name["archive folder"].status == Outcome.OK


# --- clocks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [
        (dt.timedelta(seconds=3), Outcome.OK, "within 3 s of Confluence's"),
        (dt.timedelta(minutes=5), Outcome.OK, "within 5 min 0 s"),
        (dt.timedelta(minutes=6), Outcome.FAIL, "is 6 min 0 s ahead of Confluence's"),
        (-dt.timedelta(minutes=42, seconds=5), Outcome.FAIL, "is 42 min 5 s behind Confluence's"),
    ],
)
def test_the_clock_fails_past_five_minutes_either_way(offset, status, words):
    result = clock_result("Confluence", http_date(NOW), at(NOW + offset))
    assert result.status == status and words in result.text
    if status == Outcome.FAIL:
        assert "NTP" in result.text


def test_no_answer_skips_the_clock_and_a_garbled_date_is_unknown():
    assert clock_result("Google", None, at(NOW)).status == Outcome.SKIP
    assert clock_result("Google", "yesterday-ish", at(NOW)).status == Outcome.UNKNOWN


# --- Confluence probes --------------------------------------------------------------------


def cloud() -> CloudPages:
    return CloudPages(ConfluenceApi(BASE, Credentials("bot@example.org", "api-secret")), "ARCH")


def datacenter(**options) -> DataCenterPages:
    return DataCenterPages(ConfluenceApi(BASE, Credentials(pat="pat-secret")), "ARCH", **options)


PAGE = Page("Arch Hours: 2024", "<p/>", 3, handle=PageRef("42"))
SPACES = {"results": [{"id": "2000", "key": "ARCH", "name": "Architecture", "homepageId": "1000"}]}


def ops(*pairs: str) -> list[dict[str, str]]:
    return [dict(zip(("operation", "targetType"), pair.split(), strict=True)) for pair in pairs]


@responses.activate
def test_cloud_reads_update_permission_from_the_v2_page_operations():
    url = f"{BASE}/api/v2/pages/42/operations"
    responses.get(url, json={"operations": ops("read page", "update page")})
    responses.get(url, json={"operations": ops("read page")})
    assert cloud().may_update(PAGE) is True
    assert cloud().may_update(PAGE) is False


@responses.activate
def test_cloud_reads_create_permission_from_the_v2_space_operations():
    responses.get(f"{BASE}/api/v2/spaces", json=SPACES)
    url = f"{BASE}/api/v2/spaces/2000/operations"
    responses.get(url, json={"operations": ops("read space", "create page")})
    assert cloud().may_create() is True
    assert responses.calls[1].request.url == url


@responses.activate
def test_data_center_reads_operations_from_the_v1_expansion():
    responses.get(
        f"{BASE}/rest/api/content/42",
        json={"id": "42", "operations": ops("read page", "update page")},
        match=[responses.matchers.query_param_matcher({"expand": "operations"})],
    )
    assert datacenter().may_update(PAGE) is True


@responses.activate
def test_data_center_create_permission_is_unknown_unless_the_space_lists_operations():
    url = f"{BASE}/rest/api/space/ARCH"
    responses.get(url, json={"key": "ARCH", "name": "Architecture"})
    responses.get(url, json={"key": "ARCH", "operations": ops("read space", "create page")})
    responses.get(url, json={"key": "ARCH", "operations": ops("read space")})
    assert [datacenter().may_create() for _ in range(3)] == [None, True, False]


@responses.activate
def test_who_am_i_is_the_display_name_and_anonymous_is_an_auth_error():
    url = f"{BASE}/rest/api/user/current"
    responses.get(url, json={"type": "known", "username": "bot", "displayName": "Notes Bot"})
    responses.get(url, json={"type": "anonymous", "displayName": "Anonymous"})
    assert datacenter().current_user() == "Notes Bot"
    with pytest.raises(AuthError, match="anonymous: check CONFLUENCE_TOKEN"):
        datacenter().current_user()


@responses.activate
def test_the_parent_of_new_pages_is_named_and_a_missing_parent_id_fails():
    responses.get(f"{BASE}/rest/api/content/7", json={"id": "7", "title": "Archives"})
    responses.get(f"{BASE}/rest/api/content/8", status=404, json={"message": "No content"})
    assert datacenter(parent_id="7").new_page_parent() == ("7", "Archives")
    with pytest.raises(PageError, match=r"\[target\] parent_id 8: no such page"):
        datacenter(parent_id="8").new_page_parent()


@responses.activate
def test_the_api_keeps_the_date_of_the_last_answer_even_a_refusal():
    stamp = http_date(NOW)
    responses.get(f"{BASE}/rest/api/user/current", status=401, headers={"Date": stamp})
    store = datacenter()
    with pytest.raises(AuthError):
        store.current_user()
    assert store.api.last_date == stamp


def test_a_refusal_says_what_each_variable_must_hold():
    cloud_hint = credentials_hint(Credentials("a@b.org", "t"), "cloud")
    assert "id.atlassian.com" in cloud_hint and "not your password" in cloud_hint
    assert "personal access token" in credentials_hint(Credentials(pat="p"), "datacenter")
    assert "CONFLUENCE_TOKEN" in credentials_hint(Credentials("u", "p"), "datacenter")
