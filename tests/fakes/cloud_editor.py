"""A page saved in Confluence Cloud's editor, without anyone changing a word.

What the editor does to storage it loads and saves again, as the real Cloud bodies in
``tests/fixtures/real-confluence`` (``02``, ``16``–``21``) show it:

- every list item's and table cell's text is stored in a paragraph: ``<li><p>x</p></li>``,
  ``<td><p>x</p></td>``, an empty cell as ``<td><p /></td>`` (all 382 list items there);
- ``local-id`` on paragraphs, headings, lists, items and quotes (``02``), ``ac:local-id`` on
  tables, rows and cells, ``data-table-width="760" data-layout="default"`` on tables (``02``,
  ``16``), ``start="1"`` on numbered lists (``16``–``21``), ``ac:macro-id`` and
  ``ac:local-id`` on macros, with parameters in its own order (``18``: title before colour);
- an empty ``<p />`` between some blocks (``21``), no whitespace between blocks;
- an image (``21``) gets ``ac:align="center" ac:layout="center"``, its size as
  ``ac:original-width``/``ac:original-height``, ``ac:custom-width="true"`` and a width of
  the editor's choosing (no height), and its attachment ``ri:version-at-save="1"``;
- ``&nbsp;`` and other named entities (``16``), ``<br />``, ``<time datetime="…" />``, and the
  attributes it adds written before those it found.

``saved_in_cloud_editor`` is that transform; ``seed`` makes its ids repeatable.

Whether the editor keeps the task ids a publisher wrote is not documented: the real bodies
hold only small page-wide numbers (``01``: 56–59, ``03``: 230, 231), as Confluence's own
editor numbers them. ``renumber_tasks`` is the answer that it renumbers them on save.
Data Center's editor stores a task's text in ``<span class="placeholder-inline-tasks">``
(public reports: hallowelt/migrate-confluence#37); ``task_spans`` does that too.
"""

from __future__ import annotations

import random

from lxml import etree

from syncer.xhtml import name_of, parse_fragment

_BLOCK_IDS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote"}
_CELL_IDS = {"tr", "th", "td"}
_WRAPPED = {"li", "td", "th"}
_INLINE_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote"}
_INLINE_BLOCKS |= {"div", "pre", "hr", "ac:task-list", "ac:layout", "ac:rich-text-body"}
_CDATA = {"ac:plain-text-body", "ac:plain-text-link-body"}
_NS = "urn:confluence:"


def saved_in_cloud_editor(
    body: str, seed: int = 0, renumber_tasks: bool = False, task_spans: bool = False
) -> str:
    """``body`` as Cloud's editor stores it after someone opens and publishes the page."""
    rng = random.Random(seed)
    root = parse_fragment(body)
    _wrap_inline_content(root)
    if task_spans:
        for task_body in root.iter(f"{{{_NS}ac}}task-body"):
            _wrap_in_span(task_body)
    if renumber_tasks:
        first = rng.randrange(1, 300)
        for number, task_id in enumerate(root.iter(f"{{{_NS}ac}}task-id")):
            task_id.text = str(first + number)
    added: dict[etree._Element, list[tuple[str, str]]] = {}
    for node in root.iter():
        if node is not root and isinstance(node.tag, str):
            added[node] = _editor_attributes(node, rng)
    return _children(root, added, rng, top=True)


def _wrap_inline_content(root: etree._Element) -> None:
    """Put the loose text and inline elements of items and cells into paragraphs."""
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or name_of(node) not in _WRAPPED:
            continue
        parts: list[object] = [node.text] if node.text else []
        for child in node:
            parts.append(child)
            if child.tail:
                parts.append(child.tail)
        node.text = None
        for child in list(node):
            child.tail = None
            node.remove(child)
        loose: list[object] = []
        for part in [*parts, None]:
            if part is None or (not isinstance(part, str) and _is_block(part)):
                _paragraph_of(node, loose)
                loose = []
                if part is not None:
                    node.append(part)
            else:
                loose.append(part)
        if len(node) == 0:
            etree.SubElement(node, "p")


def _wrap_in_span(task_body: etree._Element) -> None:
    span = etree.Element("span", {"class": "placeholder-inline-tasks"})
    span.text, task_body.text = task_body.text, None
    for child in list(task_body):
        span.append(child)
    task_body.append(span)


