"""Reading storage-format XHTML as Confluence returns it, without changing a byte we keep.

A page body is a sequence of top-level elements. We split it into raw slices (so what we keep
is kept byte for byte), and parse a slice only to read a heading or compare two sections. HTML
named entities (``&nbsp;``), CDATA and any ``prefix:`` namespaces are tolerated.
"""

from __future__ import annotations

import hashlib
import html.entities
import itertools
import re
from dataclasses import dataclass

from lxml import etree

from syncer.errors import PageError

_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>"
    r"|<(/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>",
    re.S,
)
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_PREFIX = re.compile(r"</?([A-Za-z_][\w.-]*):")
_HEADING = re.compile(r"h([1-6])")
_SPACES = re.compile(r"[\s\u00a0]+")
# Attributes Confluence adds or rewrites on save; they carry no meaning for a comparison.
_VOLATILE = re.compile(r"(macro-id|local-id|version-at-save|data-[\w-]+|schema-version)$")
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_comments=True)


@dataclass(frozen=True)
class Segment:
    """One top-level element with the whitespace after it, as a raw slice of the body."""

    raw: str
    tag: str


def segments(body: str) -> list[Segment]:
    """Split a body at each top-level element; text before the first one is its own segment."""
    starts: list[tuple[int, str]] = []
    depth = 0
    for token in _TOKEN.finditer(body):
        closing, name, _, self_closing = token.groups()
        if name is None:
            continue
        if closing:
            depth -= 1
            if depth < 0:
                raise PageError(f"page body is not well-formed: unexpected </{name}>")
            continue
        if depth == 0:
            starts.append((token.start(), name))
        if not self_closing:
            depth += 1
    if depth:
        raise PageError("page body is not well-formed: an element is never closed")
    bounds = [*starts, (len(body), "")]
    result = [Segment(body[: bounds[0][0]], "")] if bounds[0][0] else []
    result += [
        Segment(body[start:end], tag) for (start, tag), (end, _) in itertools.pairwise(bounds)
    ]
    return result


def heading_level(segment: Segment) -> int:
    """1-6 for an ``<hN>`` segment, else 0."""
    match = _HEADING.fullmatch(segment.tag)
    return int(match.group(1)) if match else 0


def text_of(raw: str) -> str:
    """The text a reader sees in a fragment (used to read a heading's date)."""
    return "".join(parse_fragment(raw).itertext())


def parse_fragment(raw: str) -> etree._Element:
    """Parse a fragment of storage format under a root that declares every prefix it uses."""
    prefixes = sorted(set(_PREFIX.findall(raw)) - {"xml"})
    declarations = "".join(f' xmlns:{p}="urn:confluence:{p}"' for p in prefixes)
    wrapped = f"<root{declarations}>{numeric_entities(raw)}</root>"
    try:
        return etree.fromstring(wrapped.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as error:
        raise PageError(f"page body is not well-formed XHTML: {error}") from None


def numeric_entities(raw: str) -> str:
    """Replace HTML named entities by numeric references, leaving CDATA untouched."""
    if "&" not in raw:
        return raw
    parts = re.split(r"(<!\[CDATA\[.*?\]\]>)", raw, flags=re.S)
    for index in range(0, len(parts), 2):
        parts[index] = _ENTITY.sub(_numeric, parts[index])
    return "".join(parts)


def _numeric(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    text = html.entities.html5.get(name + ";")
    if text is None:
        raise PageError(f"page body uses an unknown entity &{name};")
    return "".join(f"&#{ord(char)};" for char in text)


def digest(canonical_form: str) -> str:
    """A short hash of a canonical form: what a section means, kept as sync state."""
    return hashlib.sha256(canonical_form.encode("utf-8")).hexdigest()[:32]


def canonical(raw: str) -> str:
    """Elements, meaningful attributes and whitespace-collapsed text, in one stable string."""
    out: list[str] = []
    for event, node in etree.iterwalk(parse_fragment(raw), events=("start", "end")):
        if event == "start":
            attributes = sorted(
                (etree.QName(key).localname, value)
                for key, value in node.attrib.items()
                if not _VOLATILE.search(key)
            )
            out.append(f"<{etree.QName(node).localname}{attributes}>")
            out.append(_squash(node.text))
        else:
            out.append(f"</{etree.QName(node).localname}>")
            out.append(_squash(node.tail))
    return "".join(out)


def _squash(text: str | None) -> str:
    """Collapse whitespace runs; whitespace alone (between blocks) means nothing."""
    if not text or text.isspace():
        return ""
    return _SPACES.sub(" ", text)
