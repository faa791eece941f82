"""``[target] labels`` and ``[index] title`` in the config, and labels on the ``file:`` target."""

import json

import pytest

from syncer.errors import ConfigError
from syncer.state import SyncState
from syncer.stores.local import LocalPageStore
from tests.helpers import load_config

load = load_config


def problems(tmp_path, **kwargs) -> str:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, **kwargs)
    return str(raised.value)


def test_labels_and_the_index_title_are_read_and_both_are_optional(tmp_path):
    settings = load(
        tmp_path, 'labels = ["arch-hours", "notes_2023", "arch-hours"]', '[index]\ntitle = "Topics"'
    )
    assert settings.labels == ("arch-hours", "notes_2023")
    assert settings.index_title == "Topics"
    plain = load(tmp_path)
    assert plain.labels == () and plain.index_title is None and not plain.publishing.people.users


def test_every_label_confluence_would_refuse_is_reported(tmp_path):
    message = problems(tmp_path, target='labels = ["arch hours", "Arch-Hours", "a:b", ""]')
    assert "'arch hours' is not a Confluence label (' ')" in message
    assert "write 'arch-hours'" in message
    assert "'a:b' is not a Confluence label (':')" in message
    assert "'' is not a Confluence label" in message
    assert "must be a list" in problems(tmp_path, target='labels = "arch-hours"')


def test_an_index_title_that_is_a_year_page_or_a_template_is_refused(tmp_path):
    assert "would be one of the [target] title pages" in problems(
        tmp_path, extra='[index]\ntitle = "Arch Hours: 2019"'
    )
    assert "must be a page title" in problems(tmp_path, extra='[index]\ntitle = "Index {year}"')
    assert "unknown key [index] page" in problems(tmp_path, extra='[index]\npage = "x"')


def test_an_index_needs_the_year_pages_by_title_not_a_page_id(tmp_path):
    message = problems(
        tmp_path,
        url="https://wiki.example.org",
        title="Arch Hours",
        target="page_id = 42",
        extra='[index]\ntitle = "Topics"',
    )
    assert "drop [target] page_id" in message


def test_the_file_target_keeps_labels_in_the_metadata_and_keeps_labels_added_by_hand(tmp_path):
    store = LocalPageStore(tmp_path, ["arch-hours"])
    page = store.create("P", "<p>1</p>", SyncState(), "m")
    meta_path = tmp_path / "P.meta.json"
    meta = json.loads(meta_path.read_text())
    assert meta["labels"] == ["arch-hours"]
    meta_path.write_text(json.dumps({**meta, "labels": ["by-hand"]}))
    store.update(page, "<p>2</p>", SyncState(), "m")
    assert json.loads(meta_path.read_text())["labels"] == ["by-hand", "arch-hours"]


def test_without_labels_the_metadata_has_none(tmp_path):
    LocalPageStore(tmp_path).create("P", "<p>1</p>", SyncState(), "m")
    assert "labels" not in json.loads((tmp_path / "P.meta.json").read_text())