def _is_block(node: object) -> bool:
    if not isinstance(node, etree._Element):
        return False
    name = name_of(node)
    if name == "ac:structured-macro":
        return str(node.get(f"{{{_NS}ac}}name")) not in ("status", "anchor", "jira")
    return name in _INLINE_BLOCKS


def _paragraph_of(parent: etree._Element, loose: list[object]) -> None:
    if not any(not isinstance(p, str) or p.strip() for p in loose):
        return
    paragraph = etree.SubElement(parent, "p")
    for part in loose:
        if isinstance(part, str):
            if len(paragraph):
                paragraph[-1].tail = (paragraph[-1].tail or "") + part
            else:
                paragraph.text = (paragraph.text or "") + part
        else:
            paragraph.append(part)


def _editor_attributes(node: etree._Element, rng: random.Random) -> list[tuple[str, str]]:
    name = name_of(node)
    found = {_attribute_name(key) for key in node.attrib}
    extra: list[tuple[str, str]] = []
    if name == "ol" and "start" not in found:
        extra.append(("start", "1"))
    if name in _BLOCK_IDS:
        extra.append(("local-id", _hex(rng, 12)))
    elif name == "table":
        extra += [("data-table-width", "760"), ("data-layout", "default")]
        extra.append(("ac:local-id", _uuid(rng)))
    elif name in _CELL_IDS:
        extra.append(("ac:local-id", _hex(rng, 12)))
    elif name == "ac:structured-macro":
        extra += [("ac:local-id", _uuid(rng)), ("ac:macro-id", _uuid(rng))]
    elif name == "ac:image":
        width, height = node.get(f"{{{_NS}ac}}width"), node.get(f"{{{_NS}ac}}height")
        extra += [("ac:align", "center"), ("ac:layout", "center")]
        extra += [("ac:original-height", height or "150"), ("ac:original-width", width or "200")]
        extra += [("ac:custom-width", "true"), ("ac:local-id", _uuid(rng))]
    elif name == "ri:attachment":
        extra.append(("ri:version-at-save", "1"))
    return [(key, value) for key, value in extra if key not in found]


def _children(node: etree._Element, added: dict, rng: random.Random, *, top: bool = False) -> str:
    out = [_text(node.text or "")]
    for child in node:
        out.append(_element(child, added, rng))
        if top and _is_block(child) and rng.random() < 0.3:
            out.append("<p />")
        tail, after = child.tail or "", child.getnext()
        between_blocks = _is_block(child) and (after is None or _is_block(after))
        out.append("" if top and between_blocks and not tail.strip() else _text(tail))
    return "".join(out)


def _element(node: etree._Element, added: dict, rng: random.Random) -> str:
    name = name_of(node)
    found = [(_attribute_name(key), value) for key, value in node.attrib.items()]
    if name == "ac:structured-macro":
        found.sort(key=lambda pair: pair[0] != "ac:name")
    if name == "ac:image":  # the editor's own width, no height
        found = [(k, v) for k, v in found if k not in ("ac:width", "ac:height")]
        found.append(("ac:width", str(rng.choice((408, 491, 760)))))
    attributes = "".join(f' {k}="{_attribute(v)}"' for k, v in [*added.get(node, []), *found])
    if name in _CDATA:
        text = "".join(node.itertext()).replace("]]>", "]]]]><![CDATA[>")
        return f"<{name}{attributes}><![CDATA[{text}]]></{name}>"
    children = list(node)
    if name == "ac:structured-macro":  # parameters first, in reverse name order
        parameters = [c for c in children if name_of(c) == "ac:parameter"]
        parameters.sort(key=lambda c: str(c.get(f"{{{_NS}ac}}name")), reverse=True)
        children = parameters + [c for c in children if name_of(c) != "ac:parameter"]
    inner = _text(node.text or "") + "".join(
        _element(child, added, rng) + _text(child.tail or "") for child in children
    )
    if not inner:
        return f"<{name}{attributes} />"
    return f"<{name}{attributes}>{inner}</{name}>"


def _attribute_name(key: str) -> str:
    if key.startswith("{" + _NS):
        prefix, local = key[len(_NS) + 1 :].split("}", 1)
        return f"{prefix}:{local}"
    return key


def _text(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\u00a0", "&nbsp;").replace("\u2019", "&rsquo;")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def _uuid(rng: random.Random) -> str:
    raw = _hex(rng, 32)
    return "-".join((raw[:8], raw[8:12], raw[12:16], raw[16:20], raw[20:]))
