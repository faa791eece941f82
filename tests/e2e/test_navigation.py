"""Navigation end to end through ``syncer.cli.main``: the topic index page, labels and
mentions, on the ``file:`` target and on the fake Confluence (Cloud and Data Center)."""

import json
import shutil
from pathlib import Path

import pytest

from syncer import cli
from syncer.xhtml import parse_fragment

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "arch-hours-notes.json"
PAGE, INDEX, HOME = "Arch Hours: 2023", "Arch Hours: topic index", "1000"
NAVIGATION = """
[index]
title = "Arch Hours: topic index"
[people]
"Kelly" = "kelly-id"
"dave.ormsbee@example.org" = "dave-id"
"""
AC, RI = "{urn:confluence:ac}", "{urn:confluence:ri}"


def write_config(folder: Path, target: str) -> Path:
    shutil.copy(EXAMPLE, folder / "notes.json")
    path = folder / "sync.toml"
    path.write_text(
        f'[source]\nfile = "notes.json"\n[target]\n{target}\nspace = "ARCH"\n'
        f'title = "Arch Hours: {{year}}"\nlabels = ["arch-hours", "meeting-notes"]\n{NAVIGATION}',
        encoding="utf-8",
    )
    return path


def sync(config: Path, capsys) -> tuple[int, str]:
    code = cli.main(["sync", "--config", str(config)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out


def edit_notes(config: Path, old: str, new: str) -> None:
    notes_path = config.parent / "notes.json"
    text = notes_path.read_text()
    assert old in text
    notes = json.loads(text.replace(old, new))
    notes["revisionId"] += "-edited"
    notes_path.write_text(json.dumps(notes))


def index_rows(body: str) -> list[list[str]]:
    """Cell texts; an intent cell reads as its lozenges' titles."""
    return [[_cell(cell) for cell in tr] for tr in parse_fragment(body).findall("table/tbody/tr")]


def _cell(cell) -> str:
    titles = cell.findall(f"{AC}structured-macro/{AC}parameter[@{AC}name='title']")
    return " ".join(t.text for t in titles) if titles else "".join(cell.itertext())


def users(body: str) -> list[str]:
    root = parse_fragment(body)
    return [next(iter(user.attrib.values())) for user in root.iter(f"{RI}user")]


# --- file: -------------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path) -> Path:
    return write_config(tmp_path, 'url = "file:archive"')


def archived(config: Path, title: str, suffix: str):
    text = (config.parent / "archive" / f"{title}{suffix}").read_text(encoding="utf-8")
    return json.loads(text) if suffix == ".meta.json" else text


def test_a_sync_that_writes_builds_the_index_labels_the_pages_and_mentions_people(local, capsys):
    _, out = sync(local, capsys)
    assert f"{INDEX}: saved version 1" in out
    rows = index_rows(archived(local, INDEX, ".xhtml"))
    assert rows[0] == ["Date", "Intent", "Presenter", "Topic"]
    assert rows[1] == ["2023-12-20", "", "Dave", "New Relic -> DataDog status"]
    assert rows[2][1:3] == ["INFORM", "Kelly"]  # shown by name, though a mention on the page
    assert [row[0] for row in rows[1:]] == sorted((row[0] for row in rows[1:]), reverse=True)
    for title in (PAGE, INDEX):
        assert archived(local, title, ".meta.json")["labels"] == ["arch-hours", "meeting-notes"]
    assert users(archived(local, PAGE, ".xhtml")) == ["kelly-id", "dave-id"]


def test_a_person_added_to_people_is_mentioned_on_the_next_sync_though_the_doc_did_not_change(
    local, capsys
):
    local.write_text(local.read_text().replace('"Kelly" = "kelly-id"\n', ""))
    sync(local, capsys)
    assert users(archived(local, PAGE, ".xhtml")) == ["dave-id"]
    local.write_text(local.read_text() + '"Kelly" = "kelly-id"\n')
    _, out = sync(local, capsys)
    assert f"{PAGE}: saved version 2" in out
    assert users(archived(local, PAGE, ".xhtml")) == ["kelly-id", "dave-id"]


def test_a_sync_with_nothing_new_leaves_the_index_alone(local, capsys):
    sync(local, capsys)
    index = local.parent / "archive" / f"{INDEX}.xhtml"
    index.write_text(index.read_text() + "<p>a note someone added</p>")
    _, out = sync(local, capsys)
    assert INDEX not in out
    assert index.read_text().endswith("<p>a note someone added</p>")


def test_an_edit_that_changes_no_topic_does_not_rewrite_the_index(local, capsys):
    sync(local, capsys)
    edit_notes(local, "Contract expires around June", "Contract expires in June")
    _, out = sync(local, capsys)
    assert f"{PAGE}: saved version 2" in out and INDEX not in out
    assert archived(local, INDEX, ".meta.json")["version"] == 1


def test_an_edited_topic_is_rewritten_in_the_index(local, capsys):
    sync(local, capsys)
    edit_notes(local, "I made a terrible diagram", "I made a better diagram")
    _, out = sync(local, capsys)
    assert f"{INDEX}: saved version 2" in out
    assert index_rows(archived(local, INDEX, ".xhtml"))[2][3].startswith("I made a better")


def test_a_dry_run_builds_no_index(local, capsys):
    assert cli.main(["sync", "--config", str(local), "--dry-run"]) == 0
    assert not (local.parent / "archive").exists()


# --- Confluence ------------------------------------------------------------------------


@pytest.fixture
def remote(tmp_path, confluence) -> Path:
    target = f'url = "{confluence.url}"\ndeployment = "{confluence.deployment}"'
    return write_config(tmp_path, target)


def page(confluence, title: str):
    found = confluence.find_page("ARCH", title)
    assert found is not None, f"no page {title!r}"
    return found


def writes(confluence) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in confluence.requests if m in ("PUT", "POST")]


def test_the_first_sync_creates_the_index_page_and_labels_both_pages(remote, confluence, capsys):
    sync(remote, capsys)
    index = page(confluence, INDEX)
    assert index.parent_id == HOME and index.version == 1
    assert index_rows(index.body)[2][1:3] == ["INFORM", "Kelly"]
    assert page(confluence, PAGE).labels == index.labels == ["arch-hours", "meeting-notes"]
    assert users(page(confluence, PAGE).body) == ["kelly-id", "dave-id"]
    mention = "account-id" if confluence.deployment == "cloud" else "username"
    assert f'ri:{mention}="kelly-id"' in page(confluence, PAGE).body


def test_nothing_new_sends_no_request_about_the_index_or_labels(remote, confluence, capsys):
    sync(remote, capsys)
    confluence.reset_log()
    _, out = sync(remote, capsys)
    assert "nothing written" in out and INDEX not in out
    assert writes(confluence) == []
    assert confluence.count(path_regex="label") == 0
    assert not any(INDEX in str(query) for _, _, query in confluence.requests)


def test_a_changed_page_updates_the_index_as_a_minor_edit_where_there_is_one_without_relabelling(
    remote, confluence, capsys
):
    sync(remote, capsys)
    notified = list(confluence.notifications)
    confluence.reset_log()
    edit_notes(remote, "I made a terrible diagram", "I made a better diagram")
    _, out = sync(remote, capsys)
    index = page(confluence, INDEX)
    assert f"{INDEX}: saved version 2" in out
    year = page(confluence, PAGE)
    assert index.version == 2
    if confluence.deployment == "cloud":  # v2 has no minor edit: the index notifies too
        assert confluence.notifications == [*notified, (year.id, 2), (index.id, 2)]
    else:
        assert index.history[-1].minorEdit is True
        assert confluence.notifications == [*notified, (year.id, 2)]
    assert confluence.count("POST", "label") == 0
    reads = confluence.count("GET", "label")
    # Data Center reads labels with the page; Cloud's v2 search cannot, so one read per write.
    assert reads == (2 if confluence.deployment == "cloud" else 0)


def test_a_change_that_leaves_the_topics_alone_does_not_touch_the_index(remote, confluence, capsys):
    sync(remote, capsys)
    edit_notes(remote, "Contract expires around June", "Contract expires in June")
    sync(remote, capsys)
    assert page(confluence, PAGE).version == 2
    assert page(confluence, INDEX).version == 1


def test_a_label_someone_removed_is_added_back_on_the_next_write(remote, confluence, capsys):
    sync(remote, capsys)
    page(confluence, PAGE).labels.remove("meeting-notes")
    page(confluence, PAGE).labels.append("keep-me")
    edit_notes(remote, "Contract expires around June", "Contract expires in June")
    sync(remote, capsys)
    assert page(confluence, PAGE).labels == ["arch-hours", "keep-me", "meeting-notes"]
    assert confluence.count("POST", "label") == 3  # two pages created, then the one missing


# --- open action items ------------------------------------------------------------------


def with_action_items(config: Path) -> None:
    """The notes gain a checklist under the newest meeting: one item assigned with a person
    chip and due by a date chip, one of words only (the Docs API reads both as not done)."""
    path = config.parent / "notes.json"
    notes = json.loads(path.read_text())
    tab = notes["tabs"][0]["documentTab"]
    levels = {"nestingLevels": [{"glyphType": "GLYPH_TYPE_UNSPECIFIED"}]}
    tab["lists"]["kix.chk"] = {"listProperties": levels}
    person = {"personProperties": {"name": "Dave", "email": "dave.ormsbee@example.org"}}
    due = {"dateElementProperties": {"timestamp": "2024-01-10T12:00:00Z"}}
    items = [
        [{"person": person}, _run(" to file the APM issue by "), {"dateElement": due}],
        [_run("Book a room for the demo")],
    ]
    checklist = [
        {
            "paragraph": {
                "elements": [*elements, _run("\n")],
                "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"},
                "bullet": {"listId": "kix.chk", "textStyle": {}},
            }
        }
        for elements in items
    ]
    content = tab["body"]["content"]
    second = next(n for n, block in enumerate(content) if _says(block, "2023-12-13\n"))
    content[second:second] = checklist
    notes["revisionId"] += "-tasks"
    path.write_text(json.dumps(notes))


