"""The topic index: year pages (ours and hand-made ones) → one sortable table of topics.

``tests/data/arch-hours-2023.xhtml`` is the text of the real 2023 archive page (the project's
seed) as a hand-kept page stores it: a preamble, dated ``<h2>`` sections (one written
``Aug 16, 2023``), topics as top-level items with their notes nested, intent lozenges in the
newer sections and brackets still typed as text in the older ones, some items wrapped in
``<p>``, and one presenter mentioned as a Confluence user.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from syncer.index import (
    ACTION_ITEMS,
    NO_ACTION_ITEMS,
    TOPIC_LENGTH,
    index_body,
    linked_titles,
    topics_of,
)
from syncer.parse import ParseOptions, parse_document
from syncer.render import People, render_meeting
from syncer.settings import FileSettings, FolderSettings, Publishing, Settings
from syncer.state import SyncState
from syncer.stores.local import LocalPageStore
from syncer.sync import refresh_index
from syncer.xhtml import parse_fragment
from tests.fakes.confluence import storage_error
from tests.helpers import doc, item, para

DATA = Path(__file__).parents[1] / "data"
SAMPLE = (DATA / "confluence-page.xhtml").read_text(encoding="utf-8")
SEED = (DATA / "arch-hours-2023.xhtml").read_text(encoding="utf-8")
OPTIONS = ParseOptions()
JEREMY = People(names={"5b10ac8d82e05b22cc7d4ef5": "Jeremy Bowman"})
AC, RI = "{urn:confluence:ac}", "{urn:confluence:ri}"
D = dt.date


def parse_one(date: str, topic: str):
    (meeting,) = parse_document(doc(para(date), item(topic)), OPTIONS)
    return meeting


def rows(body: str, title: str = "Arch Hours: 2023", people: People = JEREMY):
    return [
        (r.date.isoformat(), r.intents, r.presenter, r.topic)
        for r in topics_of(title, body, OPTIONS, people)
    ]


def table(body: str) -> list[list[str]]:
    """The topic table's rows as cell texts (the intent cell: the lozenges' titles)."""
    root = parse_fragment(body)
    out = []
    for tr in root.findall("table[1]/tbody/tr"):
        cells = []
        for cell in tr:
            macros = cell.findall(f"{AC}structured-macro")
            titles = [p.text for m in macros for p in m if p.get(f"{AC}name") == "title"]
            cells.append(" ".join(titles) if macros else "".join(cell.itertext()))
        out.append(cells)
    return out


def test_the_sample_page_gives_its_topics_and_nothing_from_preamble_notes_or_footer():
    assert rows(SAMPLE) == [
        ("2023-12-20", (), "Dave", "New Relic -> DataDog status"),
        ("2023-12-20", ("inform",), "Kelly", "I made a terrible diagram"),
        ("2023-12-13", ("quest",), "Dave", "How’s the MySQL 8.0 switchover going?"),
    ]


def test_the_seed_page_reads_lozenges_typed_brackets_aliases_and_mentions():
    found = {
        topic[:30]: (date, intents, presenter) for date, intents, presenter, topic in rows(SEED)
    }
    assert found["How can we quickly determine t"] == ("2023-09-06", ("inform", "quest"), "Robert")
    assert found["edx-search research (also 2u s"] == ("2023-10-18", ("inform",), "Andy")
    assert found["CourseOverview has an org stri"] == ("2023-10-18", ("quest",), "")
    assert found["[Wild Speculation] Are we in a"] == ("2023-11-30", (), "AS")
    assert found["2U executive management has be"] == ("2023-12-13", ("ideation",), "Jeremy Bowman")
    assert found["How’s the MySQL 8.0 switchover"] == ("2023-12-13", ("quest",), "Dave")
    assert found["api access"] == ("2023-09-20", ("quest",), "Hilary")  # [quest](Hilary) - …
    assert found[""] == ("2023-09-20", (), "Robert")  # a bare [Robert]


def test_the_seed_page_lists_every_dated_section_with_topics_and_only_those():
    dates = {date for date, *_ in rows(SEED)}
    assert "2023-10-25" not in dates  # "Skipped so 2U developers could stay focused…"
    assert len(dates) == 17 and min(dates) == "2023-08-16" and max(dates) == "2023-12-20"
    assert all(len(topic) <= TOPIC_LENGTH for *_, topic in rows(SEED))


def test_a_section_links_to_its_heading_as_written_on_the_page():
    (august,) = {
        r.anchor
        for r in topics_of("Arch Hours: 2023", SEED, OPTIONS)
        if r.date.month == 8 and r.date.day == 16
    }
    assert august == "Aug 16, 2023"
    body = index_body([("Arch Hours: 2023", SEED)], OPTIONS)
    links = parse_fragment(body).findall(f"table[1]/tbody/tr/td/{AC}link")
    assert links[-1].get(f"{AC}anchor") == "Aug 16, 2023"
    assert links[0].get(f"{AC}anchor") == "2023-12-20"
    assert links[0].find(f"{RI}page").get(f"{RI}content-title") == "Arch Hours: 2023"
    assert links[0].find(f"{AC}plain-text-link-body").text == "2023-12-20"


def test_the_index_is_one_table_with_a_header_row_newest_first_across_pages():
    older = render_meeting(parse_one("2022-12-14", "[analysis] (Kelly) Old topic"), people=People())
    body = index_body([("Arch Hours: 2023", SAMPLE), ("Arch Hours: 2022", older)], OPTIONS)
    assert storage_error(body) is None
    assert table(body) == [
        ["Date", "Intent", "Presenter", "Topic"],
        ["2023-12-20", "", "Dave", "New Relic -> DataDog status"],
        ["2023-12-20", "INFORM", "Kelly", "I made a terrible diagram"],
        ["2023-12-13", "QUEST", "Dave", "How’s the MySQL 8.0 switchover going?"],
        ["2022-12-14", "ANALYSIS", "Kelly", "Old topic"],
    ]
    assert [th.text for th in parse_fragment(body).findall("table[1]/tbody/tr/th")] == [
        "Date",
        "Intent",
        "Presenter",
        "Topic",
    ]
    assert linked_titles(body) == ["Arch Hours: 2023", "Arch Hours: 2022"]


def test_hostile_titles_and_topics_stay_text():
    page = render_meeting(parse_one("2023-01-04", '(Eve) <script>]]>&amp; "x" ]]>'))
    title = 'A & B "<2023>"'
    body = index_body([(title, page)], OPTIONS)
    assert storage_error(body) is None
    assert table(body)[1] == ["2023-01-04", "", "Eve", '<script>]]>&amp; "x" ]]>']
    assert linked_titles(body) == [title]


def test_a_long_topic_is_shortened_at_a_word_and_only_its_first_line_counts():
    text = "(Ned) " + "word " * 60
    page = f"<h2>2023-01-04</h2><ul><li>{text}<br/>second line</li></ul>"
    ((*_, topic),) = rows(page)
    assert topic.endswith("word…") and len(topic) <= TOPIC_LENGTH
    page = "<h2>2023-01-04</h2><ul><li><p>[quest] first</p><p>second</p></li></ul>"
    assert rows(page) == [("2023-01-04", ("quest",), "", "first")]


def test_configured_aliases_read_typed_brackets_too():
    options = ParseOptions(aliases={"q": "quest"})
    page = "<h2>2023-01-04</h2><ul><li>[q] (Dave) Why?</li></ul>"
    assert [r.intents for r in topics_of("P", page, options)] == [("quest",)]


def test_an_unknown_mentioned_presenter_leaves_the_cell_empty_not_the_brackets():
    page = (
        '<h2>2023-01-04</h2><ul><li>(<ac:link><ri:user ri:account-id="x"/></ac:link>): Why?'
        "</li></ul>"
    )
    assert rows(page) == [("2023-01-04", (), "", "Why?")]


# --- open action items ------------------------------------------------------------------

FIXTURES = Path(__file__).parents[1] / "fixtures" / "real-confluence"
KELLY = '<ac:link><ri:user ri:account-id="557058:kelly" /></ac:link>'
DUE = '<time datetime="2024-01-10" />'
# As Data Center's editor stores a task (users by key or name, fixtures 07 and 08), and Cloud's
# (a paragraph, the mention by account id with the editor's local id).
DC_KEY = (
    '<span class="placeholder-inline-tasks">check <ac:link>'
    '<ri:user ri:userkey="ff80808156e241950156e468e9510003" /></ac:link></span>'
)
DC_NAME = '<ac:link><ri:user ri:username="C.ra ppy/User. /" /></ac:link> asks'
CLOUD = (
    '<p><ac:link><ri:user ri:local-id="x1" ri:account-id="5b10ac8d82e05b22cc7d4ef5" />'
    '</ac:link> ships <time datetime="2023-02-01" /></p>'
)


def task(status: str, body: str, number: int = 1) -> str:
    return (
        f"<ac:task><ac:task-id>{number}</ac:task-id><ac:task-status>{status}</ac:task-status>"
        f"<ac:task-body>{body}</ac:task-body></ac:task>"
    )


def tasks(*bodies: str, status: str = "incomplete") -> str:
    listed = "".join(task(status, body, n) for n, body in enumerate(bodies, 1))
    return f"<ac:task-list>{listed}</ac:task-list>"


def action_items(body: str) -> list[tuple[str, str, str, str]]:
    """The open action items' rows: the assignee as its ``ri:user`` attributes, the due
    date's ``datetime``, the words, and the meeting link as ``page#anchor text``; or the one
    line that says there are none."""
    root = parse_fragment(body)
    (heading,) = [h for h in root.findall("h2") if h.text == ACTION_ITEMS]
    after = heading.getnext()
    if after.tag == "p":
        return [("", "", after.text, "")]
    header, *rows = after.findall("tbody/tr")
    assert [th.text for th in header] == ["Assignee", "Due", "Action item", "Meeting"]
    return [_action_row(*tr) for tr in rows]


def _action_row(who, due, words, meeting) -> tuple[str, str, str, str]:
    users = who.findall(f"{AC}link/{RI}user")
    mention = " ".join(f"{etree.QName(k).localname}={v}" for u in users for k, v in u.items())
    times = [time.get("datetime") for time in due.findall("time")]
    (link,) = meeting.findall(f"{AC}link")
    page = link.find(f"{RI}page").get(f"{RI}content-title")
    text = link.find(f"{AC}plain-text-link-body").text
    return mention, " ".join(times), words.text or "", f"{page}#{link.get(f'{AC}anchor')} {text}"


def test_open_action_items_are_listed_newest_first_and_ticked_ones_are_not():
    this_year = (
        f"<h2>2023-12-20</h2>{tasks(f'{KELLY} to draw it again {DUE}', 'already done')}"
        f"<h2>Dec 13, 2023</h2><ul><li>(Dave) topic</li></ul>{tasks('Dave to make issue')}"
    )
    this_year = this_year.replace(
        "<ac:task-id>2</ac:task-id><ac:task-status>incomplete",
        "<ac:task-id>2</ac:task-id><ac:task-status>complete",
    )
    last_year = f"<h2>2022-05-04</h2>{tasks('an old one')}"
    body = index_body([("Arch Hours: 2022", last_year), ("Arch Hours: 2023", this_year)], OPTIONS)
    assert storage_error(body) is None
    assert action_items(body) == [
        (
            "account-id=557058:kelly",
            "2024-01-10",
            "to draw it again",
            "Arch Hours: 2023#2023-12-20 2023-12-20",
        ),
        ("", "", "Dave to make issue", "Arch Hours: 2023#Dec 13, 2023 2023-12-13"),
        ("", "", "an old one", "Arch Hours: 2022#2022-05-04 2022-05-04"),
    ]
    ticked = this_year.replace("<ac:task-status>incomplete", "<ac:task-status>complete", 1)
    body = index_body([("Arch Hours: 2023", ticked)], OPTIONS)
    assert [row[2] for row in action_items(body)] == ["Dave to make issue"]
    assert table(body)[1:] == [["2023-12-13", "", "Dave", "topic"]]  # the topics as before


def test_hand_made_tasks_keep_the_mention_form_their_page_has():
    page = f"<h2>2023-01-18</h2>{tasks(DC_KEY, DC_NAME, CLOUD)}"
    assert [row[:3] for row in action_items(index_body([("P", page)], OPTIONS))] == [
        ("userkey=ff80808156e241950156e468e9510003", "", "check"),
        ("username=C.ra ppy/User. /", "", "asks"),
        ("account-id=5b10ac8d82e05b22cc7d4ef5", "2023-02-01", "ships"),  # no local id copied
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("15-xw-meeting-notes-blueprint.xhtml", [NO_ACTION_ITEMS]),  # the template's placeholder
        ("29-md-tasklist.xhtml", ["Unfinished action"]),
        (
            "23-mk-tasklists.xhtml",
            ["https://github.com/octo-org/octo-repo/issues/740", "Add delig"],
        ),
        ("03-xw-lists.xhtml", ["Task containing an inline status", "task inside a task"]),
    ],
)
def test_the_open_tasks_of_real_pages_under_a_dated_heading(fixture, expected):
    page = f"<h1>2023-03-01</h1>{(FIXTURES / fixture).read_text(encoding='utf-8')}"
    body = index_body([("P", page)], OPTIONS)
    assert storage_error(body) is None
    found = [row[2] for row in action_items(body)]
    assert [words[: len(start)] for words, start in zip(found, expected, strict=True)] == expected


def test_empty_tasks_and_tasks_outside_dated_sections_are_not_listed():
    empty = tasks(
        "", "<p>&nbsp;</p>", '<ac:placeholder ac:type="mention">Type here</ac:placeholder>'
    )
    page = f"{tasks('in the preamble')}<h2>2023-01-04</h2>{empty}{tasks(KELLY)}{tasks(DUE)}"
    assert action_items(index_body([("P", page)], OPTIONS)) == [
        ("account-id=557058:kelly", "", "", "P#2023-01-04 2023-01-04"),
        ("", "2024-01-10", "", "P#2023-01-04 2023-01-04"),
    ]


def test_without_open_tasks_the_section_says_so():
    done = f"<h2>2023-01-04</h2>{tasks('done', status='complete')}<ul><li>topic</li></ul>"
    for pages in ([("P", done)], []):
        body = index_body(pages, OPTIONS)
        assert storage_error(body) is None
        assert action_items(body) == [("", "", NO_ACTION_ITEMS, "")]


def test_a_long_or_hostile_task_stays_short_text_and_well_formed():
    user = '<ac:link><ri:user ri:username="a&quot;b&lt;c" /></ac:link>'
    words = "&lt;script&gt; &amp; ]]&gt; " + "word " * 60
    page = f"<h2>2023-01-04</h2>{tasks(f'{user} {words}')}"
    body = index_body([('A & "B"', page)], OPTIONS)
    assert storage_error(body) is None
    ((who, _due, shown, meeting),) = action_items(body)
    assert who == 'username=a"b<c' and meeting == 'A & "B"#2023-01-04 2023-01-04'
    assert shown.startswith("<script> & ]]> word") and shown.endswith("…")
    assert len(shown) <= TOPIC_LENGTH


def test_a_task_under_a_dated_heading_inside_another_section_is_that_meetings():
    page = f"<h2>2023-01-04</h2>{tasks('outer')}<div><h3>2023-01-11</h3>{tasks('inner')}</div>"
    rows = action_items(index_body([("P", page)], OPTIONS))
    assert [(row[2], row[3]) for row in rows] == [
        ("inner", "P#2023-01-11 2023-01-11"),
        ("outer", "P#2023-01-04 2023-01-04"),
    ]


# --- refresh_index against a store --------------------------------------------------------


class Counting(LocalPageStore):
    """The local store, counting what the index asks of it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.finds: list[str] = []
        self.writes: list[str] = []

    def find(self, title):
        self.finds.append(title)
        return super().find(title)

    def create(self, title, body, state, message):
        self.writes.append(title)
        return super().create(title, body, state, message)

    def update(self, page, body, state, message):
        self.writes.append(page.title)
        return super().update(page, body, state, message)


