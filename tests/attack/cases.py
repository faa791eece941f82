"""The attack, as data: each case an unattended run meeting the world (issue 15), with what a
correct run does. ``tests/attack/test_attack.py`` replays them all on every CI run;
``bench/attack_totals.py`` counts what an older release gets wrong."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.attack.scenes import (
    TITLE,
    Case,
    Scene,
    archived,
    config,
    docs_json,
    export_html,
    files,
    heading,
    meetings,
    para,
    sync,
    topic,
    zip_bomb,
    zipped,
)
from tests.fakes.confluence import FakeConfluence
from tests.fakes.google import FakeGoogle

CASES: list[Case] = []
MB = 1024 * 1024
Build = Callable[[Path], contextlib.AbstractContextManager[Scene]]


def case(group: str, name: str | None = None) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        CASES.append(Case(name or build.__name__, group, build))
        return build

    return register


def token(prefix: str) -> str:
    return f"{prefix}-{secrets.token_urlsafe(18)}"


# --- 1. secrets pasted where a path belongs -------------------------------------------------

KEY_ID = "9f0e8d7c6b5a49382716e5f4d3c2b1a0f9e8d7c6"
CLIENT_ID = "113355779911224466880"
CLIENT_EMAIL = "notes-bot@arch-notes-2023.iam.gserviceaccount.com"
PEM_LINE = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDXk3"
KEY_JSON = json.dumps(
    {
        "type": "service_account",
        "project_id": "arch-notes-2023",
        "private_key_id": KEY_ID,
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{PEM_LINE}\n-----END PRIVATE KEY-----\n",
        "client_email": CLIENT_EMAIL,
        "client_id": CLIENT_ID,
        "token_uri": "https://oauth2.googleapis.com/token",
    },
    indent=2,
)
KEY_PARTS = (KEY_ID, CLIENT_ID, CLIENT_EMAIL, PEM_LINE)
LIVE_DOC = 'document = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"\napi_endpoint = "http://127.0.0.1:9"'


def _token_file_case(variable: str, target: str, env: dict[str, str]) -> Build:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        secret = token("pat" if variable == "CONFLUENCE_TOKEN_FILE" else "ATATT3xFf")
        config(folder, target=target)
        yield Scene(
            sync(folder, "-vv"),
            {variable: secret, **env},
            expect=2,
            says=f"{variable} does not name a file",
            secrets=(secret,),
        )

    return build


case("1 secrets", "token pasted into CONFLUENCE_TOKEN_FILE")(
    _token_file_case(
        "CONFLUENCE_TOKEN_FILE", 'url = "https://wiki.example.org"\ndeployment = "datacenter"', {}
    )
)
case("1 secrets", "token pasted into CONFLUENCE_API_TOKEN_FILE")(
    _token_file_case(
        "CONFLUENCE_API_TOKEN_FILE",
        'url = "https://example.atlassian.net/wiki"',
        {"CONFLUENCE_USERNAME": "me@example.org"},
    )
)


@case("1 secrets")
@contextlib.contextmanager
def key_json_pasted_into_google_application_credentials(folder: Path) -> Iterator[Scene]:
    config(folder, source=LIVE_DOC)
    yield Scene(
        sync(folder, "-vv"),
        {"GOOGLE_APPLICATION_CREDENTIALS": KEY_JSON},
        expect=2,
        says="GOOGLE_APPLICATION_CREDENTIALS holds JSON, not a path",
        secrets=KEY_PARTS,
    )


@case("1 secrets")
@contextlib.contextmanager
def key_json_pasted_into_the_check_command(folder: Path) -> Iterator[Scene]:
    config(folder, source=LIVE_DOC)
    yield Scene(
        ["check", "--config", str(folder / "sync.toml"), "-vv"],
        {"GOOGLE_APPLICATION_CREDENTIALS": KEY_JSON},
        expect=2,
        says="holds JSON, not a path",
        secrets=KEY_PARTS,
    )


@case("1 secrets")
@contextlib.contextmanager
def key_json_pasted_into_source_credentials(folder: Path) -> Iterator[Scene]:
    pasted = json.dumps(json.loads(KEY_JSON))
    config(folder, source=f"{LIVE_DOC}\ncredentials = '{pasted}'")
    yield Scene(sync(folder), expect=2, says="[source] credentials holds JSON", secrets=KEY_PARTS)


@case("1 secrets")
@contextlib.contextmanager
def token_file_that_never_ends(folder: Path) -> Iterator[Scene]:
    (folder / "token").symlink_to("/dev/zero")
    config(folder, target='url = "https://wiki.example.org"')
    yield Scene(
        sync(folder), {"CONFLUENCE_TOKEN_FILE": str(folder / "token")}, expect=2, says="64 KB"
    )


def _live(
    folder: Path, google: FakeGoogle, confluence: FakeConfluence, env: dict[str, str]
) -> Scene:
    """A live run: the doc from the fake Google, the page on the fake Confluence, -vv."""
    key = google.service_account_file(folder)
    doc_id = google.add_document(
        json.loads(meetings("[inform] (Kelly) live words", "[quest] second topic"))
    )
    config(
        folder,
        source=f'document = "{doc_id}"\ncredentials = "{key}"\napi_endpoint = "{google.url}"',
        target=f'url = "{confluence.url}"\ndeployment = "{confluence.deployment}"',
    )
    key_info = json.loads(key.read_text())
    return Scene(
        sync(folder, "-vv"),
        env,
        words=("live words", "second topic"),
        secrets=(*env.values(), key_info["private_key_id"], key_info["private_key"][40:90]),
        pages=lambda: "\n".join(p.body for p in confluence.pages.values()),
    )


@contextlib.contextmanager
def _servers(deployment: str) -> Iterator[tuple[FakeGoogle, FakeConfluence]]:
    with FakeGoogle() as google, FakeConfluence(deployment=deployment) as confluence:
        confluence.add_space("ARCH", "2000", "1000", name="Architecture")
        yield google, confluence


@case("1 secrets")
@contextlib.contextmanager
def live_run_at_the_highest_verbosity_data_center(folder: Path) -> Iterator[Scene]:
    with _servers("datacenter") as (google, confluence):
        confluence.pat = token("pat")
        yield _live(folder, google, confluence, {"CONFLUENCE_TOKEN": confluence.pat})


@case("1 secrets")
@contextlib.contextmanager
def live_run_at_the_highest_verbosity_cloud(folder: Path) -> Iterator[Scene]:
    with _servers("cloud") as (google, confluence):
        confluence.api_token = token("ATATT3xFf")
        env = {
            "CONFLUENCE_USERNAME": confluence.username,
            "CONFLUENCE_API_TOKEN": confluence.api_token,
        }
        yield _live(folder, google, confluence, env)


# --- 7. configuration mistakes: exit 2 before anything is read ------------------------------


@case("7 config")
@contextlib.contextmanager
def token_with_the_newline_kubectl_leaves(folder: Path) -> Iterator[Scene]:
    with _servers("datacenter") as (google, confluence):
        confluence.pat = token("pat")
        scene = _live(folder, google, confluence, {"CONFLUENCE_TOKEN": f"{confluence.pat}\n"})
        yield Scene(
            scene.argv, scene.env, words=scene.words, secrets=(confluence.pat,), pages=scene.pages
        )


@case("7 config")
@contextlib.contextmanager
def api_token_with_a_trailing_newline_on_cloud(folder: Path) -> Iterator[Scene]:
    with _servers("cloud") as (google, confluence):
        confluence.api_token = token("ATATT3xFf")
        env = {
            "CONFLUENCE_USERNAME": confluence.username,
            "CONFLUENCE_API_TOKEN": f"{confluence.api_token}\n",
        }
        scene = _live(folder, google, confluence, env)
        yield Scene(
            scene.argv, env, words=scene.words, secrets=(confluence.api_token,), pages=scene.pages
        )


@case("7 config")
@contextlib.contextmanager
def whitespace_only_token(folder: Path) -> Iterator[Scene]:
    config(folder, target='url = "https://wiki.example.org"')
    yield Scene(sync(folder), {"CONFLUENCE_TOKEN": "   "}, expect=2, says="only whitespace")


def _config_case(name: str, says: str, **parts: str) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        with files(folder, meetings("[inform] kept out")):
            config(folder, **parts)
            yield Scene(sync(folder), expect=2, says=says)

    case("7 config", name)(build)


_config_case(
    "since written as a number",
    "[meetings] since must be a date",
    extra="[meetings]\nsince = 20231227",
)
_config_case(
    "since written as a TOML datetime",
    "[meetings] since must be a date without a time",
    extra="[meetings]\nsince = 2023-12-27T00:00:00",
)
_config_case(
    "file and document both set",
    "has both `file` and `document`",
    source='file = "notes.json"\ndocument = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123"',
)
_config_case(
    "quiet_minutes beyond any clock",
    "quiet_minutes must be at most",
    source='file = "notes.json"\nquiet_minutes = 9999999999999999',
)
_config_case("a 300-character title", "300 characters long", title="A" * 296 + "{year}")
_config_case(
    "a title too long for a file name", "bytes long as a file name", title="Ä" * 120 + " {year}"
)
_config_case("config is not TOML", "is not valid TOML", extra="[meetings\n")
_config_case(
    "max_file_mb is not a size",
    "max_file_mb must be",
    source='file = "notes.json"\nmax_file_mb = -1',
)


@case("7 config")
@contextlib.contextmanager
def backfill_since_after_until(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings("[inform] outside")):
        config(folder)
        window = ("--since", "2023-12-31", "--until", "2023-01-01")
        yield Scene(
            sync(folder, *window, command="backfill"),
            expect=2,
            says="is after --until",
        )


@case("7 config")
@contextlib.contextmanager
def config_that_never_ends(folder: Path) -> Iterator[Scene]:
    (folder / "sync.toml").symlink_to("/dev/zero")
    yield Scene(sync(folder), expect=2, says="is not a config file")


@case("7 config")
@contextlib.contextmanager
def config_missing(folder: Path) -> Iterator[Scene]:
    yield Scene(sync(folder), expect=2, says="config file not found")


@case("7 config")
@contextlib.contextmanager
def config_of_binary_junk(folder: Path) -> Iterator[Scene]:
    (folder / "sync.toml").write_bytes(bytes(range(256)))
    yield Scene(sync(folder), expect=2, says="sync.toml")


# --- 2 and 11. the file: archive shared by runs and people ---------------------------------


def _synced(folder: Path) -> None:
    """A first sync, so that the page exists; then the doc changes (a new revision)."""
    from syncer import cli  # the product under test, whichever release it is

    config(folder)
    (folder / "notes.json").write_bytes(meetings("[inform] first words"))
    assert cli.main(sync(folder, "-q"), _Discard()) == 0
    (folder / "notes.json").write_bytes(
        docs_json(
            heading("2023-12-20"),
            topic("[inform] first words, edited in the doc"),
            heading("2023-12-13"),
            topic("[quest] an older meeting"),
            revision="r2",
        )
    )


class _Discard(io.StringIO):
    """A run's stdout nobody reads."""


