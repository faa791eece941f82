"""Answers that are not what Confluence documents, and answers that never finish: each ends
the run with one line naming the request, exit 1, and nothing half-written."""

import pytest

from tests.e2e.live import sync, writes
from tests.e2e.logged import entries

LOGIN = "<!DOCTYPE html><html><body><form action='/sso/login'>Sign in</form></body></html>"


def error_line(err: str) -> str:
    (line,) = [entry["message"] for entry in entries(err) if entry["level"] == "error"]
    return line


def first_read(confluence) -> str:
    """The path of the first request a sync sends to this deployment."""
    return r"/api/v2/spaces" if confluence.deployment == "cloud" else r"/rest/api/content"


def test_a_confluence_that_trickles_its_answer_fails_at_the_deadline(config, confluence, capsys):
    config.write_text(config.read_text() + "timeout_seconds = 0.3\n")
    confluence.fail_next("GET", first_read(confluence), 200, body="{" + " " * 10_000, trickle=0.02)
    code, _, err = sync(config, capsys)
    line = error_line(err)
    assert code == 1 and line.startswith(f"Confluence at {confluence.url} did not finish answering")
    assert "within 0.3 s" in line and "[target] timeout_seconds" in line
    assert writes(confluence) == []


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({"body": LOGIN, "content_type": "text/html"}, "with an HTML page (200, text/html)"),
        ({"body": "", "content_type": "application/json"}, "with an empty body (200"),
        ({"body": "Down for maintenance"}, "with text/plain (200"),
        (
            {"body": {"unexpected": True}},
            "with JSON of another shape than Atlassian documents (no list of results)",
        ),
        ({"body": [1, 2]}, "(no JSON object)"),
    ],
)
def test_an_answer_that_is_not_the_documented_json_is_one_line(
    config, confluence, capsys, answer, says
):
    confluence.fail_next("GET", first_read(confluence), 200, **answer)
    code, _, err = sync(config, capsys)
    line = error_line(err)
    assert code == 1 and says in line and "GET " in line and "internal error" not in err
    assert "check [target] url" in line
    assert writes(confluence) == []


def test_a_redirect_to_an_sso_login_page_is_named(config, confluence, capsys):
    login = f"{confluence.origin}/sso/login"
    confluence.fail_next("GET", first_read(confluence), 302, headers={"Location": login})
    code, _, err = sync(config, capsys)
    line = error_line(err)
    assert code == 1 and "with an HTML page (200, text/html), not JSON" in line
    assert "is a login or SSO proxy in front of it?" in line
    assert f"after a redirect to {login}" in line
