from pathlib import Path

import pytest

from syncer.errors import EXIT_USAGE, ConfigError
from syncer.settings import load_settings

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
    assert settings.source_file == tmp_path / "notes.json"
    assert settings.archive == tmp_path / "archive"
    assert settings.page_title(2023) == "Arch Hours: 2023"
    assert settings.parse.intent("q") == "quest"
    assert settings.parse.intent("question") == "quest"


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


def test_the_live_services_are_named_as_not_yet_available(tmp_path):
    text = GOOD.replace('file = "notes.json"', 'document = "1AbC"').replace(
        "file:archive", "https://x.atlassian.net/wiki"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert len(caught.value.problems) == 2
    assert "--from" in caught.value.problems[0]


def test_from_overrides_the_configured_source(tmp_path):
    text = GOOD.replace('file = "notes.json"', 'document = "1AbC"')
    settings = load_settings(write(tmp_path, text), source_override=Path("export.zip"))
    assert settings.source_file == Path("export.zip")


def test_a_missing_or_broken_config_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[source\n"))


def test_the_shipped_example_config_is_valid():
    example = Path(__file__).parents[2] / "config" / "example.toml"
    settings = load_settings(example)
    assert settings.source_file.exists()
