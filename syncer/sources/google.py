"""The live notes doc, read through the Google Docs and Drive APIs with read-only credentials.

A thin adapter: Google's client libraries do the HTTP, OAuth and retries (``num_retries``
backs off on 429/5xx and dropped connections); this module only picks the credentials, builds
the two clients and turns every failure into one of our errors with a line that says what to
check. The JSON it gets is handed to the same pure reader as a saved ``documents.get`` file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google_auth_httplib2
import httplib2
from google.oauth2 import service_account
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from syncer.answers import answered, is_json_type, what_it_is
from syncer.deadline import REQUEST_SECONDS, Budget, DeadlineExceeded, within
from syncer.errors import AuthError, ConfigError, SourceError, SyncerError
from syncer.files import TooLarge, read_at_most
from syncer.logs import KEY_FILE_LIMIT, is_pasted_json, register_pasted_key
from syncer.model import Document
from syncer.sources.docs_json import read_docs_json

SCOPES = (
    "https://www.googleapis.com/auth/documents.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
)
RETRIES = 3
# Where each client goes without ``[source] api_endpoint`` (from the bundled discovery docs).
DOCS_ENDPOINT = "https://docs.googleapis.com"
DRIVE_ENDPOINT = "https://www.googleapis.com/drive/v3"
ENV_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"

_ID = r"[A-Za-z0-9_-]{20,}"
_BARE_ID = re.compile(rf"^{_ID}$")
_DOC_URL = re.compile(rf"^https://docs\.google\.com/document(?:/u/\d+)?/d/({_ID})(?:[/?#].*)?$")
_NETWORK_ERRORS = (httplib2.HttpLib2Error, socket.timeout, OSError)


def document_id(value: str) -> str:
    """The doc's ID, from the ID itself or the URL copied from the browser."""
    value = value.strip()
    if _BARE_ID.match(value):
        return value
    match = _DOC_URL.match(value)
    if match:
        return match.group(1)
    raise ConfigError(
        f"[source] document must be a Google Doc ID or a https://docs.google.com/document/d/… "
        f"URL, not {value!r}"
    )


# --- credentials -----------------------------------------------------------------------------


def load_credentials(
    credentials_file: Path | None, subject: str | None
) -> google.auth.credentials.Credentials:
    """Read-only credentials from ``[source] credentials``, else Application Default Credentials.

    A file (``[source] credentials``, else ``GOOGLE_APPLICATION_CREDENTIALS``) holds a
    service-account key or an ``external_account`` (Workload Identity Federation) config.
    Loading it makes no network call; the first request fetches the token.
    """
    env_file = os.environ.get(ENV_CREDENTIALS)
    if credentials_file is not None:
        credentials = _from_file(credentials_file, "[source] credentials")
    elif env_file:
        credentials = _from_file(Path(env_file), ENV_CREDENTIALS)
    else:
        credentials = _application_default()
    return _delegated(credentials, subject) if subject else credentials


def _from_file(path: Path, origin: str) -> google.auth.credentials.Credentials:
    """Only the two kinds we document, each through its own loader: google-auth's generic
    loader is deprecated because it would run whatever a config file names."""
    info = _read_json(path, origin)
    kind = info.get("type")
    loader = _LOADERS.get(kind) if isinstance(kind, str) else None
    if loader is None:
        raise AuthError(
            f"the Google credentials file {path} ({origin}) is of type {kind!r}; expected a "
            'service-account key ("service_account") or a workload identity federation '
            'config ("external_account")'
        )
    try:
        return loader(info)
    except (ValueError, KeyError, TypeError, google.auth.exceptions.GoogleAuthError) as error:
        raise AuthError(
            f"cannot use the Google credentials file {path} ({origin}): {_first(error)}"
        ) from None


