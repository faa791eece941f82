"""A first sync reaches the page whichever form of ``[target] url`` a user writes.

Atlassian's host names are resolved to the local fake (only in these tests), so that
``http://example.atlassian.net:PORT`` is inferred to be Cloud exactly as the real site is;
the fake serves the site's ``/wiki``, the gateway's ``/ex/confluence/{cloudId}/wiki`` and the
site's ``/_edge/tenant_info``.
"""

import socket

import pytest

from syncer import cli
from syncer.settings import confluence_url
from tests.e2e.live import DOC_ID, HOME, TITLE, sync
from tests.fakes.confluence import FakeConfluence

SITE = "example.atlassian.net"
CUSTOM = "wiki.example.org"
GATEWAY = "api.atlassian.com"
ON_PREMISES = "confluence.example.org"


@pytest.fixture
def hosts(monkeypatch):
    """These names resolve to 127.0.0.1, whatever the machine's resolver says."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in (SITE, CUSTOM, GATEWAY, ON_PREMISES):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def write_config(tmp_path, google, target: str):
    path = tmp_path / "sync.toml"
    key = google.service_account_file(tmp_path)
    path.write_text(
        f'[source]\ndocument = "{DOC_ID}"\ncredentials = "{key}"\napi_endpoint = "{google.url}"\n'
        f'[target]\n{target}\nspace = "ARCH"\ntitle = "Arch Hours: {{year}}"\n',
        encoding="utf-8",
    )
    return path


CLOUD_FORMS = {
    "site with /wiki": 'url = "http://{site}:{port}/wiki"',
    "site without /wiki": 'url = "http://{site}:{port}"',
    "a page's address from the browser": 'url = "http://{site}:{port}/wiki/spaces/ARCH/overview"',
    "gateway with the cloud id": 'url = "http://{gateway}:{port}/ex/confluence/{cloud_id}"',
    "gateway and [target] cloud_id": 'url = "http://{gateway}:{port}"\ncloud_id = "{cloud_id}"',
    "site and [target] cloud_id": 'url = "http://{site}:{port}"\ncloud_id = "{cloud_id}"',
    "site and gateway = true (cloud id looked up)": 'url = "http://{site}:{port}"\ngateway = true',
    "custom domain": 'url = "http://{custom}:{port}"\ndeployment = "cloud"',
}


@pytest.mark.parametrize("form", list(CLOUD_FORMS))
def test_a_first_sync_reaches_the_cloud_page_from_every_url_form(
    form, tmp_path, google, hosts, monkeypatch, capsys
):
    with FakeConfluence("cloud") as fake:
        fake.add_space("ARCH", "2000", HOME)
        port = fake.origin.rsplit(":", 1)[1]
        monkeypatch.setattr(confluence_url, "GATEWAY", f"http://{GATEWAY}:{port}")
        monkeypatch.setenv("CONFLUENCE_USERNAME", fake.username)
        monkeypatch.setenv("CONFLUENCE_API_TOKEN", fake.api_token)
        target = CLOUD_FORMS[form].format(
            site=SITE, custom=CUSTOM, gateway=GATEWAY, port=port, cloud_id=fake.cloud_id
        )
        code, _, err = sync(write_config(tmp_path, google, target), capsys)
        page = fake.find_page("ARCH", TITLE)
        assert code == 0, err
        assert page is not None and page.version == 1 and "2023-12-20" in page.body
        assert not [
            p for _, p, _ in fake.requests if "/rest/api/content/" in p and "label" not in p
        ]
        through_gateway = [p for _, p, _ in fake.requests if p.startswith("/ex/confluence/")]
        assert bool(through_gateway) == ("gateway" in form or "cloud_id" in form)


def test_a_first_sync_reaches_a_data_center_page_below_its_context_path(
    tmp_path, google, hosts, monkeypatch, capsys
):
    with FakeConfluence("datacenter", context="/confluence") as fake:
        fake.add_space("ARCH", "2000", HOME)
        port = fake.origin.rsplit(":", 1)[1]
        monkeypatch.setenv("CONFLUENCE_TOKEN", fake.pat)
        target = f'url = "http://{ON_PREMISES}:{port}/confluence/"'
        code, _, err = sync(write_config(tmp_path, google, target), capsys)
        page = fake.find_page("ARCH", TITLE)
        assert code == 0, err
        assert page is not None and "2023-12-20" in page.body
        assert all(p.startswith("/confluence/rest/api/") for _, p, _ in fake.requests)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://", "names no host"),
        ("https://example.atlassian.net:70000/wiki", "port that is not a number"),
        ("https://api.atlassian.com", "needs the site's cloud id"),
    ],
)
def test_a_url_that_cannot_work_is_exit_2_before_anything_is_sent(
    url, says, tmp_path, google, capsys, monkeypatch
):
    monkeypatch.setenv("CONFLUENCE_USERNAME", "me@example.org")
    monkeypatch.setenv("CONFLUENCE_API_TOKEN", "token")
    path = write_config(tmp_path, google, f'url = "{url}"')
    google.requests.clear()
    code = cli.main(["sync", "--config", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and says in err
    assert google.requests == []
