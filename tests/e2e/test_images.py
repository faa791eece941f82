"""A doc's images reach the page as attachments it shows: read from the content links the
Docs API gives (which need no token and last half an hour), uploaded before the body that
shows them, named by their bytes so an unchanged picture is never sent twice."""

import json
import re

import pytest

from tests.e2e.live import DOC_ID, TITLE, sync, the_page, with_images
from tests.fakes.cloud_editor import saved_in_cloud_editor

PNG = b"\x89PNG\r\n\x1a\n"
CHART, DIAGRAM = PNG + b"chart" * 50, PNG + b"diagram" * 50
FILENAME = re.compile(r'ri:filename="(image-[0-9a-f]{16}\.png)"')


@pytest.fixture
def pictures(google):
    """The example doc showing a chart (2023-12-20) and a diagram (2023-12-13)."""
    chart, diagram = google.add_image(CHART), google.add_image(DIAGRAM)
    google.edit(DOC_ID, with_images(("[inform] (Kelly)", chart), ("[quest] (Dave): How", diagram)))
    return chart, diagram


def uploads(confluence) -> int:
    return confluence.count("PUT", r"/child/attachment$") + confluence.count(
        "POST", r"/child/attachment$"
    )


def test_a_doc_s_images_become_attachments_the_page_shows(
    config, google, confluence, capsys, pictures
):
    code, _out, err = sync(config, capsys)
    assert code == 0, err
    page = the_page(confluence)
    body = page.current().body
    names = FILENAME.findall(body)
    assert len(names) == 2
    stored = {name: confluence.attachment(page.id, name) for name in names}
    assert {a.data for a in stored.values()} == {CHART, DIAGRAM}
    assert all(a.media_type == "image/png" and a.minor for a in stored.values())
    assert '<ac:image ac:alt="picture 1" ac:width="400" ac:height="200">' in body
    assert "I made a terrible diagram" in body.split(names[0])[0]
    # The content link itself stands for the reader: no token goes with it.
    assert [sent for _name, sent in google.image_downloads] == [False, False]


def test_a_second_sync_uploads_nothing_and_writes_nothing(
    config, google, confluence, capsys, pictures
):
    assert sync(config, capsys)[0] == 0
    version = the_page(confluence).current().number
    google.edit(DOC_ID, google.documents[DOC_ID].doc)  # a new revision, the same pictures
    confluence.reset_log()
    code, out, err = sync(config, capsys)
    assert code == 0, err
    assert uploads(confluence) == 0
    assert the_page(confluence).current().number == version
    assert "unchanged" in out


def test_a_replaced_picture_uploads_one_file_and_changes_one_meeting(
    config, google, confluence, capsys, pictures
):
    assert sync(config, capsys)[0] == 0
    before = set(FILENAME.findall(the_page(confluence).current().body))
    google.replace_image(pictures[0], PNG + b"a better chart")
    google.edit(DOC_ID, google.documents[DOC_ID].doc)
    confluence.reset_log()
    code, out, err = sync(config, capsys)
    assert code == 0, err
    assert uploads(confluence) == 1
    after = set(FILENAME.findall(the_page(confluence).current().body))
    assert len(after - before) == 1 and len(before - after) == 1
    assert "1 updated" in out and "1 added" not in out


def test_an_upload_that_fails_leaves_the_page_unwritten_and_the_next_run_finishes(
    config, google, confluence, capsys, pictures, slept
):
    confluence.add_page("ARCH", TITLE, "<p>Our notes.</p>", parent_id="1000")
    confluence.fail_next("*", r"/child/attachment$", 500, times=10)
    code, _out, err = sync(config, capsys)
    assert code != 0
    assert len(err.strip().splitlines()[-1]) < 300 and "attach" in err
    assert the_page(confluence).current().body == "<p>Our notes.</p>"
    confluence._failures.clear()
    code, _out, err = sync(config, capsys)
    assert code == 0, err
    page = the_page(confluence)
    assert all(confluence.attachment(page.id, n) for n in FILENAME.findall(page.current().body))


def test_a_new_page_whose_upload_fails_gets_its_files_on_the_next_run(
    config, google, confluence, capsys, pictures, slept
):
    confluence.fail_next("*", r"/child/attachment$", 503, times=10)
    assert sync(config, capsys)[0] != 0
    confluence._failures.clear()
    code, _out, err = sync(config, capsys)
    assert code == 0, err
    page = the_page(confluence)
    names = FILENAME.findall(page.current().body)
    assert len(names) == 2 and all(confluence.attachment(page.id, n) for n in names)


def test_an_image_google_will_not_give_is_left_out_said_so_and_added_when_it_can_be(
    config, google, confluence, capsys, pictures
):
    google.links_outlived = True  # or the doc's sharing changed: the links answer 403
    code, out, err = sync(config, capsys)
    assert code == 0, err
    note = "2 images Google would not give (its content link answered 403) left out"
    assert note in out + err
    assert "docsz" not in out + err and "key=" not in out + err  # a link stands for an account
    assert "I made a terrible diagram" in the_page(confluence).current().body
    assert "ac:image" not in the_page(confluence).current().body
    google.links_outlived = False
    google.edit(DOC_ID, google.documents[DOC_ID].doc)
    code, out, err = sync(config, capsys)
    assert code == 0, err
    assert len(FILENAME.findall(the_page(confluence).current().body)) == 2


def test_an_image_link_that_fails_for_now_fails_the_run_and_writes_nothing(
    config, google, confluence, capsys, pictures, slept
):
    google.fail_next(r"^/docsz/", 503, times=10)
    code, _out, err = sync(config, capsys)
    assert code != 0
    (line,) = [line for line in err.splitlines() if "content link" in line]
    assert "503" in line and "run the sync again" in line and "docsz" not in line
    assert confluence.find_page("ARCH", TITLE) is None


def test_a_dry_run_names_the_images_and_uploads_nothing(
    config, google, confluence, capsys, pictures
):
    code, out, err = sync(config, capsys, "--dry-run")
    assert code == 0, err
    assert uploads(confluence) == 0
    shown = re.findall(r"!\[picture \d\]\((image-[0-9a-f]{16}\.png)\)", out)
    assert len(set(shown)) == 2


def test_a_page_saved_in_the_cloud_editor_keeps_its_images_as_they_are(
    config, google, confluence, capsys, pictures
):
    """The editor rewrites each image's size and placement: not an edit, so the next sync
    neither sees a conflict nor writes the meetings back."""
    assert sync(config, capsys)[0] == 0
    page = the_page(confluence)
    confluence.edit_page(page.id, saved_in_cloud_editor(page.body), "published")
    assert 'ac:layout="center"' in the_page(confluence).body
    doc = json.loads(json.dumps(google.documents[DOC_ID].doc).replace("New Relic", "NewRelic"))
    google.edit(DOC_ID, doc)  # 2023-12-20, which shows the chart, changes in the doc
    confluence.reset_log()
    code, out, err = sync(config, capsys, "--json")
    assert code == 0, err
    (planned,) = json.loads(out)["pages"]
    assert {m["date"]: m["status"] for m in planned["meetings"]} == {
        "2023-12-20": "updated",
        "2023-12-13": "unchanged",
        "2023-12-06": "unchanged",
        "2023-11-30": "unchanged",
    }
    assert uploads(confluence) == 0
    assert 'ac:layout="center"' in the_page(confluence).body  # 2023-12-13's, as saved