def _read_json(path: Path, origin: str) -> dict[str, Any]:
    if is_pasted_json(str(path)):
        register_pasted_key(str(path))
        raise AuthError(
            f"{origin} holds JSON, not a path — did you paste the key itself there? Save the"
            " key to a file and give the file's path"
        )
    try:
        info = json.loads(read_at_most(path, KEY_FILE_LIMIT))
    except TooLarge:
        raise AuthError(
            f"the Google credentials file {path} ({origin}) is not a key (larger than 1 MB)"
        ) from None
    except OSError as error:
        raise AuthError(
            f"cannot read the Google credentials file {path} ({origin}): {error.strerror or error}"
        ) from None
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise AuthError(f"the Google credentials file {path} ({origin}) is not a JSON object")
    return info


def _service_account(info: dict[str, Any]) -> google.auth.credentials.Credentials:
    credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    return cast(service_account.Credentials, credentials)


def _external_account(info: dict[str, Any]) -> google.auth.credentials.Credentials:
    """Workload Identity Federation from a token file or URL (e.g. a CI job's OIDC token), or
    AWS. Built directly: loading it with scopes through google-auth's generic loader would
    also look its project up over the network, which reading a doc never needs."""
    from google.auth import aws, identity_pool

    source = info.get("credential_source")
    if isinstance(source, dict) and "executable" in source:
        raise ValueError("executable-sourced external accounts are not supported")
    if info.get("subject_token_type") == _AWS_SUBJECT_TOKEN_TYPE:
        return cast(aws.Credentials, aws.Credentials.from_info(info, scopes=SCOPES))
    return cast(identity_pool.Credentials, identity_pool.Credentials.from_info(info, scopes=SCOPES))


_AWS_SUBJECT_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request"
_LOADERS = {"service_account": _service_account, "external_account": _external_account}


def _application_default() -> google.auth.credentials.Credentials:
    try:
        credentials, _project = google.auth.default(scopes=SCOPES)
    except google.auth.exceptions.DefaultCredentialsError:
        raise AuthError(
            f"no Google credentials: set [source] credentials or {ENV_CREDENTIALS} to a "
            "service-account key or a workload identity federation config"
        ) from None
    return credentials


def _delegated(credentials: Any, subject: str) -> Any:
    """Domain-wide delegation: the service account reads the doc as ``subject``."""
    if not isinstance(credentials, service_account.Credentials):
        kind = type(credentials).__module__.rsplit(".", 1)[-1]
        raise ConfigError(
            f"[source] subject needs a service-account key (domain-wide delegation), "
            f"but the credentials are {kind} credentials; remove [source] subject"
        )
    return credentials.with_subject(subject)


def credentials_origin(credentials_file: Path | None) -> str:
    """Where ``load_credentials`` takes them from, in its own order (for ``syncer check``)."""
    if credentials_file is not None:
        return f"[source] credentials ({credentials_file})"
    env_file = os.environ.get(ENV_CREDENTIALS)
    if env_file:
        return ENV_CREDENTIALS if is_pasted_json(env_file) else f"{ENV_CREDENTIALS} ({env_file})"
    return "Application Default Credentials"


def credentials_kind(credentials: google.auth.credentials.Credentials) -> str:
    """Which kind of Google identity reads the doc, in the words the README uses."""
    from google.auth import compute_engine, external_account, impersonated_credentials
    from google.oauth2 import credentials as user

    if isinstance(credentials, service_account.Credentials):
        return f"service account {credentials.service_account_email}"
    if isinstance(credentials, external_account.Credentials):
        acting = credentials.service_account_email
        via = f" impersonating {acting}" if acting else ""
        return f"external account (workload identity federation){via}"
    if isinstance(credentials, impersonated_credentials.Credentials):
        return "an impersonated service account"
    if isinstance(credentials, user.Credentials):
        return "user account (gcloud auth application-default login)"
    if isinstance(credentials, compute_engine.Credentials):
        return "the attached service account (metadata server)"
    return type(credentials).__name__


