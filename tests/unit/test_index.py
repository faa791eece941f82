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

from syncer.index import TOPIC_LENGTH, index_body, linked_titles, topics_of
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
    """The index's rows as cell texts (the intent cell: the lozenges' titles)."""
    root = parse_fragment(body)
    out = []
    for tr in root.findall("table/tbody/tr"):
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
    links = parse_fragment(body).findall(f"table/tbody/tr/td/{AC}link")
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
    assert [th.text for th in parse_fragment(body).findall("table/tbody/tr/th")] == [
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
