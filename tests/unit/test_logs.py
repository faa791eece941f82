"""Logs: the two formats, the levels, the setup, the progress bar, and redaction of secrets."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import io
import json
import logging
import re
import warnings

import pytest

from syncer import logs
from syncer import redact as redaction
from syncer.redact import REDACTED, redact, register_secret

PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
    "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n"
    "-----END PRIVATE KEY-----\n"
)
JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJib3QifQ.c2lnbmF0dXJlLWJ5dGVz"
WHEN = dt.datetime(2023, 12, 20, 12, 0, 3, 250000, tzinfo=dt.UTC).timestamp()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def clean_logging(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    yield
    logs.close_active_logging()


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def emit(name: str, message: str, *args, **fields) -> None:
    """One record at a fixed time, as a logging call would make it."""
    record = logging.makeLogRecord(
        {"name": name, "levelno": logging.INFO, "levelname": "INFO", "msg": message}
    )
    record.args, record.created = args, WHEN
    record.__dict__.update(fields)
    logging.getLogger(name).handle(record)


# --- formats ---------------------------------------------------------------------------------


def test_text_is_one_short_line_per_record_with_the_extra_fields():
    out = io.StringIO()
    logs.setup_logging(0, "text", out)
    emit("syncer.sync", "read %r revision %s", "Arch Hours notes", "ABC", page="Arch", version=7)
    local = dt.datetime.fromtimestamp(WHEN).strftime("%H:%M:%S")
    assert lines(out) == [
        f"{local} info  sync: read 'Arch Hours notes' revision ABC page='Arch' version=7"
    ]


def test_text_shortens_level_names_and_appends_the_traceback():
    out = io.StringIO()
    logs.setup_logging(0, "text", out)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("syncer.store").exception("write failed")
    logging.getLogger("syncer").warning("careful")
    text = out.getvalue()
    assert re.match(r"\d\d:\d\d:\d\d error store: write failed\nTraceback", text)
    assert "RuntimeError: boom" in text
    assert re.search(r"^\d\d:\d\d:\d\d warn  syncer: careful$", text, re.M)


def test_json_lines_carry_time_level_logger_message_and_extras():
    out = io.StringIO()
    logs.setup_logging(0, "json", out)
    emit("syncer.store", "page saved", page="Arch Hours: 2023", version=7, when=dt.date(2023, 1, 2))
    (entry,) = [json.loads(line) for line in lines(out)]
    assert entry == {
        "time": "2023-12-20T12:00:03.250Z",
        "level": "info",
        "logger": "syncer.store",
        "message": "page saved",
        "page": "Arch Hours: 2023",
        "version": 7,
        "when": "2023-01-02",
    }


def test_every_json_line_parses_even_with_newlines_quotes_and_tracebacks():
    out = io.StringIO()
    logs.setup_logging(1, "json", out)
    log = logging.getLogger("syncer.parse")
    log.debug('a "quoted"\nmulti-line message\twith tabs and ünïcode')
    try:
        {}["missing"]
    except KeyError:
        log.exception("lookup failed", extra={"nested": {"list": [1, None, True]}})
    entries = [json.loads(line) for line in lines(out)]
    assert [e["level"] for e in entries] == ["debug", "error"]
    assert entries[0]["message"].endswith("with tabs and ünïcode")
    assert "KeyError: 'missing'" in entries[1]["exception"]
    assert entries[1]["nested"] == {"list": [1, None, True]}


def test_json_only_fields_are_redacted_json_fields_and_not_shown_as_text():
    redaction.register_secret("tok-secret-value")
    record = logging.makeLogRecord(
        {
            "name": "syncer",
            "msg": "done",
            "json_only": {"pages": 1, "url": "https://x/?t=tok-secret-value"},
        }
    )
    logs.RedactingFilter().filter(record)
    entry = json.loads(logs.JsonFormatter().format(record))
    assert entry["pages"] == 1 and entry["url"] == f"https://x/?t={REDACTED}"
    assert logs.TextFormatter().format(record).endswith("done")


def test_an_extra_field_cannot_overwrite_the_fixed_keys():
    out = io.StringIO()
    logs.setup_logging(0, "json", out)
    emit("syncer", "hello", level="forged", logger="forged")
    entry = json.loads(out.getvalue())
    assert entry["level"] == "info" and entry["logger"] == "syncer"


def test_the_format_defaults_to_text_on_a_terminal_and_json_elsewhere():
    terminal, pipe = Terminal(), io.StringIO()
    logs.setup_logging(0, None, terminal)
    logging.getLogger("syncer").info("hi")
    logs.setup_logging(0, None, pipe)
    logging.getLogger("syncer").info("hi")
    assert terminal.getvalue().endswith(" info  syncer: hi\n")
    assert json.loads(pipe.getvalue())["message"] == "hi"


def test_an_unknown_format_is_a_bug():
    with pytest.raises(ValueError, match="log format"):
        logs.setup_logging(0, "xml")


# --- levels and setup ------------------------------------------------------------------------

LEVEL_CASES = [
    (-1, {"syncer warning", "urllib3 warning"}),
    (0, {"syncer info", "syncer warning", "urllib3 warning"}),
    (1, {"syncer debug", "syncer info", "syncer warning", "urllib3 warning"}),
    (
        2,
        {
            f"{name} {level}"
            for name in ("syncer", "urllib3")
            for level in ("debug", "info", "warning")
        },
    ),
]


@pytest.mark.parametrize(("verbosity", "shown"), LEVEL_CASES)
def test_verbosity_picks_the_levels_for_ours_and_the_libraries(verbosity, shown):
    out = io.StringIO()
    logs.setup_logging(verbosity, "json", out)
    for name in ("syncer.sync", "urllib3.connectionpool"):
        for level in ("debug", "info", "warning"):
            getattr(logging.getLogger(name), level)(f"{name.split('.')[0]} {level}")
    assert {json.loads(line)["message"] for line in lines(out)} == shown


def test_setting_up_twice_replaces_the_first_setup():
    first, second = io.StringIO(), io.StringIO()
    logs.setup_logging(0, "json", first)
    logs.setup_logging(0, "json", second)
    logging.getLogger("syncer").info("once")
    assert first.getvalue() == "" and len(lines(second)) == 1


def test_reset_restores_the_levels_handlers_and_http_debug_output():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs.setup_logging(2, "json", io.StringIO())
    assert http.client.HTTPConnection.debuglevel == 1
    logs.close_active_logging()
    assert root.handlers == handlers and root.level == level
    assert http.client.HTTPConnection.debuglevel == 0
    assert "print" not in vars(http.client)


def test_our_handler_goes_first_so_other_handlers_see_records_redacted():
    register_secret("s3cr3t-value")
    seen = io.StringIO()
    other = logging.StreamHandler(seen)
    logging.getLogger().addHandler(other)
    try:
        logs.setup_logging(0, "json", io.StringIO())
        logging.getLogger("syncer").warning("token is %s", "s3cr3t-value")
    finally:
        logging.getLogger().removeHandler(other)
    assert seen.getvalue() == f"token is {REDACTED}\n"


def test_without_a_stream_it_writes_to_the_stderr_of_the_moment(capsys):
    logs.setup_logging(0, "json")
    logging.getLogger("syncer").info("to stderr")
    out, err = capsys.readouterr()
    assert out == "" and json.loads(err)["message"] == "to stderr"


def test_python_warnings_go_through_the_log_redacted(capsys):
    redaction.register_secret("tok-secret-value")
    logs.setup_logging(0, "json")
    warnings.warn("retrying https://x.example/?token=tok-secret-value", UserWarning, stacklevel=1)
    (entry,) = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert entry["logger"] == "py.warnings" and "tok-secret-value" not in entry["message"]
    assert REDACTED in entry["message"]


def test_google_logs_propagate_even_after_google_auth_looked_at_its_logger():
    logging.getLogger("google").propagate = False  # what google-auth does when unconfigured
    try:
        out = io.StringIO()
        logs.setup_logging(2, "json", out)
        logging.getLogger("google.auth.transport").debug("Making request")
        assert json.loads(out.getvalue())["logger"] == "google.auth.transport"
    finally:
        logs.close_active_logging()
        logging.getLogger("google").propagate = True


def test_http_client_prints_become_redacted_debug_records_not_stdout(capsys):
    out = io.StringIO()
    logs.setup_logging(2, "json", out)
    http.client.print("send:", repr(b"GET / HTTP/1.1\r\nAuthorization: Basic Ym90OnRva2Vu\r\n"))
    buffer = io.StringIO()
    http.client.print("kept", file=buffer)  # printing into a file still works
    (entry,) = [json.loads(line) for line in lines(out)]
    assert entry["logger"] == "http.client" and entry["level"] == "debug"
    assert entry["message"] == rf"send: b'GET / HTTP/1.1\r\nAuthorization: Basic {REDACTED}\r\n'"
    assert buffer.getvalue() == "kept\n" and capsys.readouterr().out == ""


# --- redaction -------------------------------------------------------------------------------


def test_registered_secrets_are_replaced_in_every_escaped_form():
    register_secret("p@ss/w:rd+1")
    text = "raw p@ss/w:rd+1, url p%40ss%2Fw%3Ard%2B1, form p%40ss%2Fw%3Ard%2B1"
    assert redact(text) == f"raw {REDACTED}, url {REDACTED}, form {REDACTED}"


def test_registering_nothing_registers_nothing():
    register_secret("")
    register_secret("   ")
    assert redact("a b  c") == "a b  c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Basic Ym90OnRva2Vu", f"Authorization: Basic {REDACTED}"),
        ("authorization: Bearer abc.def-ghi", f"authorization: Bearer {REDACTED}"),
        ("{'Authorization': 'Bearer tok'}", f"{{'Authorization': 'Bearer {REDACTED}'}}"),
        ("-H 'Authorization: Bearer pat123'", f"-H 'Authorization: Bearer {REDACTED}'"),
        ('{"access_token": "ya29.a0Af", "n": 1}', f'{{"access_token": "{REDACTED}", "n": 1}}'),
        ("{'refresh_token': 'r-1'}", f"{{'refresh_token': '{REDACTED}'}}"),
        (r'"{\"id_token\": \"abc\"}"', rf'"{{\"id_token\": \"{REDACTED}\"}}"'),
        ('{"client_secret":"a\\"b"}', f'{{"client_secret": "{REDACTED}"}}'),
        ('{"password": "hunter 2"}', f'{{"password": "{REDACTED}"}}'),
        ("grant=jwt&assertion=abc.def&x=1", f"grant=jwt&assertion={REDACTED}&x=1"),
        ("/cb?access_token=tok&state=1", f"/cb?access_token={REDACTED}&state=1"),
        ("subject_token=oidc.xyz", f"subject_token={REDACTED}"),
        ("GET /files?key=AIzaSyB12&alt=json", f"GET /files?key={REDACTED}&alt=json"),
        ("password: hunter2", f"password: {REDACTED}"),
        (f"jwt {JWT} end", f"jwt {REDACTED} end"),
        ("token ya29.a0AfB_byC-12345678 used", f"token {REDACTED} used"),
        ("refresh 1//0gABCDEFGHIJKLMN ok", f"refresh {REDACTED} ok"),
        (f"key {PEM}after", f"key {REDACTED}\nafter"),
        (json.dumps({"private_key": PEM}), json.dumps({"private_key": REDACTED})),
    ],
)
def test_anything_shaped_like_a_credential_is_replaced(text, expected):
    assert redact(text) == expected


def test_a_pem_key_inside_json_or_cut_short_is_replaced_whole():
    escaped = json.dumps(PEM)[1:-1]  # as it appears inside a JSON string: \n escapes
    assert redact(f"x {escaped} y") == rf"x {REDACTED}\n y"
    assert redact(PEM[:120]) == REDACTED


@pytest.mark.parametrize(
    "text",
    [
        "2023-12-20",
        "Arch Hours: 2023",
        "read 'Arch Hours notes' revision ALBJ4Lx0",
        "[inform] (Kelly) I made a diagram",
        "version 1.2.3 of syncer.redaction.redact",
        "http://127.0.0.1:8080/wiki/api/v2/pages?space-id=2000&title=Arch%20Hours",
        "authorization failed; check CONFLUENCE_API_TOKEN and CONFLUENCE_TOKEN",
        "the token was refused, Basic authentication and Bearer tokens differ",
        "AssertionError: expected 3",
        "private_key_id missing",
        "monkey=banana&keyboard=qwerty",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def test_the_environment_registers_tokens_and_the_basic_auth_value():
    environ = {"CONFLUENCE_USERNAME": "bot@example.org", "CONFLUENCE_API_TOKEN": "cloud-tok-1"}
    redaction.register_secrets_from_environ({**environ, "CONFLUENCE_TOKEN": "dc-pat-2"})
    basic = base64.b64encode(b"bot@example.org:cloud-tok-1").decode()
    text = f"{basic} cloud-tok-1 dc-pat-2 bot@example.org"
    assert redact(text) == f"{REDACTED} {REDACTED} {REDACTED} bot@example.org"


def test_a_key_file_registers_its_key_its_lines_and_its_id(tmp_path):
    path = tmp_path / "sa.json"
    info = {"type": "service_account", "private_key": PEM, "private_key_id": "kid-0123456789"}
    path.write_text(json.dumps(info))
    redaction.register_key_file_secrets(path)
    line = PEM.splitlines()[2]  # a line of the key without its PEM armour
    assert redact(f"id kid-0123456789 line {line}") == f"id {REDACTED} line {REDACTED}"


def test_an_unreadable_key_file_registers_nothing_and_raises_nothing(tmp_path):
    (tmp_path / "bad.json").write_text("[1, 2")
    (tmp_path / "list.json").write_text("[1, 2]")
    for name in ("missing.json", "bad.json", "list.json"):
        redaction.register_key_file_secrets(tmp_path / name)
    assert redact("[1, 2]") == "[1, 2]"


def test_messages_args_extras_and_tracebacks_are_all_redacted():
    register_secret("tok-SECRET-1")
    out = io.StringIO()
    logs.setup_logging(1, "json", out)
    log = logging.getLogger("syncer.sync")
    headers = {"Authorization": "Basic xyz", "Accept": "json"}
    log.info("call with %s", "tok-SECRET-1", extra={"headers": headers, "raw": b"tok-SECRET-1"})
    try:
        raise ValueError("rejected tok-SECRET-1 in https://x/?access_token=abc")
    except ValueError:
        log.exception("failed", stack_info=True)
    first, second = [json.loads(line) for line in lines(out)]
    assert first["message"] == f"call with {REDACTED}"
    assert first["headers"] == {"Authorization": REDACTED, "Accept": "json"}
    assert first["raw"] == f"b'{REDACTED}'"
    assert (
        f"ValueError: rejected {REDACTED} in https://x/?access_token={REDACTED}"
        in (second["exception"])
    )
    assert "tok-SECRET-1" not in out.getvalue()


def test_a_record_with_bad_format_arguments_is_still_shown_redacted():
    register_secret("tok-SECRET-2")
    out = io.StringIO()
    logs.setup_logging(0, "json", out)
    logging.getLogger("syncer").info("%d items", "tok-SECRET-2")
    assert json.loads(out.getvalue())["message"] == f"'%d items' % ('{REDACTED}',)"


def test_format_exception_is_a_redacted_traceback():
    register_secret("tok-SECRET-3")
    try:
        raise RuntimeError("Authorization: Bearer tok-SECRET-3")
    except RuntimeError as error:
        text = redaction.format_exception(error)
    assert text.startswith("Traceback (most recent call last):")
    assert text.endswith(f"RuntimeError: Authorization: Bearer {REDACTED}")


# --- progress --------------------------------------------------------------------------------


def test_below_vv_stray_http_client_prints_go_nowhere_rather_than_to_stdout(capsys):
    out = io.StringIO()
    logs.setup_logging(1, "json", out)
    assert http.client.HTTPConnection.debuglevel == 0
    http.client.print("send:", "b'Authorization: Basic Ym90OnRva2Vu'")  # as if debug were on
    assert out.getvalue() == "" and capsys.readouterr().out == ""
