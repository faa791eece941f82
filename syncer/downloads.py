"""Downloading a file by its link (an image an HTML export points at): one GET, a deadline
for the whole answer, at most ``limit`` bytes, and one line when it fails. Loaded only when a
doc has such a link, so a run without one imports no HTTP client."""

from __future__ import annotations

import requests

from syncer import __version__
from syncer.deadline import REQUEST_SECONDS, DeadlineExceeded, within
from syncer.errors import MissingImage, SourceError

CHUNK = 64 * 1024


def download(url: str, limit: int, what: str) -> tuple[bytes, str | None]:
    """The bytes at ``url`` (and their media type); ``what`` names it in errors, which never
    show the link itself (it may carry a token)."""
    try:
        return within(REQUEST_SECONDS, lambda: _get(url, limit, what))
    except DeadlineExceeded:
        raise SourceError(
            f"{what} did not finish downloading within {REQUEST_SECONDS:g} s"
        ) from None
    except requests.RequestException as error:
        raise SourceError(f"cannot download {what} ({type(error).__name__})") from None


def _get(url: str, limit: int, what: str) -> tuple[bytes, str | None]:
    headers = {"User-Agent": f"notes-sync/{__version__}"}
    with requests.get(url, headers=headers, stream=True, timeout=REQUEST_SECONDS) as response:
        status = response.status_code
        if 400 <= status < 500 and status not in (401, 407, 408, 429):
            # Gone or never given: for good, so left out rather than failing every run.
            raise MissingImage(
                f"{what}: its link answered {status}", f"whose link answered {status}"
            )
        if status != 200:
            raise SourceError(f"{what}: its link answered {status}")
        data = bytearray()
        for chunk in response.iter_content(CHUNK):
            data += chunk
            if len(data) > limit:
                break  # too large to carry: what is read says so
        return bytes(data), response.headers.get("Content-Type")
