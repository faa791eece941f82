"""``syncer check`` end to end against the local fakes of Google and Confluence (Cloud and
Data Center): one line per check, a failing line says what to do, nothing is written, and no
secret is ever printed."""

import copy
import re
from pathlib import Path

import pytest

from syncer import cli
from syncer.doctor.steps import Outcome, clock_result, utc_now
from syncer.sources.google import GoogleDocsClient
from syncer.sources.google_auth import credentials_kind, credentials_origin, load_credentials
from tests.e2e.live import DOC_ID, EXAMPLE, HOME, TITLE
from tests.fakes.google import SERVICE_ACCOUNT, FakeGoogle


def write_config(tmp_path: Path, google: FakeGoogle, target: str) -> Path:
    key = google.service_account_file(tmp_path)
    path = tmp_path / "sync.toml"
    path.write_text(
        f'[source]\ndocument = "{DOC_ID}"\ncredentials = "{key}"\napi_endpoint = "{google.url}"\n'
        f'[target]\n{target}title = "Arch Hours: {{year}}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(tmp_path, google, confluence):
    target = f'url = "{confluence.url}"\ndeployment = "{confluence.deployment}"\nspace = "ARCH"\n'
    return write_config(tmp_path, google, target)


def check(config: Path, capsys) -> tuple[int, dict[str, str], str]:
    """The exit code, each line by its check's name, and all output."""
    code = cli.main(["check", "--config", str(config)])
    out, err = capsys.readouterr()
    lines = {}
    for line in out.splitlines():
        name, text = re.fullmatch(r"((?:page|write) '.*?'|[^:]+): (.*)", line[5:]).groups()
        lines[name] = line[:5] + text
    return code, lines, out + err


def writes(confluence) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in confluence.requests if m != "GET"]


def secrets(confluence) -> list[str]:
    return [confluence.api_token, confluence.pat]


def test_all_ok_reads_everything_and_writes_nothing(config, confluence, capsys):
    confluence.add_page("ARCH", TITLE, "<p>Our archive.</p>", HOME)
    code, lines, output = check(config, capsys)
    assert code == 0, output
    assert list(lines)[:2] == ["version", "config"]
    assert lines["Google Doc"].startswith("ok   'Arch Hours (live notes)'")
    assert "revision ALBJ4L" in lines["Google Doc"] and "2 tabs" in lines["Google Doc"]
    assert lines["meetings"] == "ok   4 dated, 2023-11-30 to 2023-12-20"
    assert lines["Confluence credentials"].endswith(f"{confluence.url} as Notes Bot")
    assert lines["space"] == "ok   ARCH (Architecture) is visible"
    assert lines[f"page '{TITLE}'"].startswith("ok   exists (id ")
    assert lines[f"write '{TITLE}'"] == "ok   Notes Bot may edit this page"
    assert lines["clock vs Google"].startswith("ok ") and "FAIL" not in output
    assert lines["clock vs Confluence"].startswith("ok ")
    assert writes(confluence) == []
    assert not any(secret in output for secret in secrets(confluence))


def test_a_page_not_there_yet_names_its_parent_and_the_create_permission(
    config, confluence, capsys
):
    code, lines, output = check(config, capsys)
    assert code == 0, output
    assert lines[f"page '{TITLE}'"] == (
        f"ok   not there yet; the first sync creates it under 'Architecture' (id {HOME})"
    )
    write = lines[f"write '{TITLE}'"]
    if confluence.deployment == "cloud":
        assert write == "ok   Notes Bot may add pages to space ARCH"
    else:  # Data Center documents no permitted operations for a space: said, not guessed
        assert write.startswith("??   cannot be determined whether Notes Bot may add pages")
    assert writes(confluence) == []