def _run(text: str) -> dict:
    return {"textRun": {"content": text, "textStyle": {}}}


def _says(block: dict, text: str) -> bool:
    elements = block.get("paragraph", {}).get("elements", [])
    return any(e.get("textRun", {}).get("content") == text for e in elements)


def action_items(body: str) -> list[list[str]]:
    """The open action items' rows: the assignee's user, the due date, the words and the
    meeting's heading (the link's anchor); none when the section says there are none."""
    tables = parse_fragment(body).findall("table")
    if len(tables) < 2:
        return []
    rows = []
    for who, due, words, meeting in tables[1].findall("tbody/tr")[1:]:
        user = who.find(f"{AC}link/{RI}user")
        time = due.find("time")
        rows.append(
            [
                next(iter(user.attrib.values())) if user is not None else "",
                time.get("datetime") if time is not None else "",
                "".join(words.itertext()),
                meeting.find(f"{AC}link").get(f"{AC}anchor"),
            ]
        )
    return rows


def test_a_file_archive_lists_the_open_action_items_too(local, capsys):
    with_action_items(local)
    sync(local, capsys)
    assert [row[2] for row in action_items(archived(local, INDEX, ".xhtml"))] == [
        "to file the APM issue by",
        "Book a room for the demo",
    ]


def test_a_task_ticked_on_the_page_leaves_the_index_on_the_next_sync(remote, confluence, capsys):
    with_action_items(remote)
    sync(remote, capsys)
    assert action_items(page(confluence, INDEX).body) == [
        ["dave-id", "2024-01-10", "to file the APM issue by", "2023-12-20"],
        ["", "", "Book a room for the demo", "2023-12-20"],
    ]
    year = page(confluence, PAGE)
    assert year.body.count("<ac:task-status>incomplete</ac:task-status>") == 2
    done = "<ac:task-status>complete</ac:task-status>"
    ticked = year.body.replace("<ac:task-status>incomplete</ac:task-status>", done, 1)
    confluence.edit_page(year.id, ticked, "ticked")  # a person ticks Dave's task
    confluence.reset_log()
    _, out = sync(remote, capsys)
    assert f"{INDEX}: saved version 2" in out and f"{PAGE}: saved" not in out
    assert action_items(page(confluence, INDEX).body) == [
        ["", "", "Book a room for the demo", "2023-12-20"]
    ]
    assert page(confluence, PAGE).version == 2 and done in page(confluence, PAGE).body
    on_the_page = [path for _, path in writes(confluence) if f"/{year.id}" in path]
    assert on_the_page and all("propert" in path for path in on_the_page)  # its state only
    confluence.reset_log()
    _, out = sync(remote, capsys)
    assert "nothing written" in out and INDEX not in out
    assert writes(confluence) == []
    assert not any(INDEX in str(query) for _, _, query in confluence.requests)


def test_the_last_open_task_ticked_leaves_a_line_saying_there_are_none(remote, confluence, capsys):
    with_action_items(remote)
    sync(remote, capsys)
    year = page(confluence, PAGE)
    confluence.edit_page(year.id, year.body.replace(">incomplete<", ">complete<"), "ticked both")
    sync(remote, capsys)
    index = page(confluence, INDEX).body
    assert action_items(index) == [] and "<p>No open action items.</p>" in index