@contextlib.contextmanager
def _after_the_first_read(action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` once, right after the run reads the page (before it writes)."""
    from syncer.stores.local import LocalPageStore

    real_find = LocalPageStore.find
    done: list[bool] = []

    def find(self: LocalPageStore, title: str) -> object:
        found = real_find(self, title)
        if found is not None and not done:
            done.append(True)
            action()
        return found

    LocalPageStore.find = find
    try:
        yield
    finally:
        LocalPageStore.find = real_find


@case("2 file: races")
@contextlib.contextmanager
def a_person_saves_the_page_during_the_sync(folder: Path) -> Iterator[Scene]:
    _synced(folder)
    page = folder / "archive" / f"{TITLE}.xhtml"

    def person_saves() -> None:
        page.write_text(
            "<p>A line a person saved meanwhile.</p>" + page.read_text("utf-8"), "utf-8"
        )

    yield Scene(
        sync(folder),
        words=("A line a person saved meanwhile.", "edited in the doc", "an older meeting"),
        pages=archived(folder),
        hook=lambda: _after_the_first_read(person_saves),
    )


@contextlib.contextmanager
def _as_the_first_write_begins(action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` once, as the run starts writing a page it checked (read, merged, its
    version compared): the window where a second writer's update was lost."""
    from syncer.stores.local import LocalPageStore

    real_write = LocalPageStore._write
    done: list[bool] = []

    def write(self: LocalPageStore, *args: object) -> object:
        if not done:
            done.append(True)
            action()
        return real_write(self, *args)

    LocalPageStore._write = write
    try:
        yield
    finally:
        LocalPageStore._write = real_write


@case("2 file: races")
@contextlib.contextmanager
def a_backfill_overlaps_the_sync(folder: Path) -> Iterator[Scene]:
    """The sync has read and merged the page and is about to write it; a backfill of another
    export starts now, and must wait for the sync rather than be overwritten by it."""
    from syncer import cli

    _synced(folder)
    (folder / "other.json").write_bytes(
        docs_json(heading("2023-12-06"), topic("[analysis] from the backfill"), revision="b1")
    )
    waiting = threading.Event()
    codes: list[int] = []

    class Waiting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "waiting for it to finish" in record.getMessage():
                waiting.set()

    def backfill() -> None:
        argv = sync(folder, "--from", str(folder / "other.json"), command="backfill")
        codes.append(cli.main(argv, _Discard()))

    thread = threading.Thread(target=backfill)

    def start_backfill() -> None:
        thread.start()
        waiting.wait(float(os.environ.get("ATTACK_RACE_WAIT", "10")))

    @contextlib.contextmanager
    def overlap() -> Iterator[None]:
        logger = logging.getLogger("syncer.stores.local")
        logger.addHandler(handler := Waiting())
        try:
            with _as_the_first_write_begins(start_backfill):
                yield
            thread.join(30)
        finally:
            logger.removeHandler(handler)

    def both_finished() -> list[str]:
        return [] if codes == [0] else [f"the overlapping backfill ended with {codes}"]

    yield Scene(
        sync(folder),
        words=("edited in the doc", "an older meeting", "from the backfill"),
        pages=archived(folder),
        check=both_finished,
        hook=overlap,
    )


@case("11 file: leftovers")
@contextlib.contextmanager
def archive_files_get_the_umask_s_mode(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings("[inform] words")):
        config(folder)

        def modes() -> list[str]:
            expected = 0o666 & ~_umask()
            return [
                f"{p.name} has mode {stat.S_IMODE(p.stat().st_mode):o}, not {expected:o}"
                for p in (folder / "archive").rglob("*.*")
                if p.is_file() and stat.S_IMODE(p.stat().st_mode) != expected
            ]

        yield Scene(sync(folder), words=("words",), pages=archived(folder), check=modes)


@case("11 file: leftovers")
@contextlib.contextmanager
def temporary_files_of_an_interrupted_run(folder: Path) -> Iterator[Scene]:
    _synced(folder)
    for leftover in (
        folder / "archive" / ".tmp-x1y2.xhtml",
        folder / "archive" / ".history" / ".tmp-q.xhtml",
    ):
        leftover.write_text("half a page", "utf-8")

    def leftovers() -> list[str]:
        return [f"{p.name} left behind" for p in (folder / "archive").rglob(".tmp-*")]

    yield Scene(sync(folder), words=("edited in the doc",), pages=archived(folder), check=leftovers)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _archive_case(
    name: str, group: str, expect: int, says: str, damage: Callable[[Path], None]
) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        _synced(folder)
        damage(folder / "archive")
        yield Scene(sync(folder), expect=expect, says=says)

    case(group, name)(build)


def _meta(value: object) -> Callable[[Path], None]:
    def damage(archive: Path) -> None:
        path = archive / f"{TITLE}.meta.json"
        meta = json.loads(path.read_text())
        meta["version"] = value
        path.write_text(json.dumps(meta))

    return damage


_archive_case(
    '.meta.json with "version": "3"',
    "8 malformed",
    1,
    '"version" must be a whole number',
    _meta("3"),
)
_archive_case(
    ".meta.json with version null",
    "8 malformed",
    1,
    '"version" must be a whole number',
    _meta(None),
)
_archive_case(
    ".meta.json that is not JSON",
    "bad input",
    1,
    "cannot read page metadata",
    lambda archive: (archive / f"{TITLE}.meta.json").write_text("{oops"),
)
_archive_case(
    ".xhtml that is not UTF-8",
    "bad input",
    1,
    "cannot read page",
    lambda archive: (archive / f"{TITLE}.xhtml").write_bytes(b"\xff\xfe<p>x</p>"),
)
_archive_case(
    ".xhtml that is not well-formed",
    "bad input",
    1,
    "not well-formed",
    lambda archive: (archive / f"{TITLE}.xhtml").write_text("<p>unclosed <b>bold</p>"),
)


# --- 4. dates as people write them ----------------------------------------------------------

DATE_FORMS = (
    "Dec 27th, 2023",
    "27.12.2023",
    "2023/12/27",
    "12/27/23",
    "Wednesday 27 December 2023",
    "27-Dec-2023",
    "2023-12-27 (Wed)",
    "Dec. 27, 2023",
    "December 27th 2023",
)


def _date_case(written: str) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        notes = docs_json(
            heading(written),
            topic("[inform] filed under its own date"),
            heading("2023-12-20"),
            topic("[quest] the week before"),
        )
        with files(folder, notes):
            config(folder)
            yield Scene(
                sync(folder),
                words=("<h2>2023-12-27</h2>", "filed under its own date", "<h2>2023-12-20</h2>"),
                pages=archived(folder),
            )

    case("4 dates", f"heading {written!r}")(build)


for _form in DATE_FORMS:
    _date_case(_form)


def _misdated_case(written: str, problem: str) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        notes = docs_json(
            heading("2023-12-20"),
            topic("[quest] the meeting before"),
            heading(written),
            topic("[inform] notes under a heading that is no date"),
        )
        with files(folder, notes):
            config(folder)
            yield Scene(
                sync(folder),
                says=f"looks like a date but is not read as one ({problem}): its notes were"
                " filed under the meeting of 2023-12-20",
                words=("notes under a heading that is no date",),
                pages=archived(folder),
            )

    case("4 dates", f"heading {written!r} is warned about")(build)


_misdated_case("2023-02-30", "February 2023 has no day 30")
_misdated_case("13/13/2023", "there is no month 13")
_misdated_case("Dec 27", "it has no year")


# --- 5. a lone surrogate ----------------------------------------------------------------------


@case("5 surrogates")
@contextlib.contextmanager
def a_lone_surrogate_in_a_topic(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings("[inform] a broken \ud800 emoji, and the words around it")):
        config(folder)
        yield Scene(sync(folder), words=("a broken", "the words around it"), pages=archived(folder))


@case("5 surrogates")
@contextlib.contextmanager
def lone_surrogates_in_a_heading_a_link_and_a_person(folder: Path) -> Iterator[Scene]:
    doc = json.loads(meetings("[inform] linked"))
    run = doc["body"]["content"][2]["paragraph"]["elements"][0]["textRun"]
    run["textStyle"]["link"] = {"url": "https://example.org/\udc80x"}
    doc["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]["content"] = (
        "2023-12-20\ud83d\n"
    )
    person = {"person": {"personProperties": {"name": "Kel\udfffly", "email": "k@example.org"}}}
    doc["body"]["content"][2]["paragraph"]["elements"].insert(0, person)
    with files(folder, json.dumps(doc).encode()):
        config(folder)
        yield Scene(
            sync(folder), words=("linked", "Kelly", "<h2>2023-12-20</h2>"), pages=archived(folder)
        )


# --- 8. malformed input -----------------------------------------------------------------------


@case("8 malformed")
@contextlib.contextmanager
def date_chip_out_of_range_in_its_zone(folder: Path) -> Iterator[Scene]:
    doc = json.loads(meetings("[inform] after the chip"))
    chip = {
        "dateElement": {
            "dateElementProperties": {
                "timestamp": "9999-12-31T23:30:00Z",
                "timeZoneId": "Asia/Tokyo",
            }
        }
    }
    doc["body"]["content"][2]["paragraph"]["elements"].insert(0, chip)
    with files(folder, json.dumps(doc).encode()):
        config(folder)
        yield Scene(sync(folder), words=("after the chip",), pages=archived(folder))


@case("8 malformed")
@contextlib.contextmanager
def lists_nested_150_levels(folder: Path) -> Iterator[Scene]:
    notes = docs_json(heading("2023-12-20"), *(topic(f"level-{n}", n) for n in range(150)))
    with files(folder, notes):
        config(folder)
        yield Scene(sync(folder), words=("level-0", "level-149"), pages=archived(folder))


@case("8 malformed")
@contextlib.contextmanager
def nesting_level_of_the_wrong_type(folder: Path) -> Iterator[Scene]:
    notes = docs_json(
        heading("2023-12-20"), topic("top"), topic("as a string", "3"), topic("huge", 10**9)
    )
    with files(folder, notes):
        config(folder)
        yield Scene(sync(folder), words=("as a string", "huge"), pages=archived(folder))


@case("8 malformed")
@contextlib.contextmanager
def notes_file_that_is_dev_zero(folder: Path) -> Iterator[Scene]:
    (folder / "notes.json").symlink_to("/dev/zero")
    config(folder)
    yield Scene(sync(folder), expect=1, says="larger than 100 MB")


@case("8 malformed")
@contextlib.contextmanager
def json_nested_deeper_than_the_decoder_goes(folder: Path) -> Iterator[Scene]:
    with files(folder, b'{"body": {"content": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}"):
        config(folder)
        yield Scene(sync(folder), expect=1, says="notes.json")


# --- 9. what is not an export ---------------------------------------------------------------


def _refused(name: str, data: bytes, filename: str, says: str) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        with files(folder, data, filename):
            config(folder, source=f'file = "{filename}"')
            yield Scene(sync(folder), expect=1, says=says)

    case("9 not an export", name)(build)


LOGIN = (
    b"<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head><body>"
    b'<form method="post" action="/signin"><input type="email" name="identifier">'
    b'<input type="password" name="Passwd"><p>2023-12-20</p></form></body></html>'
)
_refused("a login page saved as .html", LOGIN, "notes.html", "not a Google Docs export (a login")
_refused(
    "plain text saved as .html", b"2023-12-20\n- topic\n", "notes.html", "not a Google Docs export"
)
_refused(
    "binary junk saved as .html", os.urandom(4096) + b"\0", "notes.html", "not a Google Docs export"
)
_refused(
    "HTML from another tool",
    b"<html><body><h2>2023-12-20</h2><ul><li>topic<ul><li>nested</li></ul></li></ul></body></html>",
    "notes.html",
    "not a Google Docs export",
)
_refused("an empty .html", b"", "notes.html", "not a Google Docs export (an empty file)")
_refused(
    "a login page zipped", zipped({"notes.html": LOGIN}), "notes.zip", "not a Google Docs export"
)
_refused("a zip without a page", zipped({"images/a.png": b"\x89PNG"}), "notes.zip", "no .html")
_refused(
    "a truncated zip",
    zipped({"notes.html": export_html("<p>x</p>")})[:60],
    "notes.zip",
    "notes.zip",
)
_refused("a zip bomb (1 MB to 1 GiB)", zip_bomb(1024 * MB), "notes.zip", "inflates to more than")


@case("9 not an export")
@contextlib.contextmanager
def nested_lists_in_an_export(folder: Path) -> Iterator[Scene]:
    body = (
        '<h2 class="c1"><span>2023-12-20</span></h2>'
        "<ul><li><span>[inform] topic</span><ul><li><span>nested note</span>"
        "<ol><li><span>deeper still</span></li></ol></li></ul></li></ul>"
    )
    with files(folder, export_html(body), "notes.html"):
        config(folder, source='file = "notes.html"')
        yield Scene(
            sync(folder), words=("topic", "nested note", "deeper still"), pages=archived(folder)
        )


@case("9 not an export")
@contextlib.contextmanager
def every_page_of_a_zip(folder: Path) -> Iterator[Scene]:
    first = export_html(
        "<h2><span>2023-12-20</span></h2><ul><li><span>in the first</span></li></ul>"
    )
    second = export_html(
        "<h2><span>2023-12-13</span></h2><ul><li><span>in the second</span></li></ul>"
    )
    with files(folder, zipped({"Notes.html": first, "Tab 2.html": second}), "notes.zip"):
        config(folder, source='file = "notes.zip"')
        yield Scene(sync(folder), words=("in the first", "in the second"), pages=archived(folder))


@case("9 not an export")
@contextlib.contextmanager
def a_million_newlines(folder: Path) -> Iterator[Scene]:
    body = (
        "<h2><span>2023-12-20</span></h2><ul><li><span>before"
        + "\n" * 1_000_000
        + "after</span></li></ul>"
    )
    with files(folder, export_html(body), "notes.html"):
        config(folder, source='file = "notes.html"')
        yield Scene(sync(folder), words=("before after",), pages=archived(folder))


@case("9 not an export")
@contextlib.contextmanager
def tags_nested_five_thousand_deep(folder: Path) -> Iterator[Scene]:
    depth = 5000
    body = (
        "<h2><span>2023-12-20</span></h2><ul><li>"
        + "<span>" * depth
        + "deep words"
        + "</span>" * depth
        + "</li></ul>"
        + "<table><tr><td>" * 300
        + "in the cell"
        + "</td></tr></table>" * 300
    )
    with files(folder, export_html(body), "notes.html"):
        config(folder, source='file = "notes.html"')
        yield Scene(sync(folder), words=("deep words", "in the cell"), pages=archived(folder))


# --- bad input: one clear line, exit 1 -------------------------------------------------------


def _bad_notes(name: str, data: bytes | None, says: str, filename: str = "notes.json") -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        if data is None:
            (folder / filename).mkdir()
        with files(folder, data, filename):
            config(folder, source=f'file = "{filename}"')
            yield Scene(sync(folder), expect=1, says=says)

    case("bad input", name)(build)


_bad_notes("an empty notes file", b"", "not a JSON file")
_bad_notes("a notes file that is a folder", None, "notes.json")
_bad_notes("JSON that is a list", b"[1, 2]", "not a Google Docs document")
_bad_notes(
    "content of the wrong type",
    b'{"body": {"content": "2023-12-20"}}',
    "unexpected Google Docs JSON",
)
_bad_notes(
    "elements of the wrong type",
    b'{"body": {"content": [{"paragraph": {"elements": "x"}}]}}',
    "unexpected Google Docs JSON",
)
_bad_notes(
    "a text run that is a number",
    json.dumps(
        {"body": {"content": [{"paragraph": {"elements": [{"textRun": {"content": 5}}]}}]}}
    ).encode(),
    "notes.json",
)


@case("bad input")
@contextlib.contextmanager
def a_utf_16_export_is_read_as_json_allows(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings("[inform] sixteen bits").decode().encode("utf-16")):
        config(folder)
        yield Scene(sync(folder), words=("sixteen bits",), pages=archived(folder))


@case("bad input")
@contextlib.contextmanager
def notes_file_missing(folder: Path) -> Iterator[Scene]:
    config(folder)
    yield Scene(sync(folder), expect=1, says="notes file not found")


@case("bad input")
@contextlib.contextmanager
def tab_that_does_not_exist(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings("[inform] x")):
        config(folder, source='file = "notes.json"\ntab = "Nope"')
        yield Scene(sync(folder), expect=1, says="no tab titled 'Nope'")


@case("bad input")
@contextlib.contextmanager
def archive_path_is_a_file(folder: Path) -> Iterator[Scene]:
    (folder / "archive").write_text("not a folder")
    with files(folder, meetings("[inform] x")):
        config(folder)
        yield Scene(sync(folder), expect=1, says="archive")


# --- hostile contents: every word kept, nothing live -----------------------------------------

# In a tag (text is escaped, so every "<" left on a page opens one): what would run or hide.
LIVE_MARKUP = (
    r"<script",
    r"<iframe",
    r"<style",
    r"<object",
    r"<embed",
    r"\son\w+\s*=",
    r"javascript:",
    r'ac:name="html"',
)


def _hostile(name: str, text: str, words: tuple[str, ...]) -> None:
    @contextlib.contextmanager
    def build(folder: Path) -> Iterator[Scene]:
        with files(folder, meetings(f"[inform] {text}")):
            config(folder)
            yield Scene(sync(folder), words=words, pages=archived(folder))

    case("hostile content", name)(build)


_hostile("a script tag", "<script>alert(1)</script> done", ("alert(1)", "done"))
_hostile("an img onerror", '<img src=x onerror="alert(2)"> ok', ("alert(2)", "ok"))
_hostile("a CDATA end", "before ]]> after <![CDATA[ x", ("before ]]&gt; after", "CDATA"))
_hostile(
    "a storage macro as text",
    '<ac:structured-macro ac:name="html"><ac:plain-text-body>x</ac:plain-text-body>',
    ("structured-macro",),
)
_hostile("control characters", "bell\x07 and\x00null\x1b[31m red", ("bell", "null", "red"))
_hostile("right-to-left override", "abc\u202edcba", ("abc",))
_hostile("astral emoji and combining marks", "ship it 🚢 ZA̍̈ĺ", ("ship it 🚢", "ZA"))
_hostile("a 100 000-character word", "x" * 100_000 + " end", ("x" * 1000, "end"))
_hostile("entities as text", "&lt;b&gt; &amp;amp; &#x3c;", ("&amp;lt;b&amp;gt;",))


@case("hostile content")
@contextlib.contextmanager
def a_javascript_link(folder: Path) -> Iterator[Scene]:
    doc = json.loads(meetings("[inform] click me"))
    run = doc["body"]["content"][2]["paragraph"]["elements"][0]["textRun"]
    run["textStyle"]["link"] = {"url": "javascript:alert(document.cookie)"}
    with files(folder, json.dumps(doc).encode()):
        config(folder)
        yield Scene(sync(folder), words=("click me",), pages=archived(folder))


@case("hostile content")
@contextlib.contextmanager
def hostile_html_export(folder: Path) -> Iterator[Scene]:
    body = (
        "<h2><span>2023-12-20</span></h2><ul><li><span>safe words</span>"
        '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">a link</a>'
        "<script>alert(3)</script><iframe src='https://evil.example'></iframe>"
        "<style>p{display:none}</style><span>&lt;script&gt;escaped&lt;/script&gt;</span></li></ul>"
    )
    with files(folder, export_html(body), "notes.html"):
        config(folder, source='file = "notes.html"')
        yield Scene(
            sync(folder),
            words=("safe words", "a link", "escaped"),
            pages=archived(folder),
        )


@case("hostile content")
@contextlib.contextmanager
def hostile_content_on_confluence(folder: Path) -> Iterator[Scene]:
    with _servers("cloud") as (_google, confluence):
        env = {
            "CONFLUENCE_USERNAME": confluence.username,
            "CONFLUENCE_API_TOKEN": confluence.api_token,
        }
        (folder / "notes.json").write_bytes(
            meetings("[inform] <script>alert(1)</script> & ]]> \x00 \ud800 kept", "[quest] 🚢 two")
        )
        config(folder, target=f'url = "{confluence.url}"\ndeployment = "cloud"')
        yield Scene(
            sync(folder),
            env,
            words=("alert(1)", "kept", "🚢 two"),
            pages=lambda: "\n".join(p.body for p in confluence.pages.values()),
        )


@case("hostile content")
@contextlib.contextmanager
def a_topic_that_is_only_a_date(folder: Path) -> Iterator[Scene]:
    notes = docs_json(
        heading("2023-12-20"), topic("2023-12-13"), topic("[inform] still here"), para("after")
    )
    with files(folder, notes):
        config(folder)
        yield Scene(
            sync(folder), words=("2023-12-13", "still here", "after"), pages=archived(folder)
        )


@case("hostile content")
@contextlib.contextmanager
def ten_thousand_topics(folder: Path) -> Iterator[Scene]:
    with files(folder, meetings(*(f"[inform] topic number {n}" for n in range(10_000)))):
        config(folder)
        yield Scene(
            sync(folder), words=("topic number 0", "topic number 9999"), pages=archived(folder)
        )
