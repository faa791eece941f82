"""``[target] url`` forms → the base every request goes to (``syncer.confluence_url``)."""

import pytest

from syncer.settings.confluence_url import GATEWAY, confluence_url

CLOUD_ID = "a436116f-02ce-4520-8fbb-7301462a1674"


def base(url: str, deployment=None, cloud_id=None, gateway=None):
    problems: list[str] = []
    found = confluence_url(url, deployment, cloud_id, gateway, problems)
    assert not problems, problems
    return found.base, found.deployment, found.tenant_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.atlassian.net", "https://acme.atlassian.net/wiki"),
        ("https://acme.atlassian.net/", "https://acme.atlassian.net/wiki"),
        ("https://acme.atlassian.net/wiki/", "https://acme.atlassian.net/wiki"),
        (
            "https://ACME.atlassian.net/wiki/spaces/ARCH/pages/1/X",
            "https://ACME.atlassian.net/wiki",
        ),
        ("https://acme.atlassian.net/wiki/home?x=1#top", "https://acme.atlassian.net/wiki"),
    ],
)
def test_a_cloud_site_is_always_its_wiki_root(url, expected):
    assert base(url) == (expected, "cloud", None)


def test_a_custom_domain_is_cloud_when_the_config_says_so_and_a_proxy_prefix_stays():
    assert base("https://wiki.acme.com", "cloud")[:2] == ("https://wiki.acme.com/wiki", "cloud")
    assert base("https://proxy.acme.com/cc/", "cloud")[0] == "https://proxy.acme.com/cc/wiki"


@pytest.mark.parametrize(
    "url",
    [
        f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}",
        f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/",
        f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/wiki",
        f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/wiki/api/v2/pages",
    ],
)
def test_the_gateway_is_cloud_with_the_cloud_id_in_its_path(url):
    expected = f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}/wiki"
    assert base(url) == (expected, "cloud", None)


def test_the_cloud_id_may_come_from_the_config_or_be_looked_up_at_the_site():
    gateway = f"{GATEWAY}/ex/confluence/{CLOUD_ID}/wiki"
    assert base("https://api.atlassian.com", cloud_id=CLOUD_ID)[0] == gateway
    assert base("https://acme.atlassian.net/wiki", cloud_id=CLOUD_ID)[0] == gateway
    looked_up = base("https://acme.atlassian.net/wiki", gateway=True)
    assert looked_up == (f"{GATEWAY}/ex/confluence", "cloud", "https://acme.atlassian.net")
    assert base("https://acme.atlassian.net", cloud_id=CLOUD_ID, gateway=False)[0] == (
        "https://acme.atlassian.net/wiki"
    )


def test_a_data_center_url_keeps_its_context_path():
    assert base("https://wiki.acme.com/confluence/") == (
        "https://wiki.acme.com/confluence",
        "datacenter",
        None,
    )
    assert base("http://10.0.0.5:8090")[0] == "http://10.0.0.5:8090"


@pytest.mark.parametrize(
    ("url", "options", "says"),
    [
        ("http://", {}, "names no host"),
        ("https://wiki.acme.com:70000", {}, "port that is not a number from 1 to 65535"),
        ("https://wiki.acme.com:0", {}, "port that is not a number"),
        ("https://wiki.acme.com:http", {}, "port that is not a number"),
        ("https://api.atlassian.com", {}, "needs the site's cloud id"),
        ("https://api.atlassian.com/other", {}, "must be https://api.atlassian.com/ex/confluence"),
        ("https://api.atlassian.com", {"deployment": "datacenter"}, "gateway to Confluence Cloud"),
        (
            f"https://api.atlassian.com/ex/confluence/{CLOUD_ID}",
            {"cloud_id": "0000"},
            "is not the cloud id in [target] url",
        ),
        ("https://wiki.acme.com", {"cloud_id": CLOUD_ID}, "for Confluence Cloud only"),
        ("https://acme.atlassian.net", {"cloud_id": "not a/uuid"}, "must be the site's cloud id"),
        ("https://acme.atlassian.net", {"gateway": "yes"}, "gateway must be true or false"),
        ("https://wiki.acme.com/x?y=1", {}, "without ? or #"),
        ("https://wiki.acme.com", {"deployment": "server"}, 'must be "cloud" or "datacenter"'),
    ],
)
def test_what_cannot_work_is_one_problem_naming_the_key(url, options, says):
    problems: list[str] = []
    found = confluence_url(
        url,
        options.get("deployment"),
        options.get("cloud_id"),
        options.get("gateway"),
        problems,
    )
    assert found is None and len(problems) == 1 and says in problems[0]