def settings(tmp_path: Path, index: str | None = "Arch Hours: topic index") -> Settings:
    return Settings(
        FileSettings(tmp_path / "notes.json"),
        FolderSettings(tmp_path),
        Publishing("Arch Hours: {year}", OPTIONS),
        index_title=index,
    )


def just_written(folder: Path, *titles: str) -> dict[str, str]:
    """title → body, as a sync hands over the year pages it just wrote."""
    return {title: LocalPageStore(folder).find(title).body for title in titles}


@pytest.fixture
def store(tmp_path):
    store = Counting(tmp_path)
    for year, body in (
        (2023, SEED),
        (2022, render_meeting(parse_one("2022-05-04", "[inform] old"))),
    ):
        LocalPageStore(tmp_path).create(f"Arch Hours: {year}", body, SyncState(), "m")
    # 2021 is missing: 2020 is not looked for
    LocalPageStore(tmp_path).create("Arch Hours: 2020", SAMPLE, SyncState(), "m")
    return store


def test_the_index_is_built_from_the_touched_page_and_the_earlier_years_until_one_is_missing(
    tmp_path, store
):
    page = refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023"))
    assert page is not None and page.version == 1
    assert store.finds == ["Arch Hours: topic index", "Arch Hours: 2022", "Arch Hours: 2021"]
    assert linked_titles(page.body) == ["Arch Hours: 2023", "Arch Hours: 2022"]
    assert table(page.body)[-1] == ["2022-05-04", "INFORM", "", "old"]


