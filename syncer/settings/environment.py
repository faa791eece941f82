"""Credentials from the environment: the Confluence tokens (from a variable or the file a
``…_FILE`` variable names), and a Google key pasted where its path belongs. Every value is
registered for redaction before a message can mention it, and no message quotes one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from syncer.credentials import Credentials
from syncer.files import TooLarge, read_at_most
from syncer.redact import is_pasted_json, register_pasted_key, register_secret

SECRET_FILE_LIMIT = 64 * 1024
ENV_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS"
PASTED_KEY = (
    "holds JSON, not a path — did you paste the key itself there? Save the key to a file"
    " and give the file's path"
)


def confluence_credentials(
    deployment: str, environ: Mapping[str, str], problems: list[str]
) -> Credentials:
    """Cloud: an email and an API token (Basic); Data Center: a personal access token."""
    username = (environ.get("CONFLUENCE_USERNAME") or "").strip() or None
    api_token = _secret(environ, "CONFLUENCE_API_TOKEN", problems)
    pat = _secret(environ, "CONFLUENCE_TOKEN", problems)
    if deployment == "datacenter" and pat:
        return Credentials(pat=pat)
    if username and api_token:
        return Credentials(username=username, api_token=api_token)
    if deployment == "cloud":
        problems.append(
            "Confluence Cloud needs CONFLUENCE_USERNAME (your Atlassian email) and"
            " CONFLUENCE_API_TOKEN (an API token) in the environment"
        )
    else:
        problems.append(
            "Confluence Data Center needs CONFLUENCE_TOKEN (a personal access token) in the"
            " environment, or CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN"
        )
    return Credentials()


def google_key_path(
    value: object, base: Path, environ: Mapping[str, str], problems: list[str]
) -> Path | None:
    """``[source] credentials`` as a path; a key pasted there, or into
    ``GOOGLE_APPLICATION_CREDENTIALS``, is a problem that never shows the key."""
    if isinstance(value, str) and is_pasted_json(value):
        register_pasted_key(value)
        problems.append(f"[source] credentials {PASTED_KEY}")
        return None
    if value is None:
        if is_pasted_json(environ.get(ENV_CREDENTIALS) or ""):
            register_pasted_key(environ[ENV_CREDENTIALS])
            problems.append(f"{ENV_CREDENTIALS} {PASTED_KEY}")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append("[source] credentials must be a non-empty path")
        return None
    return base / Path(value).expanduser()


def _secret(environ: Mapping[str, str], name: str, problems: list[str]) -> str | None:
    """A token from the variable ``name``, or from the file that ``name_FILE`` points at (a
    mounted Docker or Kubernetes secret), without the whitespace around it (the newline that
    ``kubectl create secret --from-file`` or ``echo`` leaves)."""
    value, path = environ.get(name) or None, environ.get(f"{name}_FILE") or None
    if value is not None:
        register_secret(value)
        register_secret(value.strip())
    if path is not None and not os.path.lexists(path):
        register_secret(path)  # it may well be the token itself
    if value and path:
        problems.append(f"set {name} or {name}_FILE, not both")
        return None
    if value is not None:
        if not value.strip():
            problems.append(f"{name} holds only whitespace: set it to the token")
        return value.strip() or None
    return _secret_file(name, path, problems) if path is not None else None


def _secret_file(name: str, path: str, problems: list[str]) -> str | None:
    variable = f"{name}_FILE"
    if not os.path.lexists(path):
        problems.append(
            f"{variable} does not name a file — did you put the token itself there? Set"
            f" {variable} to the path of a file holding the token, or {name} to the token"
        )
        return None
    try:
        token = read_at_most(Path(path), SECRET_FILE_LIMIT).decode("utf-8").strip()
    except TooLarge:
        problems.append(f"{variable} {path} is not a token file (larger than 64 KB)")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"cannot read {variable} {path}: {getattr(error, 'strerror', error)}")
        return None
    register_secret(token)
    if not token:
        problems.append(f"{variable} {path} is empty: write the token into it")
    return token or None
