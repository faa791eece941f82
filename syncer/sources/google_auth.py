"""Google credentials for reading the notes doc: a service-account key, a workload identity
federation config, or Application Default Credentials, always with read-only scopes. Loading
them makes no network call; the first request fetches the token."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

import google.auth
import google.auth.credentials
import google.auth.exceptions
from google.oauth2 import service_account

from syncer.errors import AuthError, ConfigError
from syncer.files import TooLarge, read_at_most
from syncer.redact import is_pasted_json, register_pasted_key

SCOPES = (
    "https://www.googleapis.com/auth/documents.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
)
ENV_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"
KEY_FILE_LIMIT = 1024 * 1024  # a key or external_account file is a few KB


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
            f"cannot use the Google credentials file {path} ({origin}): {error_text(error)}"
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


def error_text(error: Exception) -> str:
    """An exception's own message only: google-auth may attach the response data as a second
    argument, and ``str()`` of the whole exception would print that tuple."""
    message = str(error.args[0]) if error.args else type(error).__name__
    return message.splitlines()[0] if message else type(error).__name__