def test_pages_the_index_already_lists_are_read_and_an_unchanged_index_is_not_written(
    tmp_path, store
):
    first = refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023"))
    store.finds.clear()
    store.writes.clear()
    assert (
        refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2022")) is None
    )
    assert store.writes == []
    assert "Arch Hours: 2023" in store.finds  # listed last time, not just written
    assert store.find("Arch Hours: topic index").version == first.version


def test_an_index_confluence_rewrote_on_save_counts_as_unchanged(tmp_path, store):
    first = refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023"))
    saved = first.body.replace('ac:schema-version="1">', 'ac:schema-version="1" ac:macro-id="9">')
    store.update(first, saved.replace("<tr>", "\n<tr>"), first.state, "Confluence saved it")
    store.writes.clear()
    assert (
        refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023")) is None
    )
    assert store.writes == []


def test_a_changed_year_page_rewrites_the_index(tmp_path, store):
    refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023"))
    page = store.find("Arch Hours: 2022")
    store.update(page, page.body.replace("old", "renamed"), page.state, "m")
    written = refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2022"))
    assert written is not None and written.version == 2
    assert table(written.body)[-1][-1] == "renamed"


def test_nothing_is_read_without_an_index_or_without_a_changed_page(tmp_path, store):
    assert (
        refresh_index(
            store, settings(tmp_path, index=None), just_written(tmp_path, "Arch Hours: 2023")
        )
        is None
    )
    assert refresh_index(store, settings(tmp_path), {}) is None
    assert store.finds == []


