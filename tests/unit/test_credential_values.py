"""A credential put where its path belongs is named, never shown, and redacted from the start."""

from __future__ import annotations

import json

import pytest

from syncer import redact as redaction
from syncer.errors import AuthError
from syncer.sources.google_auth import credentials_origin, load_credentials

KEY = {
    "type": "service_account",
    "project_id": "notes",
    "private_key_id": "5c0f9e1d2b3a4c5d6e7f8a9b0c1d2e3f4a5b6c7d",
    "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n-----END",
    "client_email": "notes-sync@notes.iam.gserviceaccount.com",
    "client_id": "118273645501928374655",
    "token_uri": "https://oauth2.googleapis.com/token",
}
PASTED = json.dumps(KEY, indent=2)
PARTS = ("5c0f9e1d2b3a", "MIIEvQIBADAN", "118273645501928374655", "notes-sync@notes.iam")


def test_a_key_pasted_into_the_variable_is_an_auth_error_that_shows_none_of_it(monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", PASTED)
    with pytest.raises(AuthError) as caught:
        load_credentials(None, None)
    message = str(caught.value)
    assert message.startswith("GOOGLE_APPLICATION_CREDENTIALS holds JSON, not a path")
    assert not [part for part in PARTS if part in message]
    assert credentials_origin(None) == "GOOGLE_APPLICATION_CREDENTIALS"


def test_the_environment_s_credentials_are_registered_before_the_config_is_read():
    token = "ATATT3xFfGF0-Yq8"
    redaction.register_secrets_from_environ(
        {
            "GOOGLE_APPLICATION_CREDENTIALS": PASTED,
            "CONFLUENCE_TOKEN_FILE": "pat-only-a-token-no-file",
            "CONFLUENCE_API_TOKEN": f"{token}\n",
            "CONFLUENCE_USERNAME": "me@example.org",
        }
    )
    shown = redaction.redact(f"{PASTED} {KEY['private_key_id']} pat-only-a-token-no-file {token}")
    assert not [part for part in (*PARTS[:2], "pat-only", token) if part in shown]


def test_a_key_file_that_never_ends_is_refused(tmp_path):
    (tmp_path / "key.json").symlink_to("/dev/zero")
    with pytest.raises(AuthError, match=r"is not a key \(larger than 1 MB\)"):
        load_credentials(tmp_path / "key.json", None)
