"""The one factory and call path for Confluence requests: auth, deadlines, retries, errors.

HTTP goes through ``atlassian-python-api``'s session (its own retry loop switched off);
``tenacity`` retries 429/503 honouring ``Retry-After``, and other 5xx and network errors
only for calls that are safe to repeat. Every request has a deadline for its whole answer
and the run has a budget for all of them (``syncer.deadline``). Status codes and answers
that are not the documented JSON become our own exceptions here, so the stores above only
ever see ``AuthError``, ``PageError``, ``VersionConflict``.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from atlassian import Confluence
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from syncer import __version__
from syncer.answers import answered, decoded
from syncer.credentials import Credentials
from syncer.deadline import REQUEST_SECONDS, Budget, DeadlineExceeded, within
from syncer.errors import AuthError, PageError, SyncerError, VersionConflict

ATTEMPTS = 5
MAX_PAGES = 100  # a listing longer than this many pages of results is not followed further
_ALWAYS_RETRY = {429, 503}
_RETRY_IF_SAFE = {500, 502, 504}
_NAMES_VERSION = re.compile(r"\bversion\b", re.IGNORECASE)
_LISTING_ROOTS = ("api/v2/", "rest/api/")


class NotFound(PageError):
    """The page, space or property asked for does not exist (404)."""


class Rejected(PageError):
    """Confluence refused the request as malformed (400), e.g. storage it cannot parse."""


# No Content-Type of our own: requests writes multipart's with its boundary.
UPLOAD_HEADERS = {"X-Atlassian-Token": "no-check", "Accept": "application/json"}


@dataclass(frozen=True)
class Upload:
    """A multipart body: text fields and files (name, bytes, media type)."""

    fields: dict[str, str]
    files: dict[str, tuple[str, bytes, str]]


class _Retryable(Exception):
    def __init__(self, error: SyncerError, retry_after: float | None, always: bool) -> None:
        super().__init__(str(error))
        self.error, self.retry_after, self.always = error, retry_after, always


class _OutOfTime(stop_base):
    """Stop retrying when the next wait would outlast the run's budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def __call__(self, retry_state: RetryCallState) -> bool:
        return retry_state.upcoming_sleep > self.budget.remaining()


