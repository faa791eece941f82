"""Backfills are not news: a backfill writes minor edits unless asked to notify, a sync normal
ones, and the plan says which; on Cloud, which has no minor edit, the run says so first. (A
new page is news to its space whatever the run asks: only updates can be minor.)"""

import json

import pytest

from syncer import cli
from tests.e2e.live import TITLE, the_page

on_data_center = pytest.mark.parametrize("confluence", ["datacenter"], indirect=True)


def run(config, capsys, *args):
    code = cli.main([*args[:1], "--config", str(config), *args[1:]])
    out, err = capsys.readouterr()
    return code, out, err


@on_data_center
@pytest.mark.parametrize(
    ("command", "quiet"),
    [(("backfill",), True), (("backfill", "--notify"), False), (("sync",), False)],
)
def test_a_backfill_updates_as_a_minor_edit_unless_asked_to_notify(
    config, confluence, capsys, command, quiet
):
    confluence.add_page("ARCH", TITLE, "<p>Our notes.</p>", parent_id="1000")
    code, out, err = run(config, capsys, *command, "--json")
    assert code == 0, err
    (page,) = json.loads(out)["pages"]
    assert page["action"] == "update" and page["minor_edit"] is quiet
    assert the_page(confluence).current().minorEdit is quiet
    assert bool(confluence.notifications) is not quiet


@on_data_center
def test_the_text_plan_says_a_backfill_updates_as_a_minor_edit(config, confluence, capsys):
    confluence.add_page("ARCH", TITLE, "<p>Our notes.</p>", parent_id="1000")
    code, out, err = run(config, capsys, "backfill", "--dry-run")
    assert code == 0, err
    assert f"{TITLE}: update as a minor edit (4 added)" in out


@pytest.mark.parametrize("confluence", ["cloud"], indirect=True)
def test_on_cloud_a_backfill_says_before_writing_that_watchers_will_be_notified(
    config, confluence, capsys
):
    code, out, err = run(config, capsys, "backfill")
    assert code == 0, err
    warning = "a backfill's minor edits cannot be honoured: the watchers of the pages"
    assert warning in err and err.index(warning) < err.index("syncer backfill: done")
    assert "minor edit" not in out