def _first(error: Exception) -> str:
    """An exception's own message only: google-auth may attach the response data as a second
    argument, and ``str()`` of the whole exception would print that tuple."""
    message = str(error.args[0]) if error.args else type(error).__name__
    return message.splitlines()[0] if message else type(error).__name__


# --- the source ------------------------------------------------------------------------------


class GoogleDocSource:
    """Reads one doc: its content (Docs API) and its Drive version (cheap change check)."""

    def __init__(
        self,
        document: str,
        credentials: google.auth.credentials.Credentials,
        api_endpoint: str | None = None,
        http_timeout: float = REQUEST_SECONDS,
        *,
        sleep: Callable[[float], None] | None = None,
        budget: Budget | None = None,
    ) -> None:
        """``api_endpoint`` X stands in for Google (a proxy or a test fake): the Docs API is
        then called at ``X/v1/documents/…`` and Drive at ``X/drive/v3/files/…``, Google's own
        paths. ``sleep`` replaces the pause between retries (tests); ``None`` keeps Google's.
        ``http_timeout`` bounds each whole answer; ``budget`` the run's time with Google."""
        self.document = document_id(document)
        self.credentials = credentials
        root = api_endpoint.rstrip("/") if api_endpoint else None
        self.docs_endpoint = root or DOCS_ENDPOINT
        self.drive_endpoint = f"{root}/drive/v3" if root else DRIVE_ENDPOINT
        self._http = _CountingHttp(http_timeout, budget or Budget())
        http = google_auth_httplib2.AuthorizedHttp(credentials, http=self._http)
        builder = _request_builder(sleep)
        # googleapiclient appends each method's path to api_endpoint: "v1/documents/{id}" for
        # Docs but only "files/{id}" for Drive, whose "drive/v3/" normally comes with its root.
        self._docs = _build("docs", "v1", http, root and f"{self.docs_endpoint}/", builder)
        self._drive = _build("drive", "v3", http, root and f"{self.drive_endpoint}/", builder)

    @property
    def name(self) -> str:
        return f"Google Doc {self.document}"

    @property
    def last_date(self) -> str | None:
        """The ``Date`` header of Google's last answer (sign-in included), for clock checks."""
        return self._http.last_date

    def fetch(self) -> tuple[Document, str | None]:
        """The doc as if every open suggestion were rejected, all tabs, and its revision ID
        (absent for readers who cannot edit the doc)."""
        response = self.get_document()
        revision = response.get("revisionId")
        document = read_docs_json(json.dumps(response).encode(), name=self.name)
        return document, revision if isinstance(revision, str) else None

    def get_document(self) -> dict[str, Any]:
        """The ``documents.get`` answer as Google sent it (title and revision included)."""
        request = self._docs.documents().get(
            documentId=self.document,
            suggestionsViewMode="PREVIEW_WITHOUT_SUGGESTIONS",
            includeTabsContent=True,
        )
        return self._call(request, f"the Google Docs API at {self.docs_endpoint}")

    def version(self) -> str | None:
        """Drive's version counter: it changes with every change to the doc."""
        request = self._drive.files().get(
            fileId=self.document, fields="version,modifiedTime,name", supportsAllDrives=True
        )
        version = self._call(request, f"the Google Drive API at {self.drive_endpoint}").get(
            "version"
        )
        return str(version) if version is not None else None

    @property
    def requests(self) -> int:
        """HTTP requests sent so far, sign-in and retries included."""
        return self._http.sent

    def modified_time(self) -> dt.datetime | None:
        """When anyone last changed the doc (Drive's ``modifiedTime``), to let typing settle."""
        request = self._drive.files().get(
            fileId=self.document, fields="modifiedTime", supportsAllDrives=True
        )
        value = self._call(request, f"the Google Drive API at {self.drive_endpoint}").get(
            "modifiedTime"
        )
        try:
            return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def _call(self, request: HttpRequest, where: str) -> dict[str, Any]:
        self.sign_in()
        try:
            answer = request.execute(num_retries=RETRIES)
        except HttpError as error:
            raise self._http_error(error) from None
        except google.auth.exceptions.RefreshError as error:  # a token refused on a retry
            raise self._refused(_first(error)) from None
        except _Late as late:
            raise late.error(where) from None
        except ValueError:  # the client library's JSON decoding of what came instead
            raise self._not_json(where) from None
        except (google.auth.exceptions.TransportError, *_NETWORK_ERRORS) as error:
            raise SourceError(f"cannot reach {where}: {_describe(error)}") from None
        last = self._http.last
        if not isinstance(answer, dict) and last is not None and not last.json:
            raise self._not_json(where)  # the client library hands back the text as it came
        if not isinstance(answer, dict):
            raise SourceError(
                f"{where} answered {self._http.last_request} with JSON that is not an object:"
                " check [source] api_endpoint and any proxy between this machine and Google"
            )
        return answer

    def sign_in(self) -> None:
        """Get the token before the call, so that a failure names the sign-in, not the API."""
        if self.credentials.valid:
            return
        where = "Google's sign-in endpoint"
        try:
            self.credentials.refresh(google_auth_httplib2.Request(self._http))
        except _Late as late:
            raise late.error(where) from None
        except (google.auth.exceptions.RefreshError, ValueError, TypeError, KeyError) as error:
            # google-auth reads a non-JSON answer as a string and may fail on it in any way
            raise self._refused(_first(error), where) from None
        except (google.auth.exceptions.TransportError, *_NETWORK_ERRORS) as error:
            raise SourceError(f"cannot reach {where}: {_describe(error)}") from None

    def _refused(self, detail: str, where: str = "Google") -> SyncerError:
        """A token not granted: an outage or something else answering is not a refusal."""
        last = self._http.last
        if last is not None and last.status >= 500:
            return SourceError(
                f"{where} answered {last.request} with {last.status}: Google is having"
                " trouble, not refusing the credentials; try again later"
            )
        if last is not None and not last.json:
            return self._not_json(where)
        return self._rejected(detail)

    def _not_json(self, where: str) -> SourceError:
        last = self._http.last
        if last is None:
            return SourceError(f"{where} answered with something that is not JSON")
        message = answered(where, last.request, last.status, last.content_type, last.what)
        redirect = f" (after a redirect to {last.redirected})" if last.redirected else ""
        return SourceError(
            f"{message}{redirect} check [source] api_endpoint and any proxy between this"
            " machine and Google"
        )

    def _http_error(self, error: HttpError) -> AuthError | SourceError:
        status, reason = error.status_code, error.reason or "no details"
        if status == 404:
            return SourceError(f"{self.name} not found, or not shared with {self._account()}")
        if status == 403:
            return AuthError(
                f"{self.name}: Google refused access ({reason}); share the doc with "
                f"{self._account()} as a Viewer and check the Docs and Drive APIs are enabled"
            )
        if status == 401:
            return self._rejected(reason)
        last = self._http.last
        if last is not None and not last.json and status < 500:
            return self._not_json("Google")
        return SourceError(f"{self.name}: Google answered {status} ({reason})")

    def _rejected(self, detail: str) -> AuthError:
        return AuthError(
            f"Google rejected the credentials from {ENV_CREDENTIALS} / [source] credentials: "
            f"{detail}"
        )

    def _account(self) -> str:
        email = getattr(self.credentials, "service_account_email", None)
        return email if isinstance(email, str) and "@" in email else "the service account"