def test_a_bad_token_fails_naming_the_variables_and_skips_what_needs_it(config, confluence, capsys):
    if confluence.deployment == "cloud":
        confluence.api_token = "rotated-token"
        words = ["CONFLUENCE_API_TOKEN", "id.atlassian.com", "not your password"]
    else:
        confluence.pat = "rotated-token"
        words = ["CONFLUENCE_TOKEN", "personal access token"]
    code, lines, output = check(config, capsys)
    assert code == 1
    failed = lines["Confluence credentials"]
    assert failed.startswith("FAIL") and "(401)" in failed and confluence.url in failed
    assert all(word in failed for word in words)
    assert lines["space"] == "skip needs Confluence credentials, which failed"
    assert lines["pages"].startswith("skip ")
    assert lines["clock vs Confluence"].startswith("ok ")  # a 401 still carries a Date
    assert lines["Google Doc"].startswith("ok ")
    assert "cloud-token" not in output and "dc-pat" not in output


def test_a_missing_space_fails_saying_to_check_the_key(config, confluence, capsys):
    config.write_text(config.read_text().replace('space = "ARCH"', 'space = "NOPE"'))
    code, lines, _ = check(config, capsys)
    assert code == 1
    assert lines["space"].startswith("FAIL ") and "NOPE" in lines["space"]
    assert "check [target] space (the space key" in lines["space"]
    assert lines["pages"].startswith("skip ")


def test_a_read_only_user_fails_the_write_check(config, confluence, capsys):
    confluence.add_page("ARCH", TITLE, "<p>Our archive.</p>", HOME)
    confluence.read_only = True
    code, lines, _ = check(config, capsys)
    assert code == 1
    write = lines[f"write '{TITLE}'"]
    assert write.startswith("FAIL Notes Bot may not edit this page; give the account")
    assert "Add Page" in write
    assert lines[f"page '{TITLE}'"].startswith("ok ")


def test_a_read_only_user_may_not_create_the_missing_page_where_confluence_says(
    config, confluence, capsys
):
    confluence.read_only = True
    code, lines, _ = check(config, capsys)
    write = lines[f"write '{TITLE}'"]
    if confluence.deployment == "cloud":
        assert code == 1 and write.startswith("FAIL Notes Bot may not add pages to space ARCH")
    else:  # unknown is reported, not failed: the first sync's 403 will name the page
        assert code == 0 and write.startswith("??   cannot be determined")


def test_clock_skew_past_five_minutes_fails_for_each_server(config, google, confluence, capsys):
    confluence.clock_offset = 7 * 60
    google.clock_offset = -(6 * 60 + 30)
    code, lines, _ = check(config, capsys)
    assert code == 1
    assert lines["clock vs Confluence"].startswith("FAIL this machine's clock is ")
    assert "behind Confluence's (more than 5 min 0 s)" in lines["clock vs Confluence"]
    assert "ahead of Google's" in lines["clock vs Google"]
    assert "NTP" in lines["clock vs Google"]
    confluence.clock_offset = google.clock_offset = 60
    code, lines, _ = check(config, capsys)
    assert code == 0 and lines["clock vs Confluence"].startswith("ok   within ")


def test_a_doc_not_shared_fails_naming_the_account_and_skips_the_pages(
    config, google, confluence, capsys
):
    google.forbidden.add(DOC_ID)
    code, lines, _ = check(config, capsys)
    assert code == 1
    assert lines["Google Doc"].startswith("FAIL ") and "share the doc with" in lines["Google Doc"]
    assert "notes-sync@proj.iam.gserviceaccount.com" in lines["Google Doc"]
    assert lines["meetings"] == "skip needs Google Doc, which failed"
    assert "could not be read" in lines["pages"]
    assert lines["Confluence credentials"].startswith("ok ")


def test_refused_google_credentials_skip_the_doc(config, google, confluence, capsys):
    google.reject_tokens = True
    code, lines, _ = check(config, capsys)
    assert code == 1
    assert lines["Google credentials"].startswith("ok   service account ")
    assert lines["Google sign-in"].startswith("FAIL Google rejected the credentials")
    assert "check the key still exists" in lines["Google sign-in"]
    assert lines["Google Doc"] == "skip needs Google sign-in, which failed"


def test_a_viewer_is_told_the_revision_is_hidden(config, google, confluence, capsys):
    doc = copy.deepcopy(EXAMPLE)
    del doc["revisionId"]  # the saved example carries the one it was saved with
    google.edit(DOC_ID, doc)
    google.viewer_only = True
    _, lines, _ = check(config, capsys)
    assert "no revision (Viewer access)" in lines["Google Doc"]


