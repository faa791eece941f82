"""A meeting-notes block, a checklist with assignees and due dates, and prose follow-ups
become Confluence tasks, on Cloud, Data Center and a ``file:`` archive; a task ticked on the
page stays ticked through doc edits and forced updates, and no tick is ever a conflict."""

import copy
import json
import re

import pytest

from syncer import cli
from tests.e2e.live import DOC_ID, EXAMPLE, sync, the_page
from tests.fakes.cloud_editor import saved_in_cloud_editor

CHECKS = "kix.checks"
TASK = re.compile(
    r"<ac:task><ac:task-id>(\d+)</ac:task-id><ac:task-status>(\w+)</ac:task-status>"
    r"<ac:task-body>(.*?)</ac:task-body></ac:task>"
)


def run(text: str, **style) -> dict:
    return {"textRun": {"content": text, "textStyle": style}}


def person(name: str, email: str) -> dict:
    return {"person": {"personProperties": {"name": name, "email": email}, "textStyle": {}}}


def date(shown: str) -> dict:
    return {"dateElement": {"dateElementProperties": {"displayText": shown}, "textStyle": {}}}


def paragraph(*elements: dict, style: str = "NORMAL_TEXT", bullet: dict | None = None) -> dict:
    found = {"elements": [*elements, run("\n")], "paragraphStyle": {"namedStyleType": style}}
    if bullet:
        found["bullet"] = bullet
    return {"paragraph": found}


def meeting_notes_doc(topic: str = "Config repos") -> dict:
    """The example doc with a newer meeting written with Docs' meeting-notes block."""
    doc = copy.deepcopy(EXAMPLE)
    tab = doc["tabs"][0]["documentTab"]
    bullets = next(iter(tab["lists"]))
    checklist = [{"glyphType": "GLYPH_TYPE_UNSPECIFIED", "startNumber": 1}] * 3
    tab["lists"][CHECKS] = {"listProperties": {"nestingLevels": checklist}}
    event = {"richLinkProperties": {"title": "Arch Hours", "uri": "https://calendar.google.com/e"}}
    block = [
        paragraph(date("Dec 27, 2023"), run(" | "), {"richLink": event}, style="HEADING_2"),
        paragraph(
            run("Attendees: "),
            person("Kelly Lee", "kelly@example.org"),
            run(" "),
            person("Dave Ormsbee", "dave@example.org"),
        ),
        paragraph(run("Notes"), style="HEADING_3"),
        paragraph(run(f"[inform] (Kelly) {topic}"), bullet={"listId": bullets}),
        paragraph(
            run("Dave to make issue in configuration repo (?) to track this."),
            bullet={"listId": bullets, "nestingLevel": 1},
        ),
        paragraph(run("Action items"), style="HEADING_3"),
        paragraph(
            person("Kelly Lee", "kelly@example.org"),
            run(" draw the diagram by "),
            date("Jan 5, 2024"),
            bullet={"listId": CHECKS},
        ),
    ]
    content = tab["body"]["content"]
    content[2:2] = block  # after the section break and the preamble
    return doc


def people(deployment: str) -> str:
    kind = "username" if deployment == "datacenter" else "account"
    return (
        '[meetings]\naction_items = "detect"\n[people]\n'
        f'"kelly@example.org" = "{kind}-kelly"\nDave = "{kind}-dave"\n'
        f'"dave@example.org" = "{kind}-dave"\n'
        f'Jeremy = "{kind}-jeremy"\n'
    )


@pytest.fixture
def notes(config, google, confluence):
    """The config with [people] and detection, and the doc with a meeting-notes block."""
    config.write_text(config.read_text() + people(confluence.deployment))
    google.edit(DOC_ID, meeting_notes_doc())
    return config


def mention(confluence, who: str) -> str:
    """How the page mentions a person of ``people``: Cloud by account id, DC by username."""
    if confluence.deployment == "datacenter":
        return f'<ac:link><ri:user ri:username="username-{who}"/></ac:link>'
    return f'<ac:link><ri:user ri:account-id="account-{who}"/></ac:link>'


def tasks(body: str) -> dict[str, tuple[str, str]]:
    """Each task's body → (its id, its status)."""
    return {found[3]: (found[1], found[2]) for found in TASK.finditer(body)}


def section(body: str, day: str) -> str:
    start = body.index(f">{day}</h2>")
    end = body.find("<h2", start)
    return body[start : end if end > 0 else None]


