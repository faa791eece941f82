"""Settings → the source and the page store a run talks to. The client libraries of a
service are imported only when the settings name it, so a ``file:`` run loads none."""

from __future__ import annotations

from syncer.settings import ConfluenceSettings, FileSettings, Settings
from syncer.source import FileSource, Source
from syncer.stores.base import PageStore
from syncer.stores.local import LocalPageStore


def open_source(settings: Settings) -> Source:
    if isinstance(settings.source, FileSettings):
        return FileSource(settings.source)
    from syncer.sources.google import GoogleDoc

    return GoogleDoc(settings.source)


def open_store(settings: Settings, *, minor: bool = False) -> PageStore:
    """The archive: a folder for ``file:``, else Confluence Cloud (v2) or Data Center (v1)."""
    if not isinstance(settings.target, ConfluenceSettings):
        return LocalPageStore(settings.target.path, settings.labels)
    from syncer.stores.confluence import CloudPages, DataCenterPages
    from syncer.stores.confluence.api import ConfluenceApi

    target = settings.target
    api = ConfluenceApi(
        target.url, target.credentials, timeout=target.timeout, tenant_site=target.tenant_site
    )
    pages = CloudPages if target.cloud else DataCenterPages
    return pages(
        api,
        target.space,
        page_id=target.page_id,
        parent_id=target.parent_id,
        minor=minor or not target.notify,
        labels=settings.labels,
    )