@dataclass(frozen=True)
class _Answer:
    """What the last answer was, for messages about answers that are not what Google
    documents (an SSO proxy's login page, an outage at the token endpoint)."""

    request: str  # "GET https://host/path"
    status: int
    content_type: str | None
    what: str  # "an HTML page", "an empty body", …
    json: bool
    redirected: str | None  # where a redirect led, if one did


class _Late(Exception):
    """A request did not finish in time; the caller knows which service it was."""

    def __init__(self, request: str, seconds: float, budget: Budget | None = None) -> None:
        super().__init__(request)
        self.request, self.seconds, self.budget = request, seconds, budget

    def error(self, where: str) -> SourceError:
        if self.budget is not None:
            return SourceError(
                f"this run has spent its {self.budget.seconds:g} s on Google before"
                f" {self.request}; try again later"
            )
        return SourceError(
            f"{where} did not finish answering {self.request} within {self.seconds:g} s:"
            " check the network and any proxy, or raise [source] timeout_seconds"
        )


class _CountingHttp(httplib2.Http):
    """``httplib2.Http`` that counts what it sends, for the run's summary, remembers the
    ``Date`` of the last answer, for the clock check, and what it was; each request has a
    deadline for its whole answer (a socket timeout bounds only each read)."""

    sent = 0
    last_date: str | None = None
    last: _Answer | None = None

    def __init__(self, timeout: float, budget: Budget) -> None:
        super().__init__(timeout=timeout)
        self.deadline, self.budget = timeout, budget

    @property
    def last_request(self) -> str:
        return self.last.request if self.last else "a request"

    def request(self, *args: Any, **kwargs: Any) -> Any:
        uri = str(args[0] if args else kwargs.get("uri", ""))
        method = str(args[1] if len(args) > 1 else kwargs.get("method", "GET"))
        parts = urlsplit(uri)
        shown = f"{method} {parts.scheme}://{parts.netloc}{parts.path}"
        left = self.budget.remaining()
        if left <= 0:
            raise _Late(shown, 0, self.budget)
        seconds = min(self.deadline, left)
        self.sent += 1
        try:
            response, content = within(
                seconds, lambda: super(_CountingHttp, self).request(*args, **kwargs)
            )
        except (DeadlineExceeded, TimeoutError):  # a silent server, or one that trickles
            raise _Late(shown, seconds) from None
        self.last_date = response.get("date") or self.last_date
        self.last = _answer(shown, response, content)
        return response, content


