"""No secret in any output, at the highest verbosity, against the real client libraries.

google-auth, google-api-python-client, httplib2, requests/urllib3 and atlassian-python-api
talk to the local fakes with all their debug output on (``-vv``: http.client prints every
header, google-auth logs its token request). Every byte written to stdout, stderr and the log
is then searched for the service-account key, the access token Google issued, the JWT it was
bought with and the Confluence credentials, while evidence that the headers were logged (and
redacted) shows the filter did the work, not silence. Nothing leaves 127.0.0.1; no sleeps.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import sys
from pathlib import Path

import pytest

from syncer import cli, logs
from syncer import redact as redaction
from syncer.connect import open_store
from syncer.errors import SyncerError
from syncer.redact import REDACTED
from syncer.settings import load_settings
from syncer.sources.google import RETRIES, GoogleDocsClient
from syncer.sources.google_auth import load_credentials
from syncer.stores.confluence.api import ATTEMPTS
from tests.e2e.live import DOC_ID, TITLE
from tests.fakes.confluence import FakeConfluence

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.")
log = logging.getLogger("syncer.e2e")


@pytest.fixture(autouse=True)
def no_waits(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)


@pytest.fixture
def confluence(confluence, monkeypatch):
    """Credentials as unguessable as real ones, so that finding one in the output means a leak."""
    confluence.api_token = "cfl-" + secrets.token_urlsafe(18)
    confluence.pat = "pat-" + secrets.token_urlsafe(18)
    if confluence.deployment == "cloud":
        monkeypatch.setenv("CONFLUENCE_API_TOKEN", confluence.api_token)
    else:
        monkeypatch.setenv("CONFLUENCE_TOKEN", confluence.pat)
    return confluence


@pytest.fixture
def key_file(tmp_path, google) -> Path:
    return google.service_account_file(tmp_path)


@pytest.fixture
def config(tmp_path, google, confluence, key_file) -> Path:
    path = tmp_path / "sync.toml"
    path.write_text(
        f'[source]\ndocument = "{DOC_ID}"\ncredentials = "{key_file}"\n'
        f'api_endpoint = "{google.url}"\n'
        f'[target]\nurl = "{confluence.url}"\ndeployment = "{confluence.deployment}"\n'
        'space = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def loud():
    """``-vv --log-format json`` to the stderr of the moment, as the CLI will set it up."""
    logs.setup_logging(2, "json")
    yield
    logs.close_active_logging()


def logged_failure(action) -> None:
    """Run ``action``, which must fail; log its error and print its ``-v`` traceback."""
    with pytest.raises(SyncerError) as caught:
        action()
    log.error("failed: %s", caught.value, exc_info=caught.value)
    print(redaction.format_exception(caught.value), file=sys.stderr)


def everything_written(capfd, caplog) -> tuple[str, str, list[dict]]:
    """(stdout, all of it, the JSON log entries): the file descriptors and the log records."""
    out, err = capfd.readouterr()
    entries = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    seen = "\n".join([out, err, caplog.text, *(json.dumps(e, ensure_ascii=False) for e in entries)])
    return out, seen, entries


def secret_values(key_file: Path, confluence: FakeConfluence, tokens: list[str]) -> list[str]:
    info = json.loads(key_file.read_text())
    key_lines = [line for line in info["private_key"].splitlines() if "-----" not in line]
    basic = base64.b64encode(f"{confluence.username}:{confluence.api_token}".encode()).decode()
    return [
        info["private_key"],
        *key_lines,
        *tokens,
        confluence.api_token,
        confluence.pat,
        basic,
    ]


@pytest.mark.parametrize("registered", [True, False], ids=["registered", "patterns-only"])
def test_no_secret_reaches_any_output_at_the_highest_verbosity(
    registered, config, google, confluence, key_file, loud, capfd, caplog, monkeypatch
):
    if registered:  # what the CLI does once the settings are loaded
        redaction.register_secrets_from_environ(os.environ)
        redaction.register_key_file_secrets(key_file)
    credentials = load_credentials(key_file, None)
    source = GoogleDocsClient(DOC_ID, credentials, google.url)
    document, _revision = source.fetch()
    assert document.tabs and credentials.token
    store = open_store(load_settings(config))
    assert store.find(TITLE) is None

    google.fail_next(r"^/v1/documents/", 500, times=RETRIES + 1)  # every try
    logged_failure(lambda: GoogleDocsClient(DOC_ID, credentials, google.url).fetch())
    google.reject_tokens = True
    refused = GoogleDocsClient(DOC_ID, load_credentials(key_file, None), google.url)
    logged_failure(refused.fetch)
    google.reject_tokens = False
    confluence.fail_next("GET", ".*", 500, times=ATTEMPTS)
    logged_failure(lambda: store.find(TITLE))
    real = (confluence.api_token, confluence.pat)
    confluence.api_token = confluence.pat = "rotated"  # ours no longer match: a 401
    logged_failure(lambda: store.find(TITLE))
    confluence.api_token, confluence.pat = real
    assert cli.main(["sync", "-vv", "--log-format", "json", "--config", str(config)]) == 0

    out, seen, entries = everything_written(capfd, caplog)
    for secret in secret_values(key_file, confluence, [credentials.token]):
        assert secret not in seen
    assert "ya29." not in seen and not JWT.search(seen)  # no token Google issued, no grant
    assert "send:" not in out  # http.client's debug prints went to the log, not stdout
    loggers = {entry["logger"] for entry in entries}
    assert {"http.client", "urllib3.connectionpool", "google_auth_httplib2"} <= loggers
    assert {"googleapiclient.discovery", "atlassian.rest_client", "syncer.e2e"} <= loggers
    sent = " ".join(e["message"] for e in entries if e["logger"] == "http.client")
    scheme = "Basic" if confluence.deployment == "cloud" else "Bearer"
    assert f"Authorization: {scheme} {REDACTED}" in sent  # Confluence's header, logged
    assert f"authorization: Bearer {REDACTED}" in sent  # Google's, logged
    assert f"assertion={REDACTED}" in sent  # the signed token request, logged
    failures = [e for e in entries if e["logger"] == "syncer.e2e"]
    assert len(failures) == 4 and all("Traceback" in e["exception"] for e in failures)


def test_workload_identity_tokens_do_not_reach_any_output(google, tmp_path, loud, capfd, caplog):
    wif = google.external_account_file(tmp_path)
    subject_token = Path(json.loads(wif.read_text())["credential_source"]["file"]).read_text()
    credentials = load_credentials(wif, None)
    GoogleDocsClient(DOC_ID, credentials, google.url).fetch()
    assert google.exchanges and credentials.token

    _out, seen, entries = everything_written(capfd, caplog)
    assert subject_token not in seen and credentials.token not in seen
    sent = " ".join(e["message"] for e in entries if e["logger"] == "http.client")
    assert f"subject_token={REDACTED}" in sent


def test_a_token_read_from_a_secret_file_stays_secret(config, confluence, monkeypatch, capfd):
    name = "CONFLUENCE_API_TOKEN" if confluence.deployment == "cloud" else "CONFLUENCE_TOKEN"
    token = os.environ[name]
    secret_file = config.parent / "token"
    secret_file.write_text(token + "\n", encoding="utf-8")
    monkeypatch.delenv(name)
    monkeypatch.setenv(f"{name}_FILE", str(secret_file))

    assert cli.main(["sync", "-vv", "--log-format", "json", "--config", str(config)]) == 0
    out, err = capfd.readouterr()
    assert token not in out + err
    assert f"Authorization: {'Basic' if name.endswith('API_TOKEN') else 'Bearer'} {REDACTED}" in err
