"""How the reader form (``reading``) writes what it keeps: element names with their storage
prefix, only the attributes a reader's view depends on (in name order), text escaped and
whitespace squashed."""

from __future__ import annotations

import re

from lxml import etree

from syncer.xhtml import prefixed

NS = "urn:confluence:"
_SPACES = re.compile(r"[\s\u00a0]+")
# Attributes an editor adds or rewrites by itself, whichever element carries them.
_VOLATILE = {"local-id", "ac:local-id", "ri:local-id", "ac:macro-id", "ac:schema-version"}
_VOLATILE |= {"ri:version-at-save", "id"}
_DEFAULTS = {"start": "1", "colspan": "1", "rowspan": "1"}


def attributes(node: etree._Element, layout: set[str] | frozenset[str] = frozenset()) -> str:
    """The attributes a reader's view depends on, in name order, as `` k="v"`` text."""
    kept = []
    for key, value in node.attrib.items():
        name = prefixed(str(key))
        if name in _VOLATILE or name in layout or _DEFAULTS.get(name) == value:
            continue
        if name == "data-layout" and value == "default":
            continue
        if name == "class":
            value = " ".join(c for c in value.split() if not c.startswith("confluence"))
            if not value:
                continue
        kept.append((name, value))
    return "".join(f' {name}="{escaped(value)}"' for name, value in sorted(kept))


def element(name: str, attributes: str, content: str) -> str:
    if not content:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{content}</{name}>"


def squash(text: str) -> str:
    return _SPACES.sub(" ", text)


def escaped(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")