def _answer(request: str, response: Any, content: bytes) -> _Answer:
    content_type = response.get("content-type")
    body = content if isinstance(content, bytes) else str(content or "").encode()
    what = what_it_is(content_type, body)
    json_body = is_json_type(content_type) and bool(body.strip())
    redirected = None
    if getattr(response, "previous", None) is not None:  # httplib2 followed a redirect
        final = urlsplit(str(response.get("content-location") or ""))
        redirected = f"{final.scheme}://{final.netloc}{final.path}" if final.netloc else None
    return _Answer(request, int(response.status), content_type, what, json_body, redirected)


def _build(
    service: str, version: str, http: Any, root: str | None, builder: Callable[..., HttpRequest]
) -> Any:
    """A client from the discovery document bundled with the library: no network here."""
    return discovery.build(
        service,
        version,
        http=http,
        requestBuilder=builder,
        client_options={"api_endpoint": root} if root else None,
        static_discovery=True,
        cache_discovery=False,
    )


def _request_builder(sleep: Callable[[float], None] | None) -> Callable[..., HttpRequest]:
    """``HttpRequest`` with another pause between retries (its documented test stub)."""
    if sleep is None:
        return HttpRequest

    def build(*args: Any, **kwargs: Any) -> HttpRequest:
        request = HttpRequest(*args, **kwargs)
        request._sleep = sleep  # type: ignore[attr-defined]  # the stubs leave out _sleep
        return request

    return build


def _describe(error: BaseException) -> str:
    """A network failure in a few words (google-auth wraps the transport's own exception)."""
    inner = error.args[0] if error.args else None
    if isinstance(error, google.auth.exceptions.TransportError) and isinstance(inner, Exception):
        return _describe(inner)
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
