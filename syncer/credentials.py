"""Confluence credentials, as read from the environment: kept out of every repr."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    """Basic (Cloud: email + API token) or Bearer (Data Center personal access token)."""

    username: str | None = None
    api_token: str | None = None
    pat: str | None = None

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return "Credentials(<redacted>)"

    @property
    def variables(self) -> str:
        """The environment variables a user should check when Confluence says no."""
        return "CONFLUENCE_TOKEN" if self.pat else "CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN"