def test_a_meeting_notes_block_becomes_a_section_with_attendees_and_assigned_tasks(
    notes, confluence, capsys
):
    code, out, err = sync(notes, capsys)
    assert code == 0, err
    body = the_page(confluence).body
    kelly, dave = mention(confluence, "kelly"), mention(confluence, "dave")
    meeting = section(body, "2023-12-27")
    assert meeting.index(f"<p><strong>Attendees:</strong> {kelly}, {dave}</p>") < meeting.index(
        "Arch Hours</a>"
    )
    assert "<h3>Notes</h3>" in meeting and "<h3>Action items</h3>" in meeting
    assert tasks(meeting) == {
        f"{dave} to make issue in configuration repo (?) to track this.": (
            "20231227001",
            "incomplete",
        ),
        f'{kelly} draw the diagram by <time datetime="2024-01-05"/>': (
            "20231227002",
            "incomplete",
        ),
    }
    jeremy = mention(confluence, "jeremy")
    assert f"{jeremy} will see if we want to turn on Issues there" in section(body, "2023-12-13")
    assert "2023-12-27  added" in out


def tick(confluence, words: str, status: str = "complete") -> None:
    """A person ticks (or unticks) the task whose body has ``words``, in the editor."""
    page = the_page(confluence)
    found = next(m for m in TASK.finditer(page.body) if words in m[3])
    ticked = page.body[: found.start(2)] + status + page.body[found.end(2) :]
    confluence.edit_page(page.id, ticked, "ticked")


def test_a_tick_on_the_page_is_no_edit_and_survives_doc_edits_and_forced_updates(
    notes, google, confluence, capsys
):
    assert sync(notes, capsys)[0] == 0
    tick(confluence, "draw the diagram")
    version = the_page(confluence).version

    code, out, err = sync(notes, capsys)  # the tick alone: nothing to write, nothing kept
    assert code == 0, err
    assert the_page(confluence).version == version
    assert "kept" not in out and "conflict" not in out

    google.edit(DOC_ID, meeting_notes_doc("Config repositories"))
    code, out, err = sync(notes, capsys)
    assert code == 0, err
    body = the_page(confluence).body
    assert "Config repositories" in body
    assert [
        s for b, (_i, s) in tasks(section(body, "2023-12-27")).items() if "draw the diagram" in b
    ] == ["complete"]
    assert "2023-12-27  updated" in out

    code, out, err = sync(notes, capsys, "--force", "2023-12-27")
    assert code == 0, err
    assert [
        s
        for b, (_i, s) in tasks(section(the_page(confluence).body, "2023-12-27")).items()
        if "diagram" in b
    ] == ["complete"]


@pytest.mark.parametrize(
    "editor",
    [{}, {"renumber_tasks": True}, {"task_spans": True}],
    ids=["ids-kept", "ids-renumbered", "text-in-spans"],
)
def test_ticks_survive_a_save_in_the_editor_and_a_doc_edit_after_it(
    notes, google, confluence, capsys, editor
):
    assert sync(notes, capsys)[0] == 0
    page = the_page(confluence)
    saved = saved_in_cloud_editor(page.body, 3, **editor)
    confluence.edit_page(page.id, saved, "saved")
    tick(confluence, "make issue")
    code, out, err = sync(notes, capsys)
    assert code == 0, err
    assert "kept" not in out and "conflict" not in out
    google.edit(DOC_ID, meeting_notes_doc("Config repositories"))
    code, out, err = sync(notes, capsys)
    assert code == 0, err
    body = the_page(confluence).body
    assert [
        s for b, (_i, s) in tasks(section(body, "2023-12-27")).items() if "make issue" in b
    ] == ["complete"]
    assert "conflict" not in out


def test_a_file_archive_gets_the_same_tasks_and_keeps_a_tick(tmp_path, google, capsys):
    key = google.service_account_file(tmp_path)
    config = tmp_path / "sync.toml"
    config.write_text(
        f'[source]\ndocument = "{DOC_ID}"\ncredentials = "{key}"\n'
        f'api_endpoint = "{google.url}"\n'
        '[target]\nurl = "file:archive"\nspace = "ARCH"\ntitle = "Arch Hours: {year}"\n'
        + people("cloud"),
        encoding="utf-8",
    )
    google.edit(DOC_ID, meeting_notes_doc())
    assert cli.main(["sync", "--config", str(config)]) == 0
    capsys.readouterr()
    page = tmp_path / "archive" / "Arch Hours: 2023.xhtml"
    body = page.read_text(encoding="utf-8")
    assert len(tasks(section(body, "2023-12-27"))) == 2
    page.write_text(body.replace("incomplete", "complete", 1), encoding="utf-8")
    google.edit(DOC_ID, meeting_notes_doc("Config repositories"))
    assert cli.main(["sync", "--config", str(config), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [meeting] = [m for m in out["pages"][0]["meetings"] if m["date"] == "2023-12-27"]
    assert meeting["status"] == "updated"
    assert [(t["done"], t["assignee"], t["due"]) for t in meeting["tasks"]] == [
        (True, "account-dave", None),
        (False, "account-kelly", "2024-01-05"),
    ]
    assert "Config repositories" in page.read_text(encoding="utf-8")
