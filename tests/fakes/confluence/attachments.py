"""The fake's attachments: v1 ``…/content/{id}/child/attachment`` on Cloud and Data Center
(v2 has no upload), and v2 ``GET /pages/{id}/attachments`` on Cloud.

As Atlassian's v1 description says: an upload is ``multipart/form-data`` with a ``file`` part
and a ``minorEdit`` part, and needs the ``X-Atlassian-Token: no-check`` header (``nocheck``
in the description's own example; the server takes both), without which it is refused as an
XSRF attempt (403). ``POST`` only adds: a file name the page already has answers 400;
``PUT`` adds or, for a name already there, stores a new version. ``minorEdit=true`` sends no
notification; anything else does (``notifications`` records it).
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
from dataclasses import dataclass

from tests.fakes.confluence.state import StoredPage, _Fail, _now, _Request
from tests.fakes.confluence.wire import Json

_XSRF_VALUES = {"no-check", "nocheck"}


@dataclass
class AttachmentVersion:
    number: int
    data: bytes
    media_type: str
    minor: bool
    when: str = dataclasses.field(default_factory=_now)


class AttachmentApi:
    """Routes and state of attachments, mixed into the fake."""

    def _attachment_routes(self) -> list[tuple[str, str, object]]:
        return [
            ("GET", r"/content/(\d+)/child/attachment", self._v1_attachments),
            ("POST", r"/content/(\d+)/child/attachment", self._v1_add_attachment),
            ("PUT", r"/content/(\d+)/child/attachment", self._v1_put_attachment),
        ]

    def attachment(self, page_id: str, name: str) -> AttachmentVersion | None:
        """The latest version of a page's attachment (tests read what was uploaded)."""
        versions = self._attachments(page_id).get(name)
        return versions[-1] if versions else None

    def _attachments(self, page_id: str) -> dict[str, list[AttachmentVersion]]:
        return self.attachments.setdefault(page_id, {})

    def _v1_attachments(self, request: _Request, page_id: str) -> tuple[int, Json]:
        page = self._page(page_id)
        name = request.query.get("filename")
        found = [
            self._v1_attachment(page, title, versions[-1])
            for title, versions in sorted(self._attachments(page.id).items())
            if name is None or title == name
        ]
        listing = {"results": found, "start": 0, "limit": 200, "size": len(found)}
        return 200, {**listing, "_links": self._v1_base()}

    def _v1_add_attachment(self, request: _Request, page_id: str) -> tuple[int, Json]:
        return self._upload(request, page_id, replace=False)

    def _v1_put_attachment(self, request: _Request, page_id: str) -> tuple[int, Json]:
        return self._upload(request, page_id, replace=True)

    def _upload(self, request: _Request, page_id: str, *, replace: bool) -> tuple[int, Json]:
        page = self._page(page_id)
        if request.headers.get("x-atlassian-token", "").lower() not in _XSRF_VALUES:
            raise _Fail(403, "XSRF check failed")
        files, fields = _form(request)
        if not files:
            raise _Fail(400, "The request holds no file part")
        minor = fields.get("minorEdit", "").strip('"').lower() == "true"
        stored = []
        for name, data, media_type in files:
            versions = self._attachments(page.id).setdefault(name, [])
            if versions and not replace:
                raise _Fail(
                    400,
                    "Cannot add a new attachment with same file name as an existing attachment:"
                    f" {name}",
                )
            versions.append(AttachmentVersion(len(versions) + 1, data, media_type, minor))
            if not minor:
                self.notifications.append((page.id, f"attachment {name}"))
            stored.append(self._v1_attachment(page, name, versions[-1]))
        return 200, {"results": stored, "size": len(stored), "_links": self._v1_base()}

    def _v2_page_attachments(self, request: _Request, page_id: str) -> tuple[int, object]:
        page = self._page(page_id)
        name = request.query.get("filename")
        items = [
            {
                "id": f"att{page.id}{index}",
                "status": "current",
                "title": title,
                "mediaType": versions[-1].media_type,
                "fileSize": len(versions[-1].data),
                "pageId": page.id,
                "version": {"number": versions[-1].number},
            }
            for index, (title, versions) in enumerate(sorted(self._attachments(page.id).items()))
            if name is None or title == name
        ]
        return 200, self._v2_listing(request, f"/pages/{page_id}/attachments", items)

    def _v1_attachment(self, page: StoredPage, name: str, version: AttachmentVersion) -> Json:
        return {
            "id": f"att{page.id}{abs(hash(name)) % 10_000}",
            "type": "attachment",
            "status": "current",
            "title": name,
            "version": {"number": version.number, "minorEdit": version.minor, "when": version.when},
            "metadata": {"mediaType": version.media_type},
            "extensions": {"mediaType": version.media_type, "fileSize": len(version.data)},
        }


def _form(request: _Request) -> tuple[list[tuple[str, bytes, str]], dict[str, str]]:
    """The file parts (name, bytes, media type) and the text fields of a multipart body."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise _Fail(415, "Attachments are uploaded as multipart/form-data")
    message = email.message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.raw, policy=email.policy.HTTP
    )
    files, fields = [], {}
    for part in message.iter_parts():
        field = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if part.get_filename():
            files.append((part.get_filename(), data, part.get_content_type()))
        elif isinstance(field, str):
            fields[field] = data.decode("utf-8", "replace")
    return files, fields
