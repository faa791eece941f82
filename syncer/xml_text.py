"""The one place where user text becomes storage-format XML text or attribute values."""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters XML 1.0 forbids outright (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SPACE = re.compile(r"\s")


def legal(text: str) -> str:
    """The text without the characters XML cannot hold: what a page will actually show."""
    return _ILLEGAL.sub("", text)


def escape(text: str) -> str:
    """Text safe inside an element or a double-quoted attribute: no markup, no illegal chars."""
    text = legal(text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def cdata(text: str) -> str:
    """Text safe inside ``<![CDATA[…]]>`` (a code macro's body): every character kept but those
    XML cannot hold, and each ``]]>`` split across two sections so it cannot end this one."""
    lines = legal(text).replace("\r\n", "\n").replace("\r", "\n")  # as XML reads them anyway
    return lines.replace("]]>", "]]]]><![CDATA[>")


def safe_url(url: str) -> str | None:
    """The URL when it may become a link (http, https, mailto), else None: no javascript: etc."""
    cleaned = _SPACE.sub(lambda space: quote(space.group()), _ILLEGAL.sub("", url).strip())
    scheme, _, rest = cleaned.partition(":")
    if f"{scheme.lower()}:" in _SAFE_SCHEMES and rest.lstrip("/"):
        return cleaned
    return None