class ConfluenceApi:
    """JSON calls to one Confluence; ``sleep`` is injectable so tests never wait.

    ``url`` is the API base (a Cloud site's ``…/wiki``, the gateway's
    ``…/ex/confluence/{cloudId}/wiki``, a Data Center base with its context path). With
    ``tenant_site``, ``url`` is the gateway's ``…/ex/confluence`` and the cloud id is read
    from the site's public ``/_edge/tenant_info`` before the first call.
    """

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        sleep: Callable[[float], None] | None = None,
        timeout: float = REQUEST_SECONDS,
        *,
        tenant_site: str | None = None,
        budget: Budget | None = None,
    ) -> None:
        session = requests.Session()
        session.headers["User-Agent"] = f"notes-sync/{__version__}"
        self.url = url.rstrip("/")
        self.credentials = credentials
        self.tenant_site = tenant_site
        self.cloud_id: str | None = None
        self.timeout = timeout
        self.budget = budget or Budget()
        self.last_date: str | None = None  # the Date header of the last answer (clock checks)
        self.last_request = ""  # "METHOD path (status)" of the last answer, for messages
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
        body: dict[str, Any] | list[Any] | Upload | None = None,
        safe_to_repeat: bool = True,
    ) -> Any:
        """One request, retried where that is safe; returns the decoded JSON (or None)."""
        self._find_cloud_id()
        retrying = Retrying(
            retry=retry_if_exception(
                lambda e: isinstance(e, _Retryable) and (e.always or safe_to_repeat)
            ),
            wait=_wait,
            stop=stop_after_attempt(ATTEMPTS) | _OutOfTime(self.budget),
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

    def upload(self, path: str, name: str, data: bytes, media_type: str) -> Any:
        """A file as ``multipart/form-data``, as a minor edit, with the header Confluence
        needs to take a form post as no XSRF attempt. ``PUT`` adds it or stores a new version
        of a file of that name, so sending it again is safe."""
        form = Upload({"minorEdit": "true"}, {"file": (name, data, media_type)})
        return self.call("PUT", path, body=form)

    def object(self, method: str, path: str, **options: Any) -> dict[str, Any]:
        """A call whose documented answer is a JSON object."""
        data = self.call(method, path, **options)
        if not isinstance(data, dict):
            raise self.unexpected("JSON object")
        return data

    def results(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a listing, page after page: v2 follows its cursor and v1 its
        ``start`` through ``_links.next``. Lazy, so a caller that found what it wanted
        fetches no further page."""
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            data = self.object("GET", path, params=params)
            items = data.get("results")
            if not isinstance(items, list):
                raise self.unexpected("list of results")
            yield from (item for item in items if isinstance(item, dict))
            following = (data.get("_links") or {}).get("next")
            if not isinstance(following, str) or not following or following in seen:
                return
            seen.add(following)
            path, params = _below_base(following)

    def unexpected(self, wanted: str) -> PageError:
        """An answer of another shape than documented, naming the request that got it and
        what it lacked."""
        return PageError(
            f"Confluence at {self.url} answered {self.last_request} with JSON of another shape"
            f" than Atlassian documents (no {wanted}): check [target] url and [target] deployment"
        )

    def _find_cloud_id(self) -> None:
        """The gateway needs the site's cloud id; the site publishes it without sign-in."""
        site, self.tenant_site = self.tenant_site, None
        if site is None:
            return
        where = f"{site}/_edge/tenant_info"
        self.requests += 1
        seconds = self._seconds_left(f"GET {where}")
        try:
            response = within(seconds, lambda: requests.get(where, timeout=seconds))
        except (DeadlineExceeded, requests.RequestException) as error:
            raise PageError(
                f"cannot look up the cloud id of {site} at {where} ({_reason(error)}):"
                " set [target] cloud_id (the cloudId that page shows in a browser)"
            ) from None
        data, what = decoded(response.headers.get("Content-Type"), response.content)
        cloud_id = data.get("cloudId") if isinstance(data, dict) else None
        if response.status_code != 200 or not isinstance(cloud_id, str) or not cloud_id:
            found = what or "no cloudId"
            raise PageError(
                f"{where} answered {response.status_code} with {found}: is {site} a"
                " Confluence Cloud site? Set [target] cloud_id instead"
            )
        self.cloud_id = cloud_id
        self.url = self.client.url = f"{self.url}/{cloud_id}/wiki"

    def _seconds_left(self, request: str) -> float:
        """This request's deadline: the configured one, or what the run has left."""
        left = self.budget.remaining()
        if left <= 0:
            raise PageError(
                f"this run has spent its {self.budget.seconds:g} s on Confluence at {self.url}"
                f" before {request}: it is too slow to finish; try again later"
            )
        return min(self.timeout, left)

    def _once(self, method: str, path: str, params: Any, body: Any) -> Any:
        request = f"{method} {path}"
        seconds = self._seconds_left(request)
        # Each read's timeout (requests takes a float); the deadline bounds the whole answer.
        self.client.timeout = seconds  # type: ignore[assignment]
        self.requests += 1
        try:
            response = within(seconds, lambda: self._send(method, path, params, body))
        except (DeadlineExceeded, requests.Timeout):
            raise PageError(
                f"Confluence at {self.url} did not finish answering {request} within"
                f" {seconds:g} s: check the network and any proxy, or raise"
                " [target] timeout_seconds"
            ) from None
        except requests.RequestException as error:
            reason = type(error).__name__
            raise _Retryable(
                PageError(f"cannot reach Confluence ({reason}): {method} {self.url}/{path}"),
                None,
                False,
            ) from None
        self.last_date = response.headers.get("Date") or self.last_date
        self.last_request = f"{request} ({response.status_code})"
        if response.status_code < 300:
            return self._json(response, request)
        raise self._error(response, method, path)

    def _send(self, method: str, path: str, params: Any, body: Any) -> requests.Response:
        if isinstance(body, Upload):
            return self.client.request(
                method,
                path,
                params=params,
                data=body.fields,
                files=body.files,
                headers=UPLOAD_HEADERS,
                advanced_mode=True,
            )
        return self.client.request(method, path, params=params, data=body, advanced_mode=True)

    def _json(self, response: requests.Response, request: str) -> Any:
        if response.status_code == 204:
            return None
        content_type = response.headers.get("Content-Type")
        data, what = decoded(content_type, response.content)
        if what is None:
            return data
        message = answered(
            f"Confluence at {self.url}", request, response.status_code, content_type, what
        )
        if response.history:
            final = urlsplit(response.url)
            message += f" (after a redirect to {final.scheme}://{final.netloc}{final.path})"
        raise PageError(f"{message} check [target] url")

    def _error(self, response: requests.Response, method: str, path: str) -> Exception:
        status, detail = response.status_code, _detail(response)
        where = f"{method} {self.url}/{path}"
        if status in _ALWAYS_RETRY or status in _RETRY_IF_SAFE:
            error = PageError(f"Confluence answered {status} ({detail or 'busy'}) to {where}")
            retry_after = _retry_after(response.headers.get("Retry-After"))
            left = self.budget.remaining()
            if retry_after is not None and retry_after > left:
                return PageError(
                    f"Confluence answered {status} to {where} and asked to wait"
                    f" {_duration(retry_after)}, more than the {_duration(left)} this run has"
                    " left: run it again later"
                )
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
        if status == 410:
            return PageError(
                f"Confluence answered 410 Gone to {where}: Atlassian removed that endpoint"
                " from Confluence Cloud; is [target] deployment right?"
            )
        if status == 400 and _stale_v2_version(method, path, detail):
            return VersionConflict(f"Confluence answered 400 to {where}: {detail}")
        kind = {404: NotFound, 409: VersionConflict, 400: Rejected}.get(status, PageError)
        return kind(f"Confluence answered {status} to {where}: {detail}")


def _stale_v2_version(method: str, path: str, detail: str) -> bool:
    """v2 documents no 409 for a stale version: a 400 to a page update that names the
    version is taken for the same lost race."""
    return method == "PUT" and path.startswith("api/v2/") and bool(_NAMES_VERSION.search(detail))


def _below_base(link: str) -> tuple[str, dict[str, str]]:
    """A ``_links.next`` (relative to the site, the gateway or a context path) as a path
    below our base and its query."""
    parts = urlsplit(link)
    starts = [parts.path.find(root) for root in _LISTING_ROOTS if root in parts.path]
    path = parts.path[min(starts) :] if starts else parts.path.lstrip("/")
    return path, dict(parse_qsl(parts.query, keep_blank_values=True))


def _wait(retry_state: RetryCallState) -> float:
    """Honour ``Retry-After``; otherwise back off exponentially with jitter."""
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return error.retry_after
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


def _reason(error: Exception) -> str:
    if isinstance(error, DeadlineExceeded):
        return f"no answer within {error.seconds:g} s"
    return type(error).__name__


def _duration(seconds: float) -> str:
    """86400 → "24 h (86400 s)"; short waits in seconds only."""
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if hours:
        spoken = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        spoken = f"{minutes} min"
    return f"{spoken} ({whole} s)"


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
