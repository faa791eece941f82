"""Archive pages on Confluence: Cloud through the v2 pages API, Data Center through v1.

Each page is read once with its version, body and sync state (a content property), and
written with ``version.number + 1`` in one PUT; the state property follows in one more call.
A 409 (or a v2 400 naming the version) becomes ``VersionConflict``, which the sync answers by
re-reading and re-merging.

Where Atlassian's descriptions leave an answer open, both answers work (see
``../shared/reference/api-facts.md``): the state property is read on its own when the page
came without it (Data Center may not expand ``metadata.properties.<key>``; v2 embeds at
most 50 properties), an "already exists" on creating it means read it and update it, and a
title search checks every result's title and status itself. What the server did is kept in
``findings`` for ``syncer check``.
"""

from syncer.stores.confluence.cloud import CloudPages
from syncer.stores.confluence.data import PROPERTY, PageRef, id_of
from syncer.stores.confluence.datacenter import DataCenterPages

__all__ = ["PROPERTY", "CloudPages", "DataCenterPages", "PageRef", "id_of"]
