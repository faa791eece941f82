"""A fake Confluence over real HTTP on 127.0.0.1: Cloud (REST v1 + v2) or Data Center (v1).
See ``server`` for what it claims about the real service; ``v1`` and ``v2`` serve each API."""

from tests.fakes.confluence.server import FakeConfluence
from tests.fakes.confluence.state import PageVersion, Space, StoredPage
from tests.fakes.confluence.wire import MAX_BODY_BYTES, STORAGE_NAMESPACES, storage_error

__all__ = [
    "MAX_BODY_BYTES",
    "STORAGE_NAMESPACES",
    "FakeConfluence",
    "PageVersion",
    "Space",
    "StoredPage",
    "storage_error",
]
