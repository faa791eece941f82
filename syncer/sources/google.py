"""The live notes doc, read through the Google Docs and Drive APIs with read-only credentials.

A thin adapter: Google's client libraries do the HTTP, OAuth and retries (``num_retries``
backs off on 429/5xx and dropped connections); this module only picks the credentials, builds
the two clients and turns every failure into one of our errors with a line that says what to
check. The JSON it gets is handed to the same pure reader as a saved ``documents.get`` file.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google_auth_httplib2
import httplib2
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from syncer.answers import answered, is_json_type, what_it_is
from syncer.deadline import REQUEST_SECONDS, Budget, DeadlineExceeded, within
from syncer.errors import AuthError, MissingImage, SourceError, SyncerError
from syncer.model import Document
from syncer.redact import register_secret
from syncer.settings import GoogleSettings
from syncer.sources import select_tab
from syncer.sources.docs_json import read_docs_data
from syncer.sources.google_auth import ENV_CREDENTIALS, error_text, load_credentials

RETRIES = 3
# Where each client goes without ``[source] api_endpoint`` (from the bundled discovery docs).
DOCS_ENDPOINT = "https://docs.googleapis.com"
DRIVE_ENDPOINT = "https://www.googleapis.com/drive/v3"

_NETWORK_ERRORS = (httplib2.HttpLib2Error, socket.timeout, OSError)


# --- the source ------------------------------------------------------------------------------


class GoogleDoc:
    """The live notes doc as a source: read through one ``GoogleDocsClient``, made on first
    use so that the doc and its metadata share one sign-in."""

    def __init__(self, settings: GoogleSettings) -> None:
        self.settings = settings
        self.name = f"Google Doc {settings.document}"

    @cached_property
    def client(self) -> GoogleDocsClient:
        credentials = load_credentials(self.settings.credentials, self.settings.subject)
        google = self.settings
        return GoogleDocsClient(google.document, credentials, google.api_endpoint, google.timeout)

    def read(self) -> Document:
        document, _revision = self.client.fetch()
        tab = self.settings.tab
        return select_tab(document, tab, self.name) if tab else document

    def modified(self) -> dt.datetime | None:
        return self.client.modified_time()

    def image(self, where: str) -> tuple[bytes, str | None]:
        return self.client.download(where)

    @property
    def requests(self) -> int:
        return self.client.requests if "client" in self.__dict__ else 0


class GoogleDocsClient:
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
        self.document = document
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
        document = read_docs_data(response, name=self.name)
        return document, revision if isinstance(revision, str) else None

    def get_document(self) -> dict[str, Any]:
        """The ``documents.get`` answer as Google sent it (title and revision included)."""
        request = self._docs.documents().get(
            documentId=self.document,
            suggestionsViewMode="PREVIEW_WITHOUT_SUGGESTIONS",
            includeTabsContent=True,
        )
        return self._call(request, f"the Google Docs API at {self.docs_endpoint}")

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

    def download(self, uri: str) -> tuple[bytes, str | None]:
        """An image's bytes from the content link the Docs API gives it. The link works for
        about half an hour and itself stands for the reader's account ("anyone with the URI
        accesses the image as the original requester"), so no token is sent with it; it is
        kept out of every output like a credential, and never named in a message."""
        register_secret(uri)
        register_secret(uri.split("?", 1)[0])
        what = f"an image of {self.name}"
        try:
            response, content = self._http.request(uri, "GET")
        except _Late as late:
            raise late.error(what) from None
        except (google.auth.exceptions.TransportError, *_NETWORK_ERRORS) as error:
            raise SourceError(f"cannot download {what}: {_describe(error)}") from None
        if response.status in (403, 404, 410):
            # Minted moments ago, so not expired: the doc's sharing no longer gives this
            # image to the reader ("access may be lost if the sharing settings change").
            raise MissingImage(
                f"{what}: Google answered {response.status} to its content link",
                f"Google would not give (its content link answered {response.status})",
            )
        if response.status != 200:
            raise SourceError(
                f"{what}: Google answered {response.status} to its content link; run the sync again"
            )
        return bytes(content), response.get("content-type")

    def _call(self, request: HttpRequest, where: str) -> dict[str, Any]:
        self.sign_in()
        try:
            answer = request.execute(num_retries=RETRIES)
        except HttpError as error:
            raise self._http_error(error) from None
        except google.auth.exceptions.RefreshError as error:  # a token refused on a retry
            raise self._refused(error_text(error)) from None
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
            raise self._refused(error_text(error), where) from None
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
