"""Reading storage-format XHTML as Confluence returns it, without changing a byte we keep.

A body is parsed once with lxml; a tokenizer finds where each element sits in the raw text,
so what we keep is kept byte for byte and what we replace is cut out exactly. HTML named
entities (``&nbsp;``), CDATA and any ``prefix:`` namespaces are tolerated.
"""

from __future__ import annotations

import copy
import hashlib
import html.entities
import re
from collections.abc import Iterable, Sequence
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
# A prefix in an element's or an attribute's name (a body may use ac: only on attributes).
_PREFIX = re.compile(r"(?:</?|\s)([A-Za-z_][A-Za-z0-9_.-]*):[A-Za-z_]")  # XML names: ASCII here
_SPACES = re.compile(r"[\s\u00a0]+")
# Attributes Confluence adds or rewrites on save; they carry no meaning for a comparison.
_VOLATILE = re.compile(r"(macro-id|local-id|version-at-save|data-[\w-]+|schema-version)$")
_NS = "urn:confluence:"
_PREFIXES = {"ac": f"{_NS}ac", "ri": f"{_NS}ri"}
_PARSER = etree.XMLParser(
    resolve_entities=False, huge_tree=True, remove_comments=True, remove_pis=True
)


Node = etree._Element
Part = str | Node  # mixed content: text, or an element (whose tail comes as the next part)


def name_of(node: Node) -> str:
    """``p``, ``ac:link``: an element's name with the prefix it has in storage format."""
    if not isinstance(node.tag, str):
        return ""
    return prefixed(node.tag)


def prefixed(qualified: str) -> str:
    if qualified.startswith("{" + _NS):
        namespace, local = qualified[len(_NS) + 1 :].split("}", 1)
        return f"{namespace}:{local}"
    return qualified.rpartition("}")[2]


def mixed(node: Node) -> list[Part]:
    """An element's content in order: its text, each child, each child's tail."""
    parts: list[Part] = [node.text] if node.text else []
    for child in node:
        parts.append(child)
        if child.tail:
            parts.append(child.tail)
    return parts


def siblings(nodes: Sequence[Node]) -> list[Part]:
    """A run of sibling elements with the text after each, as the content of one container."""
    parts: list[Part] = []
    for node in nodes:
        parts.append(node)
        if node.tail:
            parts.append(node.tail)
    return parts


@dataclass(frozen=True)
class Span:
    """Where one element sits in the raw body: its start tag's ``<`` to past its end tag, and
    its content between the two (empty for a self-closing element)."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def element_spans(body: str) -> list[Span]:
    """Every element's span, in document order: the order lxml walks the same body in."""
    spans: list[Span] = []
    open_elements: list[tuple[int, str]] = []
    for token in _TOKEN.finditer(body):
        closing, name, _, self_closing = token.groups()
        if name is None:
            continue
        if closing:
            if not open_elements:
                raise PageError(f"page body is not well-formed: unexpected </{name}>")
            index, _ = open_elements.pop()
            opened = spans[index]
            spans[index] = Span(opened.start, token.end(), opened.inner_start, token.start())
            continue
        spans.append(Span(token.start(), token.end(), token.end(), token.end()))
        if not self_closing:
            open_elements.append((len(spans) - 1, name))
    if open_elements:
        raise PageError("page body is not well-formed: an element is never closed")
    return spans


def parse_fragment(raw: str) -> etree._Element:
    """Parse a fragment of storage format under a root that declares every prefix it uses."""
    prefixes = sorted(set(_PREFIX.findall(raw)) - {"xml", "xmlns"})
    declarations = "".join(f' xmlns:{p}="urn:confluence:{p}"' for p in prefixes)
    wrapped = f"<root{declarations}>{numeric_entities(raw)}</root>"
    try:
        return etree.fromstring(wrapped.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as error:
        raise PageError(f"page body is not well-formed XHTML: {error}") from None


def copied(nodes: Iterable[Node]) -> etree._Element:
    """Copies of ``nodes`` under one ``section`` element that declares Confluence's prefixes
    once, to change them and write them back with ``storage_text``."""
    wrapper = etree.Element("section", nsmap=_PREFIXES)
    for node in nodes:
        wrapper.append(copy.deepcopy(node))
    return wrapper


def storage_text(wrapper: etree._Element) -> str:
    """A ``copied`` wrapper's content as storage text, without its namespace declarations."""
    whole = etree.tostring(wrapper, encoding="unicode")
    return whole[whole.index(">") + 1 : -len("</section>")]


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


def canonical_v1(nodes: Iterable[etree._Element]) -> str:
    """The first release's form of a section (page hashes of form 1): elements, attributes
    but those matching ``_VOLATILE`` and whitespace-collapsed text. Kept exactly as it was, so
    state written by that release is still read right."""
    out: list[str] = ["<root[]>"]
    for node in nodes:
        for event, element in etree.iterwalk(node, events=("start", "end")):
            if event == "start":
                attributes = sorted(
                    (etree.QName(key).localname, value)
                    for key, value in element.attrib.items()
                    if not _VOLATILE.search(key)
                )
                out.append(f"<{etree.QName(element).localname}{attributes}>")
                out.append(_squash(element.text))
            else:
                out.append(f"</{etree.QName(element).localname}>")
                out.append(_squash(element.tail))
    out.append("</root>")
    return "".join(out)


def _squash(text: str | None) -> str:
    """Collapse whitespace runs; whitespace alone (between blocks) means nothing."""
    if not text or text.isspace():
        return ""
    return _SPACES.sub(" ", text)
