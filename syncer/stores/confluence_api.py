"""The one factory and call path for Confluence requests: auth, timeouts, retries, errors.

HTTP goes through ``atlassian-python-api``'s session (its own retry loop switched off);
``tenacity`` retries 429/503 honouring ``Retry-After`` (capped), and other 5xx and network
errors only for calls that are safe to repeat. Status codes become our own exceptions here,
so the stores above only ever see ``AuthError``, ``PageError``, ``VersionConflict``.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from atlassian import Confluence
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from syncer import __version__
from syncer.errors import AuthError, PageError, SyncerError, VersionConflict

TIMEOUT_SECONDS = 30
ATTEMPTS = 5
TOTAL_SECONDS = 300
RETRY_AFTER_CAP = 60
_ALWAYS_RETRY = {429, 503}
_RETRY_IF_SAFE = {500, 502, 504}


class NotFound(PageError):
    """The page, space or property asked for does not exist (404)."""


class Rejected(PageError):
    """Confluence refused the request as malformed (400), e.g. storage it cannot parse."""


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


class _Retryable(Exception):
    def __init__(self, error: SyncerError, retry_after: float | None, always: bool) -> None:
        super().__init__(str(error))
        self.error, self.retry_after, self.always = error, retry_after, always


class ConfluenceApi:
    """JSON calls to one Confluence; ``sleep`` is injectable so tests never wait."""

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        sleep: Callable[[float], None] | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        session = requests.Session()
        session.headers["User-Agent"] = f"notes-sync/{__version__}"
        self.url = url.rstrip("/")
        self.credentials = credentials
        self.last_date: str | None = None  # the Date header of the last answer (clock checks)
        self.sleep = sleep or time.sleep
        self.requests = 0  # sent, retries included: reported in the run's summary
        self.client = Confluence(
            url=self.url,
            username=credentials.username if not credentials.pat else None,
            password=credentials.api_token if not credentials.pat else None,
            token=credentials.pat,
            cloud=False,
            timeout=timeout,
            session=session,
            backoff_and_retry=False,
            retry_with_header=False,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | list[Any] | None = None,
        safe_to_repeat: bool = True,
    ) -> Any:
        """One request, retried where that is safe; returns the decoded JSON (or None)."""
        retrying = Retrying(
            retry=retry_if_exception(
                lambda e: isinstance(e, _Retryable) and (e.always or safe_to_repeat)
            ),
            wait=_wait,
            stop=stop_after_attempt(ATTEMPTS) | stop_after_delay(TOTAL_SECONDS),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._once(method, path, params, body)
        except _Retryable as gave_up:
            raise gave_up.error from None
        raise AssertionError("unreachable: Retrying returns or raises")

    def _once(self, method: str, path: str, params: Any, body: Any) -> Any:
        where = f"{method} {self.url}/{path}"
        self.requests += 1
        try:
            response = self.client.request(
                method, path, params=params, data=body, advanced_mode=True
            )
        except requests.Timeout:
            raise _Retryable(PageError(f"Confluence timed out: {where}"), None, False) from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise _Retryable(
                PageError(f"cannot reach Confluence ({reason}): {where}"), None, False
            ) from None
        self.last_date = response.headers.get("Date") or self.last_date
        if response.status_code < 300:
            return response.json() if response.content else None
        raise self._error(response, where)

    def _error(self, response: requests.Response, where: str) -> Exception:
        status, detail = response.status_code, _detail(response)
        if status in _ALWAYS_RETRY or status in _RETRY_IF_SAFE:
            error = PageError(f"Confluence answered {status} ({detail or 'busy'}) to {where}")
            retry_after = _retry_after(response.headers.get("Retry-After"))
            return _Retryable(error, retry_after, status in _ALWAYS_RETRY)
        if status == 401:
            return AuthError(
                f"Confluence at {self.url} rejected the credentials (401):"
                f" check {self.credentials.variables}"
            )
        if status == 403:
            return AuthError(
                f"Confluence refused access (403) to {where}: check that the account in"
                f" {self.credentials.variables} may view and edit it"
            )
        kind = {404: NotFound, 409: VersionConflict, 400: Rejected}.get(status, PageError)
        return kind(f"Confluence answered {status} to {where}: {detail}")


def _wait(retry_state: Any) -> float:
    """Honour ``Retry-After`` (capped); otherwise back off exponentially with jitter."""
    error = retry_state.outcome.exception()
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return min(error.retry_after, RETRY_AFTER_CAP)
    return wait_exponential_jitter(initial=1, max=30)(retry_state)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


def _detail(response: requests.Response) -> str:
    """The human part of a v1 (``message``) or v2 (``errors[].title``) error body."""
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict):
        message = data.get("message")
        if isinstance(message, str):
            return message
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return str(first.get("detail") or first.get("title") or "")
    return response.reason or ""