def test_an_archive_folder_that_cannot_be_created_fails(tmp_path, google, capsys):
    (tmp_path / "blocked").write_text("a file where a folder should be")
    config = write_config(tmp_path, google, 'url = "file:blocked/archive"\n')
    code, lines, _ = check(config, capsys)
    assert code == 1
    assert lines["archive folder"].startswith("FAIL cannot create ")
    assert "is a file; fix [target] url" in lines["archive folder"]
    assert lines["meetings"].startswith("ok ")


def test_a_writable_archive_folder_passes_and_stays_uncreated(tmp_path, google, capsys):
    config = write_config(tmp_path, google, 'url = "file:archive"\n')
    code, lines, output = check(config, capsys)
    assert code == 0, output
    assert "does not exist yet; the first sync creates it" in lines["archive folder"]
    assert not (tmp_path / "archive").exists()


def test_after_a_sync_the_page_reads_as_synced_before(config, confluence, capsys):
    assert cli.main(["sync", "--config", str(config)]) == 0
    capsys.readouterr()
    code, lines, _ = check(config, capsys)
    assert code == 0 and lines[f"page '{TITLE}'"].endswith(", version 1, synced before)")


@pytest.mark.parametrize("confluence", ["cloud"], indirect=True)
def test_on_cloud_check_says_before_any_sync_that_watchers_will_be_notified(
    config, confluence, capsys
):
    config.write_text(
        config.read_text().replace('space = "ARCH"', 'space = "ARCH"\nnotify = false')
    )
    code, lines, output = check(config, capsys)
    assert code == 0, output
    assert "v2 has no minor edit" in lines["Confluence API"]
    assert lines["notifications"].startswith("warn [target] notify = false (and --minor) cannot")
    assert writes(confluence) == []


@pytest.mark.parametrize("confluence", ["datacenter"], indirect=True)
def test_check_reports_a_data_center_that_leaves_the_state_out_of_the_page(
    config, confluence, capsys
):
    confluence.expands_properties = False
    assert cli.main(["sync", "--config", str(config)]) == 0
    capsys.readouterr()
    code, lines, output = check(config, capsys)
    assert code == 0, output
    assert lines["Confluence API"] == (
        "ok   this Data Center leaves metadata.properties.notes-sync out of the page: the sync"
        " state is read on its own (one more request per page)"
    )
    confluence.expands_properties = True
    _, lines, _ = check(config, capsys)
    assert "comes with the page" in lines["Confluence API"]


@pytest.mark.parametrize("confluence", ["datacenter"], indirect=True)
def test_check_fails_a_token_served_as_the_anonymous_user(config, confluence, capsys, monkeypatch):
    confluence.anonymous_access = True
    monkeypatch.setenv("CONFLUENCE_TOKEN", "expired")
    code, lines, _ = check(config, capsys)
    assert code == 1 and "took the request as anonymous" in lines["Confluence credentials"]


# --- the Google doctor's helpers against the fake --------------------------------------


def test_credentials_say_their_kind_and_where_they_came_from(google, tmp_path, monkeypatch):
    key = google.service_account_file(tmp_path)
    wif = google.external_account_file(tmp_path)
    assert credentials_kind(load_credentials(key, None)) == f"service account {SERVICE_ACCOUNT}"
    assert "workload identity federation" in credentials_kind(load_credentials(wif, None))
    assert credentials_origin(key) == f"[source] credentials ({key})"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(wif))
    assert credentials_origin(None) == f"GOOGLE_APPLICATION_CREDENTIALS ({wif})"
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    assert credentials_origin(None) == "Application Default Credentials"


def test_google_s_date_is_kept_from_the_sign_in_on(google, tmp_path):
    google.clock_offset = -3600
    source = GoogleDocsClient(
        DOC_ID, load_credentials(google.service_account_file(tmp_path), None), google.url
    )
    source.sign_in()
    result = clock_result("Google", source.last_date, utc_now)
    assert result.status == Outcome.FAIL and "ahead of Google's" in result.text
