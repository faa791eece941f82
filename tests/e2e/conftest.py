"""Fixtures of the end-to-end tests: fake Google and Confluence servers, and a config for them."""

import copy

import pytest

from tests.e2e.live import DOC_ID, EXAMPLE, HOME
from tests.fakes.confluence import FakeConfluence
from tests.fakes.google import FakeGoogle


@pytest.fixture
def slept(monkeypatch):
    """Every wait a retry asks for, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        fake.add_document(copy.deepcopy(EXAMPLE))
        yield fake


@pytest.fixture(params=["cloud", "datacenter"])
def confluence(request, monkeypatch):
    with FakeConfluence(deployment=request.param) as fake:
        fake.add_space("ARCH", "2000", HOME, name="Architecture")
        if request.param == "cloud":
            monkeypatch.setenv("CONFLUENCE_USERNAME", fake.username)
            monkeypatch.setenv("CONFLUENCE_API_TOKEN", fake.api_token)
        else:
            monkeypatch.setenv("CONFLUENCE_TOKEN", fake.pat)
        yield fake


@pytest.fixture
def config(tmp_path, google, confluence):
    key = google.service_account_file(tmp_path)
    path = tmp_path / "sync.toml"
    path.write_text(
        f'[source]\ndocument = "https://docs.google.com/document/d/{DOC_ID}/edit"\n'
        f'credentials = "{key}"\napi_endpoint = "{google.url}"\n'
        f'[target]\nurl = "{confluence.url}"\ndeployment = "{confluence.deployment}"\n'
        'space = "ARCH"\ntitle = "Arch Hours: {year}"\n',
        encoding="utf-8",
    )
    return path
