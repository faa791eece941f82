"""``[target] url`` as people write it → the base every Confluence request is sent to.

Cloud's REST paths live under ``/wiki`` on the site (``https://{your-domain}/wiki/api/v2``
in Atlassian's own description), whether or not the URL pasted from the browser has it, and
on a custom domain too. Scoped API tokens go through Atlassian's gateway instead,
``https://api.atlassian.com/ex/confluence/{cloudId}/wiki``; the cloud id is in the URL, in
``[target] cloud_id``, or read from the site's public ``/_edge/tenant_info``. A Data Center
base URL is kept as given, context path and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

GATEWAY = "https://api.atlassian.com"
GATEWAY_HOST = "api.atlassian.com"
_GATEWAY_PATH = re.compile(r"^/ex/confluence(?:/(?P<id>[^/]+))?(?:/.*)?$")
_CLOUD_ID = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class ConfluenceUrl:
    """Where requests go; with ``tenant_site``, ``base`` still lacks the cloud id, which is
    looked up at that site before the first request."""

    base: str
    deployment: str
    tenant_site: str | None = None


def confluence_url(
    url: str,
    deployment: object,
    cloud_id: object,
    gateway: object,
    problems: list[str],
) -> ConfluenceUrl | None:
    """The request base for ``url`` (already known to start with http:// or https://);
    problems are added for what cannot work, and None returned."""
    parts = urlsplit(url.strip())
    host = _host(parts, url, problems)
    if host is None or not _cloud_options(cloud_id, gateway, problems):
        return None
    inferred = "cloud" if host == GATEWAY_HOST or host.endswith(".atlassian.net") else None
    kind = deployment or inferred or "datacenter"
    if kind not in ("cloud", "datacenter"):
        problems.append('[target] deployment must be "cloud" or "datacenter"')
        return None
    wants_gateway = gateway is True or (cloud_id is not None and gateway is not False)
    if host == GATEWAY_HOST:
        return _gateway(parts, kind, cloud_id, problems)
    if kind == "datacenter":
        if wants_gateway:
            problems.append("[target] cloud_id and gateway are for Confluence Cloud only")
            return None
        return _data_center(parts, url, problems)
    origin = f"{parts.scheme}://{parts.netloc}"
    if not wants_gateway:
        return ConfluenceUrl(origin + _wiki(parts.path), "cloud")
    if isinstance(cloud_id, str):
        return ConfluenceUrl(f"{GATEWAY}/ex/confluence/{cloud_id}/wiki", "cloud")
    return ConfluenceUrl(f"{GATEWAY}/ex/confluence", "cloud", tenant_site=origin)


def _host(parts: SplitResult, url: str, problems: list[str]) -> str | None:
    try:
        port = parts.port
    except ValueError:
        problems.append(f"[target] url {url!r} has a port that is not a number from 1 to 65535")
        return None
    if port == 0:
        problems.append(f"[target] url {url!r} has a port that is not a number from 1 to 65535")
        return None
    if not parts.hostname:
        problems.append(f"[target] url {url!r} names no host, e.g. https://example.atlassian.net")
        return None
    return parts.hostname.lower()


def _cloud_options(cloud_id: object, gateway: object, problems: list[str]) -> bool:
    fine = True
    if cloud_id is not None and not (isinstance(cloud_id, str) and _CLOUD_ID.match(cloud_id)):
        problems.append(
            "[target] cloud_id must be the site's cloud id (the cloudId in"
            " https://SITE.atlassian.net/_edge/tenant_info)"
        )
        fine = False
    if gateway is not None and not isinstance(gateway, bool):
        problems.append("[target] gateway must be true or false")
        fine = False
    return fine


def _wiki(path: str) -> str:
    """The site's ``/wiki`` root, from a path that may go past it (a page's address), stop
    short of it (the bare site), or lead to it (a proxy's prefix)."""
    segments = [segment for segment in path.split("/") if segment]
    if "wiki" in segments:
        segments = segments[: segments.index("wiki")]
    return "".join(f"/{segment}" for segment in segments) + "/wiki"


def _gateway(
    parts: SplitResult, kind: str, cloud_id: object, problems: list[str]
) -> ConfluenceUrl | None:
    if kind != "cloud":
        problems.append(f"[target] url {GATEWAY_HOST} is Atlassian's gateway to Confluence Cloud")
        return None
    match = _GATEWAY_PATH.match(parts.path) if parts.path.strip("/") else None
    in_url = match.group("id") if match else None
    if parts.path.strip("/") and match is None:
        problems.append(
            f"[target] url on {GATEWAY_HOST} must be https://{GATEWAY_HOST}/ex/confluence/CLOUD_ID"
        )
        return None
    if in_url and isinstance(cloud_id, str) and in_url != cloud_id:
        problems.append(f"[target] cloud_id {cloud_id} is not the cloud id in [target] url")
        return None
    chosen = in_url or cloud_id
    if not isinstance(chosen, str):
        problems.append(
            f"[target] url {GATEWAY_HOST} needs the site's cloud id: write"
            f" https://{GATEWAY_HOST}/ex/confluence/CLOUD_ID or set [target] cloud_id (the"
            " cloudId in https://SITE.atlassian.net/_edge/tenant_info)"
        )
        return None
    return ConfluenceUrl(f"{parts.scheme}://{parts.netloc}/ex/confluence/{chosen}/wiki", "cloud")


def _data_center(parts: SplitResult, url: str, problems: list[str]) -> ConfluenceUrl | None:
    if parts.query or parts.fragment:
        problems.append(
            f"[target] url {url!r} must be Confluence's base URL, without ? or #, e.g."
            " https://wiki.example.org/confluence"
        )
        return None
    return ConfluenceUrl(f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}", "datacenter")
