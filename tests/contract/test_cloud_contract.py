"""Every request the end-to-end suite sent to the fake Confluence Cloud, held against
Atlassian's own description of Cloud (``tests/fixtures/specs/``), and every answer the fake
gave against the same description.

- v2: the path template and method exist, each query parameter is documented and its value
  fits its schema, the JSON body fits the request schema with no undocumented property; the
  fake's answers have a documented status and fit the response schema.
- v1: only where v2 has no equivalent (adding labels, attachments, ``user/current``), and
  then against the v1 description.

The recording is made by the fake itself (``tests/fakes/recorder.py``) while the other tests
run; this test is ordered after them (``tests/conftest.py``), so running it alone skips it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.contract.openapi import Description
from tests.fakes import recorder

pytestmark = pytest.mark.contract

V2 = Description("confluence-cloud-v2.openapi.json")
V1 = Description("confluence-cloud-v1-2021.openapi.json", prefix="/wiki/rest/api")
# v1 operations v2 has no equivalent of: the only v1 a Cloud client may call.
V1_ONLY_WHERE_V2_HAS_NONE = {
    ("POST", "/wiki/rest/api/content/{id}/label"),
    ("GET", "/wiki/rest/api/user/current"),
    ("GET", "/wiki/rest/api/content/{id}/child/attachment"),
    ("POST", "/wiki/rest/api/content/{id}/child/attachment"),
    ("PUT", "/wiki/rest/api/content/{id}/child/attachment"),
}
OUTSIDE_THE_API = {
    ("GET", "/_edge/tenant_info"),  # the site's public cloud id
    ("GET", "/sso/login"),  # where a test's injected redirect to a login page leads
}
# Answers the descriptions leave out that real deployments give (api-facts.md): a stale
# version on v2 is reported as 409 by clients in the wild; the v1 description leaves 401
# out of most operations.
JSON, FORM = "application/json", "multipart/form-data; boundary=b"
REPORTED = {("PUT", "/pages/{id}", 409), ("GET", "/wiki/rest/api/user/current", 401)}


def e2e_exchanges() -> list[recorder.Exchange]:
    return [x for x in recorder.RECORDED if x.test.startswith("tests/e2e/")]


def problems_of(exchange: recorder.Exchange) -> list[str]:
    if exchange.api is None:
        if (exchange.method, exchange.path) in OUTSIDE_THE_API:
            return []
        return [f"{exchange.path} is outside both APIs"]
    description = V2 if exchange.api == "v2" else V1
    op, values = description.operation(exchange.method, exchange.path)
    if op is None:
        return [f"no {exchange.method} {exchange.path} in the {exchange.api} description"]
    found = []
    if exchange.api == "v1" and (op.method, op.template) not in V1_ONLY_WHERE_V2_HAS_NONE:
        found.append(f"v1 {op.method} {op.template} has a v2 equivalent: use v2 on Cloud")
    found += description.request_problems(
        op, values, exchange.query, (exchange.body_type, exchange.body)
    )
    if not exchange.injected and (op.method, op.template, exchange.status) not in REPORTED:
        found += description.answer_problems(
            op, exchange.status, exchange.content_type, exchange.answer
        )
    return found


def test_every_request_of_the_e2e_suite_on_cloud_is_documented_and_so_is_every_answer():
    exchanges = e2e_exchanges()
    if not exchanges:
        pytest.skip("nothing recorded: run with tests/e2e (the whole suite) to check it")
    violations = Counter(
        f"{x.method} {x.api} {x.path.split('?')[0]}: {problem}"
        for x in exchanges
        for problem in problems_of(x)
    )
    assert not violations, "\n".join(f"{n}× {v}" for v, n in violations.most_common(40))
    files = {x.test.split("::")[0] for x in exchanges}
    assert len(files) >= 8 and len(exchanges) > 300  # the whole suite, not a corner of it


def test_the_checker_finds_what_the_description_does_not_have():
    """The checks themselves can fail: each of these requests breaks the description."""

    def exchange(method, api, path, query=(), body=b"", status=200, answer=b"{}", sent=JSON):
        return recorder.Exchange(
            "t", method, api, path, tuple(query), sent, body, status, JSON, answer, False
        )

    def form(*names):
        parts = [f'--b\r\nContent-Disposition: form-data; name="{n}"\r\n\r\nx\r\n' for n in names]
        return ("".join(parts) + "--b--\r\n").encode()

    upload = "/content/1/child/attachment"

    minor = b'{"id":"1","status":"current","title":"T","body":{"representation":"storage",'
    minor += b'"value":"x"},"version":{"number":2,"message":"m","minorEdit":true}}'
    cases = {
        "minorEdit": exchange("PUT", "v2", "/pages/1", body=minor),
        "not documented": exchange("GET", "v2", "/pages", query=[("spaceKey", "A")]),
        "is not one of": exchange("GET", "v2", "/pages", query=[("status", "gone")]),
        "has a v2 equivalent": exchange("GET", "v1", "/content/1"),
        "no GET /nowhere": exchange("GET", "v2", "/nowhere"),
        "status 403 is not documented": exchange("PUT", "v2", "/pages/1", body=minor, status=403),
        "answer results": exchange("GET", "v2", "/pages", answer=b'{"results": 3}'),
        "'minorEdit' is required": exchange("PUT", "v1", upload, body=form("file"), sent=FORM),
        "'files' is not documented": exchange(
            "PUT", "v1", upload, body=form("files", "minorEdit"), sent=FORM
        ),
    }
    for needle, case in cases.items():
        assert any(needle in p for p in problems_of(case)), (needle, problems_of(case))