def test_a_single_page_archive_is_listed_without_looking_for_other_years(tmp_path):
    store = Counting(tmp_path)
    LocalPageStore(tmp_path).create("Arch Hours", SAMPLE, SyncState(), "m")
    one = dataclasses.replace(settings(tmp_path), publishing=Publishing("Arch Hours", OPTIONS))
    page = refresh_index(store, one, just_written(tmp_path, "Arch Hours"))
    assert store.finds == ["Arch Hours: topic index"]
    assert len(table(page.body)) == 4


def test_a_page_someone_saved_rebuilds_the_index_from_the_body_read_and_records_its_version(
    tmp_path, store
):
    refresh_index(store, settings(tmp_path), just_written(tmp_path, "Arch Hours: 2023"))
    page = store.find("Arch Hours: 2022")
    saved = store.update(page, page.body.replace("old", "renamed"), page.state, "by hand")
    store.finds.clear()
    written = refresh_index(store, settings(tmp_path), {}, [saved])
    assert written is not None and table(written.body)[-1][-1] == "renamed"
    assert "Arch Hours: 2022" not in store.finds  # its body was read by the run already
    assert store.find("Arch Hours: 2022").state == SyncState(indexed_version=saved.version)


def test_a_page_saved_again_while_the_index_was_rebuilt_records_nothing(tmp_path, store):
    page = store.find("Arch Hours: 2022")
    store.update(page, page.body + "<p>again</p>", page.state, "by hand")
    assert refresh_index(store, settings(tmp_path), {}, [page]) is not None
    assert store.find("Arch Hours: 2022").state.indexed_version is None  # the next run again
