import json
from pathlib import Path

import pytest

from syncer import redact as redaction
from syncer.errors import EXIT_USAGE, ConfigError
from syncer.settings import ConfluenceSettings, GoogleSettings, load_settings

GOOD = """
[source]
file = "notes.json"
[target]
url = "file:archive"
space = "ARCH"
title = "Arch Hours: {year}"
[tags]
quest = ["q"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sync.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_config_file(tmp_path):
    settings = load_settings(write(tmp_path, GOOD))
    assert settings.source.path == tmp_path / "notes.json"
    assert settings.target.path == tmp_path / "archive"
    assert settings.publishing.page_title(2023) == "Arch Hours: 2023"
    assert settings.publishing.parse.intent("q") == "quest"
    assert settings.publishing.parse.intent("question") == "quest"


def test_every_problem_is_reported_at_once(tmp_path):
    text = """
[source]
fiel = "notes.json"
[target]
url = "ftp://x"
title = "Arch {month}"
[meetings]
date_order = "ymd"
[tags]
quest = "q"
[extras]
"""
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    problems = "\n".join(caught.value.problems)
    for expected in (
        "unknown key [source] fiel",
        "[source] needs `file`",
        '[target] url must be "file:PATH"',
        "[target] title may only use the placeholder {year}",
        "[meetings] date_order",
        "[tags] quest must be a list",
        "unknown section [extras]",
    ):
        assert expected in problems
    assert caught.value.exit_code == EXIT_USAGE


def test_an_alias_cannot_mean_two_intents(tmp_path):
    with pytest.raises(ConfigError, match="'inform' already means inform"):
        load_settings(write(tmp_path, GOOD.replace('quest = ["q"]', 'quest = ["inform"]')))


LIVE = GOOD.replace(
    'file = "notes.json"',
    'document = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUv/edit"',
)


def live(url: str, extra: str = "") -> str:
    return LIVE.replace("file:archive", url).replace("[tags]", extra + "\n[tags]")


def test_a_live_config_reads_credentials_from_the_environment_only(tmp_path):
    env = {"CONFLUENCE_USERNAME": "me@example.org", "CONFLUENCE_API_TOKEN": "s3cret"}
    settings = load_settings(write(tmp_path, live("https://x.atlassian.net/wiki")), environ=env)
    assert isinstance(settings.source, GoogleSettings)
    assert isinstance(settings.target, ConfluenceSettings)
    assert settings.source.document == "1AbCdEfGhIjKlMnOpQrStUv"
    assert settings.target.deployment == "cloud" and settings.target.notify
    assert settings.target.credentials.username == "me@example.org"
    assert "s3cret" not in repr(settings)


def test_data_center_is_inferred_and_takes_a_personal_access_token(tmp_path):
    settings = load_settings(
        write(tmp_path, live("https://wiki.example.org")), environ={"CONFLUENCE_TOKEN": "pat"}
    )
    assert settings.target.deployment == "datacenter"
    assert settings.target.credentials.pat == "pat"


def test_a_token_can_come_from_a_mounted_secret_file(tmp_path):
    (tmp_path / "token").write_text("pat-from-file\n", encoding="utf-8")
    environ = {"CONFLUENCE_TOKEN_FILE": str(tmp_path / "token")}
    settings = load_settings(write(tmp_path, live("https://wiki.example.org")), environ=environ)
    assert settings.target.credentials.pat == "pat-from-file"


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"CONFLUENCE_TOKEN_FILE": "missing"}, "CONFLUENCE_TOKEN_FILE does not name a file"),
        ({"CONFLUENCE_TOKEN_FILE": "/"}, "cannot read CONFLUENCE_TOKEN_FILE /: Is a directory"),
        (
            {"CONFLUENCE_TOKEN": "pat", "CONFLUENCE_TOKEN_FILE": "token"},
            "set CONFLUENCE_TOKEN or CONFLUENCE_TOKEN_FILE, not both",
        ),
    ],
)
def test_an_unreadable_or_doubled_secret_file_is_a_config_problem(tmp_path, environ, says):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, live("https://wiki.example.org")), environ=environ)
    assert any(says in problem for problem in caught.value.problems)


def test_missing_credentials_and_bad_target_keys_are_named_together(tmp_path):
    text = live(
        "https://x.atlassian.net/wiki", 'page_id = "12a"\ndeployment = "server"\nnotify = "no"'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ={})
    problems = "\n".join(caught.value.problems)
    assert "CONFLUENCE_TOKEN" in problems or "CONFLUENCE_USERNAME" in problems
    assert "[target] deployment" in problems
    assert "[target] notify must be true or false" in problems
    assert "[target] page_id must be a page id" in problems


def test_page_id_names_one_page_so_year_pages_are_refused(tmp_path):
    text = live("https://wiki.example.org", "page_id = 123")
    with pytest.raises(ConfigError, match="drop \\{year\\}"):
        load_settings(write(tmp_path, text), environ={"CONFLUENCE_TOKEN": "pat"})


def test_from_overrides_the_configured_source(tmp_path):
    text = GOOD.replace('file = "notes.json"', 'document = "1AbCdEfGhIjKlMnOpQrStUv"')
    settings = load_settings(write(tmp_path, text), source_override=Path("export.zip"))
    assert settings.source.path == Path("export.zip")


def test_a_missing_or_broken_config_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[source\n"))


def test_the_shipped_example_config_is_valid():
    example = Path(__file__).parents[2] / "config" / "example.toml"
    settings = load_settings(example)
    assert settings.source.path.exists()


def test_timeouts_default_to_a_minute_and_take_seconds(tmp_path):
    env = {"CONFLUENCE_TOKEN": "pat"}
    default = load_settings(write(tmp_path, live("https://wiki.example.org")), environ=env)
    assert default.target.timeout == 60.0
    text = live("https://wiki.example.org", "timeout_seconds = 2.5")
    assert load_settings(write(tmp_path, text), environ=env).target.timeout == 2.5


@pytest.mark.parametrize("value", ["0", "-1", '"60"', "true", "86400"])
def test_a_timeout_that_is_not_a_sensible_number_of_seconds_is_refused(tmp_path, value):
    text = live("https://wiki.example.org", f"timeout_seconds = {value}")
    with pytest.raises(ConfigError, match=r"\[target\] timeout_seconds must be a number"):
        load_settings(write(tmp_path, text), environ={"CONFLUENCE_TOKEN": "pat"})


# --- secrets are never quoted, and are registered before any message is built -------------


def problems_of(tmp_path, text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), environ=environ or {})
    assert caught.value.exit_code == EXIT_USAGE
    return "\n".join(caught.value.problems)


@pytest.mark.parametrize("variable", ["CONFLUENCE_TOKEN_FILE", "CONFLUENCE_API_TOKEN_FILE"])
def test_a_token_put_where_its_file_belongs_is_named_but_not_shown(tmp_path, variable):
    token = "pat-Zx81mQv0NwYk3Rt7LpC2"
    environ = {variable: token, "CONFLUENCE_USERNAME": "me@example.org"}
    problems = problems_of(tmp_path, live("https://wiki.example.org"), environ)
    assert f"{variable} does not name a file — did you put the token itself there?" in problems
    assert token not in problems
    assert redaction.redact(f"echo {token}") == f"echo {redaction.REDACTED}"


def test_a_key_pasted_into_google_application_credentials_is_not_shown(tmp_path):
    key = json.dumps(
        {
            "type": "service_account",
            "private_key_id": "3f1e0c9a7b5d4e2f8a6c1b0d9e7f5a3c2b1d0e9f",
            "client_email": "notes@project.iam.gserviceaccount.com",
            "client_id": "104857201938475610293",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0\n-----END",
        }
    )
    problems = problems_of(
        tmp_path, LIVE, {"GOOGLE_APPLICATION_CREDENTIALS": key, "CONFLUENCE_TOKEN": "t"}
    )
    assert "GOOGLE_APPLICATION_CREDENTIALS holds JSON, not a path" in problems
    for part in ("3f1e0c9a7b5d", "notes@project", "104857201938475610293", "MIIEvAIBADAN"):
        assert part not in problems
    assert redaction.REDACTED in redaction.redact(
        f"key: {key}"
    ) and "3f1e0c9a" not in redaction.redact(key)


def test_a_key_pasted_into_source_credentials_is_not_shown(tmp_path):
    text = LIVE.replace("[target]", 'credentials = \'{"private_key_id": "k-93be1"}\'\n[target]')
    problems = problems_of(tmp_path, text, {"CONFLUENCE_TOKEN": "t"})
    assert "[source] credentials holds JSON, not a path" in problems
    assert "k-93be1" not in problems


def test_a_token_is_sent_without_the_newline_a_mounted_secret_leaves(tmp_path):
    environ = {"CONFLUENCE_USERNAME": " me@example.org\n", "CONFLUENCE_API_TOKEN": "s3cret\n"}
    settings = load_settings(write(tmp_path, live("https://x.atlassian.net/wiki")), environ=environ)
    credentials = settings.target.credentials
    assert (credentials.username, credentials.api_token) == ("me@example.org", "s3cret")


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"CONFLUENCE_TOKEN": "  \n"}, "CONFLUENCE_TOKEN holds only whitespace"),
        ({"CONFLUENCE_TOKEN_FILE": "blank"}, "CONFLUENCE_TOKEN_FILE blank is empty"),
    ],
)
def test_a_blank_token_is_a_config_problem(tmp_path, monkeypatch, environ, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blank").write_text(" \n", encoding="utf-8")
    assert says in problems_of(tmp_path, live("https://wiki.example.org"), environ)


def test_a_token_file_that_never_ends_is_refused(tmp_path):
    (tmp_path / "token").symlink_to("/dev/zero")
    environ = {"CONFLUENCE_TOKEN_FILE": str(tmp_path / "token")}
    problems = problems_of(tmp_path, live("https://wiki.example.org"), environ)
    assert "is not a token file (larger than 64 KB)" in problems


# --- configuration mistakes caught before anything is read ----------------------------------


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("since = 20231227", "[meetings] since must be a date written YYYY-MM-DD"),
        ("since = 2023-12-27T09:00:00", "[meetings] since must be a date without a time"),
        ('until = "12/27/2023"', "[meetings] until must be a date written YYYY-MM-DD"),
    ],
)
def test_a_window_date_that_is_not_a_date_is_refused_not_ignored(tmp_path, line, says):
    assert says in problems_of(tmp_path, f"{GOOD}\n[meetings]\n{line}\n")


def test_file_and_document_together_are_refused(tmp_path):
    both = 'file = "notes.json"\ndocument = "1AbCdEfGhIjKlMnOpQrStUv"'
    text = GOOD.replace('file = "notes.json"', both)
    assert "[source] has both `file` and `document`" in problems_of(tmp_path, text)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("quiet_minutes = 99999999999999", "[source] quiet_minutes must be at most 10080"),
        ("max_file_mb = 0", "[source] max_file_mb must be a number of megabytes"),
        ('max_file_mb = "50"', "[source] max_file_mb must be a number of megabytes"),
    ],
)
def test_source_numbers_out_of_range_are_refused(tmp_path, line, says):
    text = GOOD.replace('file = "notes.json"', f'file = "notes.json"\n{line}')
    assert says in problems_of(tmp_path, text)


def test_max_file_mb_sets_the_size_cap(tmp_path):
    text = GOOD.replace('file = "notes.json"', 'file = "notes.json"\nmax_file_mb = 2')
    assert load_settings(write(tmp_path, text)).source.max_file_bytes == 2 * 1024 * 1024
    assert load_settings(write(tmp_path, GOOD)).source.max_file_bytes == 100 * 1024 * 1024


def test_a_title_too_long_for_a_file_name_is_refused(tmp_path):
    text = GOOD.replace("Arch Hours: {year}", "A" * 300)
    assert "[target] title is 300 characters long" in problems_of(tmp_path, text)
    text = GOOD.replace("Arch Hours: {year}", "Ä" * 150)
    assert "[target] title is 300 bytes long as a file name" in problems_of(tmp_path, text)


def test_a_config_file_that_never_ends_is_refused(tmp_path):
    (tmp_path / "sync.toml").symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="is not a config file"):
        load_settings(tmp_path / "sync.toml")
