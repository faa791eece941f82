"""[people]: a person chip or a presenter that names a known person becomes a user mention."""

import datetime as dt

import pytest

from syncer.errors import ConfigError
from syncer.model import BOLD, ItemList, Meeting, Paragraph, Text, Topic
from syncer.parse import ParseOptions, parse_document
from syncer.render import People, render_meeting
from syncer.xhtml import parse_fragment
from tests.fakes.confluence import storage_error
from tests.helpers import doc, item, load_config, para

DEC_20 = dt.date(2023, 12, 20)
AC, RI = "{urn:confluence:ac}", "{urn:confluence:ri}"
CLOUD = People({"jeremy bowman": "5b10ac8d82e05b22cc7d4ef5", "dave@example.org": "557058:0a1b"})


def render(*blocks, people: People = CLOUD) -> str:
    return render_meeting(Meeting(DEC_20, blocks), people=people)


def users(storage: str) -> list[dict[str, str]]:
    """The attributes of each mentioned user, in order."""
    root = parse_fragment(storage)
    return [
        {key.removeprefix(RI): value for key, value in user.attrib.items()}
        for user in root.iter(f"{RI}user")
    ]


def chip(name: str, email: str) -> Text:
    """A Google person chip, as the Docs reader yields it."""
    return Text(name, link=f"mailto:{email}")


def test_a_person_chip_is_matched_by_its_email_or_its_name_ignoring_case():
    storage = render(
        Paragraph((chip("Dave", "Dave@Example.org"), Text(" and "), chip("JEREMY  Bowman", "j@x")))
    )
    assert users(storage) == [
        {"account-id": "557058:0a1b"},
        {"account-id": "5b10ac8d82e05b22cc7d4ef5"},
    ]
    assert "mailto:" not in storage
    assert storage_error(storage) is None


def test_an_unknown_person_chip_stays_a_mailto_link_and_plain_links_are_never_mentions():
    storage = render(
        Paragraph((chip("Kelly", "kelly@example.org"), Text("Jeremy Bowman", link="https://x.org")))
    )
    assert users(storage) == []
    anchors = parse_fragment(storage).findall("p/a")
    assert [a.get("href") for a in anchors] == ["mailto:kelly@example.org", "https://x.org"]


def test_a_known_presenter_in_brackets_becomes_a_mention_and_the_brackets_stay():
    meetings = parse_document(
        doc(para("2023-12-20"), item("[inform] (jeremy bowman) Maintenance burden")),
        ParseOptions(),
    )
    storage = render_meeting(meetings[0], people=CLOUD)
    li = parse_fragment(storage).find("ul/li")
    assert users(storage) == [{"account-id": "5b10ac8d82e05b22cc7d4ef5"}]
    assert li.find(f"{AC}structured-macro").get(f"{AC}name") == "status"
    mention = li.find(f"{AC}link")
    assert li.find(f"{AC}structured-macro").tail == " ("
    assert mention.tail == ") Maintenance burden"
    assert storage_error(storage) is None


def test_an_unknown_presenter_stays_text_exactly_as_written():
    topic = Topic((Text("(Kelly) I made a diagram"),), presenter="Kelly")
    assert render(ItemList((topic,))) == render(ItemList((topic,)), people=People())
    assert users(render(ItemList((topic,)))) == []


def test_a_presenter_in_square_brackets_or_in_bold_is_mentioned_inside_its_marks():
    square = Topic((Text("[Jeremy Bowman] Axim access"),), presenter="Jeremy Bowman")
    bold = Topic(
        (Text("( Jeremy Bowman )", frozenset({BOLD})), Text(": why?")), presenter="Jeremy Bowman"
    )
    root = parse_fragment(render(ItemList((square, bold))))
    first, second = root.findall("ul/li")
    assert first.text == "[" and first.find(f"{AC}link").tail == "] Axim access"
    assert second.find(f"strong/{AC}link") is not None
    assert "".join(second.itertext()) == "(  ): why?"


def test_data_center_mentions_name_the_username():
    people = People({"dave@example.org": "dave"}, usernames=True)
    storage = render(Paragraph((chip("Dave", "dave@example.org"),)), people=people)
    assert users(storage) == [{"username": "dave"}]


def test_a_hostile_user_id_cannot_break_the_markup():
    people = People({"dave": 'x"/><script>&'})
    storage = render(ItemList((Topic((Text("(Dave) hi"),), presenter="Dave"),)), people=people)
    assert storage_error(storage) is None
    assert users(storage) == [{"account-id": 'x"/><script>&'}]


# --- [people] in the config ---------------------------------------------------------------


def load(tmp_path, people: str, url: str = "file:archive", extra: str = ""):
    return load_config(tmp_path, extra, f"[people]\n{people}", url=url)


def test_people_keys_ignore_case_and_spacing_and_cloud_ids_are_account_ids(tmp_path):
    settings = load(tmp_path, '"Jeremy  Bowman" = "5b10"\n"Dave@Example.org" = "557058:0a"')
    people = settings.publishing.people
    assert people.users == {"jeremy bowman": "5b10", "dave@example.org": "557058:0a"}
    assert settings.publishing.people.names == {"5b10": "Jeremy Bowman"}
    assert settings.publishing.people.user("JEREMY BOWMAN") == "5b10"


def test_on_data_center_the_people_are_usernames(tmp_path):
    settings = load(
        tmp_path,
        '"Dave" = "dave"',
        url="https://wiki.example.org",
        extra='deployment = "datacenter"',
    )
    assert (
        settings.publishing.people.usernames and settings.publishing.people.user("dave") == "dave"
    )


def test_every_bad_people_entry_is_reported(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, '"Dave" = "a b"\n"dave" = "x"\n"DAVE" = "y"\n"Kelly" = 5')
    message = str(raised.value)
    assert "'Dave' must be an account id" in message
    assert "'DAVE' is listed twice" in message
    assert "'Kelly' must be an account id" in message
