"""What a reader of a page sees, as one canonical string: the form sections are compared in.

Confluence's editors rewrite what they store without anyone changing a word: Cloud's editor
wraps each list item's and cell's text in a paragraph, puts ``local-id`` on every block and
``ac:local-id`` on tables, rows, cells and macros, writes ``data-layout`` and
``data-table-width`` on tables, ``start="1"`` on numbered lists, empty ``<p />`` between
blocks, ``&nbsp;`` for ``&#160;``, ``<br />`` for ``<br/>``, attributes in its own order, and
splits or nests marks as it likes. None of that is an edit. A word added, changed or removed,
a link target, a mention, a cell colour, a link's card appearance or the file an image shows
is; the size an image is shown at is not, nor is ticking a task. So the reader form is
canonical XHTML of the blocks (headings, paragraphs, lists with their kind and nesting, tables
with their cells and spans, macros by name and parameters, tasks) and of the text with its
marks, links and mentions; inline comment markers are left out (a comment is not an edit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from syncer import reader_markup as markup
from syncer.xhtml import Node, Part, canonical_v1, digest, mixed, name_of, parse_fragment, siblings

_NS = markup.NS
# Table layout: widths, layout modes and the old editor's classes are not content.
_TABLE_LAYOUT = {"data-layout", "data-table-width", "class", "style", "width", "border"}
# An image's size and placement: Cloud's editor rewrites them on each save (``ac:align``,
# ``ac:layout``, ``ac:original-width``, ``ac:custom-width``, a new ``ac:width``). The file
# it shows and its alternative text are the content.
_IMAGE_LAYOUT = {"ac:width", "ac:height", "ac:align", "ac:layout", "ac:custom-width"}
_IMAGE_LAYOUT |= {"ac:original-width", "ac:original-height", "ac:border", "ac:class"}
_IMAGE_LAYOUT |= {"ac:style", "ac:vspace", "ac:hspace", "ac:thumbnail", "ac:queryparams"}
_IMAGE_MARKS = {"", "ac:adf-mark"}  # a border the editor draws round it
_MARKS = {
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "u": "u",
    "s": "s",
    "del": "s",
    "strike": "s",
    "code": "code",
    "tt": "code",
    "sup": "sup",
    "sub": "sub",
}
_MARK_ORDER = ("a", "strong", "em", "u", "s", "code", "sup", "sub")
_TRANSPARENT = {"ac:inline-comment-marker"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "div"}
_BLOCKS |= {"pre", "hr", "ac:task-list", "ac:layout", "ac:layout-section", "ac:layout-cell"}
_BLOCKS |= {"ac:adf-extension"}
INLINE_MACROS = {"status", "anchor", "jira", "mathinline"}


PAGE_FORM = 3
PAGE_FORMS = (1, 2, 3)
# Form 2 read a task's status as part of the section, and the editor's span round a task's
# text as a mark; form 3 does neither (a tick is no edit, the span no one's choice).
_AS_FORM_2: ContextVar[bool] = ContextVar("as_form_2", default=False)


def section_hash(nodes: Sequence[Node], form: int = PAGE_FORM) -> str:
    """The hash of a section as stored, kept in the sync state: form 3 hashes its reader
    form; form 2 the same with each task's status, as releases before ticks were the page's
    made it; form 1, the first release's, its elements and attributes (``canonical_v1``)."""
    if form == 3:
        return digest(reader_form(nodes))
    if form == 2:
        token = _AS_FORM_2.set(True)
        try:
            return digest(reader_form(nodes))
        finally:
            _AS_FORM_2.reset(token)
    if form == 1:
        return digest(canonical_v1(nodes))
    raise ValueError(f"no section hash form {form}")


def reader_form(nodes: Sequence[Node]) -> str:
    """The reader form of a run of siblings, such as a dated section."""
    return "".join(_blocks(siblings(nodes)))


def reader_form_of(node: Node) -> str:
    """The reader form of an element's content, such as a whole page."""
    return "".join(_blocks(mixed(node)))


def reader_form_text(raw: str) -> str:
    """The reader form of a fragment of storage format."""
    return reader_form_of(parse_fragment(raw))


# --- blocks --------------------------------------------------------------------------------


def _blocks(parts: Iterable[Part]) -> list[str]:
    """Blocks as a reader sees them: loose inline content reads as a paragraph, as the same
    content wrapped in ``<p>`` does; a paragraph that shows nothing is no block."""
    out: list[str] = []
    loose: list[Part] = []
    for part in parts:
        if isinstance(part, str) or not _is_block(part):
            loose.append(part)
            continue
        out.extend(_paragraph("p", "", loose))
        loose = []
        out.extend(_block(part))
    out.extend(_paragraph("p", "", loose))
    return out


def _is_block(node: Node) -> bool:
    name = name_of(node)
    if name == "ac:structured-macro":
        return _macro_name(node) not in INLINE_MACROS
    return name in _BLOCKS


def _block(node: Node) -> Iterator[str]:
    name = name_of(node)
    if name == "p" or re.fullmatch(r"h[1-6]", name):
        yield from _paragraph(name, markup.attributes(node), mixed(node))
    elif name in ("ul", "ol"):
        yield markup.element(name, markup.attributes(node), "".join(_items(node)))
    elif name == "table":
        yield markup.element(name, markup.attributes(node, _TABLE_LAYOUT), "".join(_rows(node)))
    elif name == "ac:task-list":
        yield markup.element(name, "", "".join(_tasks(node)))
    elif name == "ac:structured-macro":
        yield _macro(node)
    elif name == "hr":
        yield "<hr/>"
    elif name == "pre":
        yield markup.element(
            name, markup.attributes(node), markup.escaped("".join(node.itertext()))
        )
    else:
        yield markup.element(name, markup.attributes(node), "".join(_blocks(mixed(node))))


def _paragraph(name: str, attributes: str, parts: list[Part]) -> Iterator[str]:
    content = _inline(parts)
    if content:
        yield markup.element(name, attributes, content)


def _items(node: Node) -> Iterator[str]:
    for child in node:
        if name_of(child) == "li":
            yield markup.element("li", markup.attributes(child), "".join(_blocks(mixed(child))))
        elif isinstance(child.tag, str):
            yield from _block(child)


def _rows(node: Node) -> Iterator[str]:
    """Rows wherever they sit (``thead``, ``tbody``); column widths are layout."""
    for child in node:
        name = name_of(child)
        if name in ("thead", "tbody", "tfoot"):
            yield from _rows(child)
        elif name == "tr":
            cells = "".join(_cells(child))
            yield markup.element("tr", markup.attributes(child), cells)
        elif name not in ("colgroup", "col", ""):
            yield from _block(child)


def _cells(row: Node) -> Iterator[str]:
    for cell in row:
        name = name_of(cell)
        if name in ("td", "th"):
            yield markup.element(name, markup.attributes(cell), "".join(_blocks(mixed(cell))))


def _tasks(node: Node) -> Iterator[str]:
    """A task by its body: its id and uuid are the editor's bookkeeping, and its status is
    whoever ticked it (a tick in Confluence is not an edit of the section; ``tasks``)."""
    for task in node:
        if name_of(task) != "ac:task":
            continue
        body = "".join(_task_body(mixed(p)) for p in task if name_of(p) == "ac:task-body")
        status = "".join(_status(p) for p in task if name_of(p) == "ac:task-status")
        yield f"<ac:task>{status}{body}</ac:task>"


def _status(part: Node) -> str:
    """A task's status, in the form that reads it (form 2's hashes) only."""
    if not _AS_FORM_2.get():
        return ""
    return f"<ac:task-status>{markup.squash(''.join(part.itertext())).strip()}</ac:task-status>"


def _task_body(parts: list[Part]) -> str:
    """A task's text; what is nested under it (a list, tasks) reads as the blocks it is."""
    if any(not isinstance(part, str) and _is_block(part) for part in parts):
        return "".join(_blocks(parts))
    return _inline(parts)


# --- macros --------------------------------------------------------------------------------


def _macro_name(node: Node) -> str:
    return str(node.get(f"{{{_NS}ac}}name") or "")


def _macro(node: Node) -> str:
    """A macro by its name and parameters (in name order; an empty one is a default), then
    its bodies."""
    parameters: list[tuple[str, str]] = []
    bodies: list[str] = []
    for child in node:
        name = name_of(child)
        if name == "ac:parameter":
            value = _inline(mixed(child))
            if value:
                parameters.append((str(child.get(f"{{{_NS}ac}}name") or ""), value))
        elif name == "ac:rich-text-body":
            bodies.append(markup.element(name, "", "".join(_blocks(mixed(child)))))
        elif name == "ac:plain-text-body":
            bodies.append(
                markup.element(name, "", markup.escaped("".join(child.itertext()).strip("\n")))
            )
        elif name:
            bodies.append(_generic(child))
    rendered = "".join(
        f'<ac:parameter ac:name="{markup.escaped(key)}">{value}</ac:parameter>'
        for key, value in sorted(parameters)
    )
    return markup.element(
        "ac:structured-macro", markup.attributes(node), rendered + "".join(bodies)
    )


# --- inline content ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """Text (``atom`` False) or one inline element's form, with the marks around it."""

    marks: tuple[str, ...]
    content: str
    atom: bool = False


def _inline(parts: Iterable[Part]) -> str:
    """Inline content as a reader sees it: whitespace collapsed, marks as one canonical
    nesting, nothing at the ends but what shows."""
    runs = _tidy(list(_runs(parts, ())))
    return _nest(runs)


def _runs(parts: Iterable[Part], marks: tuple[str, ...]) -> Iterator[_Run]:
    for part in parts:
        if isinstance(part, str):
            yield _Run(marks, part)
            continue
        name = name_of(part)
        mark = _mark(part, name)
        if name in _TRANSPARENT or mark == "":
            yield from _runs(mixed(part), marks)
        elif mark is not None:
            yield from _runs(mixed(part), _with(marks, mark))
        elif name == "br":
            yield _Run(marks, "<br/>", atom=True)
        elif name:
            yield _Run(marks, _atom(part, name), atom=True)


def _mark(node: Node, name: str) -> str | None:
    """The mark an element puts on its content; "" for one that adds nothing (a bare
    ``span``); None for an element that is content itself (a link to a page, a mention)."""
    if name in _MARKS:
        return _MARKS[name]
    if name in ("a", "span", "font"):
        attributes = markup.attributes(node)
        if name == "span" and (not attributes or _task_wrapper(node)):
            return ""
        return f"{name}{attributes}"
    return None


def _task_wrapper(span: Node) -> bool:
    """The span Confluence's editor stores a task's text in (``placeholder-inline-tasks``,
    as Data Center pages hold it; hallowelt/migrate-confluence#37): no mark of its own. Form 2
    read it as one, and its hashes keep doing so."""
    return span.get("class") == "placeholder-inline-tasks" and not _AS_FORM_2.get()


def _with(marks: tuple[str, ...], mark: str) -> tuple[str, ...]:
    if mark in marks:
        return marks
    return tuple(sorted((*marks, mark), key=_mark_rank))


def _mark_rank(mark: str) -> tuple[int, str]:
    base = mark.split(" ", 1)[0]
    rank = _MARK_ORDER.index(base) if base in _MARK_ORDER else len(_MARK_ORDER)
    return rank, mark


def _atom(node: Node, name: str) -> str:
    if name == "ac:structured-macro":
        return _macro(node)
    if name == "ac:link":
        return _link(node)
    if name == "ac:image":
        inner = "".join(_generic(c) for c in node if name_of(c) not in _IMAGE_MARKS)
        return markup.element(name, markup.attributes(node, _IMAGE_LAYOUT), inner)
    return _generic(node)


def _link(node: Node) -> str:
    """A link to a page, an anchor, an attachment or a user: where it points and what it
    shows, whichever kind of body holds the text."""
    inner: list[str] = []
    for child in node:
        name = name_of(child)
        if name in ("ac:link-body", "ac:plain-text-link-body"):
            body = _inline(mixed(child))
            if body:
                inner.append(f"<ac:link-body>{body}</ac:link-body>")
        elif name:
            inner.append(_generic(child))
    return markup.element("ac:link", markup.attributes(node), "".join(inner))


def _generic(node: Node) -> str:
    """Any other element: its name, its meaningful attributes, its content."""
    name = name_of(node)
    content = _inline(mixed(node))
    return markup.element(name, markup.attributes(node), content)


def _tidy(runs: list[_Run]) -> list[_Run]:
    """Collapse whitespace across runs (spaces at a mark's edge stand outside it) and trim
    the ends and around line breaks; a line break that ends the content shows nothing."""
    out: list[_Run] = []
    space = True  # at the start, or just after a space or a break: a space shows nothing
    for run in runs:
        if run.atom:
            if run.content == "<br/>" and out and not out[-1].atom:
                out[-1] = _rstrip(out[-1])
            out.append(run)
            space = run.content == "<br/>"
            continue
        text = markup.squash(run.content)
        lead, core, trail = _edges(text)
        if lead and not space:
            out.append(_Run((), " "))
            space = True
        if core:
            out.append(_Run(run.marks, core))
            space = False
        if trail and not space:
            out.append(_Run((), " "))
            space = True
    while out and (out[-1].content == " " or out[-1].content == "<br/>"):
        out.pop()
    return out


def _edges(text: str) -> tuple[bool, str, bool]:
    core = text.strip(" ")
    return text.startswith(" "), core, bool(core) and text.endswith(" ")


def _rstrip(run: _Run) -> _Run:
    return _Run(run.marks, run.content.rstrip(" ")) if run.content != " " else _Run((), "")


def _nest(runs: list[_Run]) -> str:
    """Runs as elements: neighbours share the marks they have in common, in canonical order."""
    out: list[str] = []
    open_marks: list[str] = []
    for run in runs:
        if not run.content:
            continue
        marks = list(run.marks) if run.content != " " else open_marks[:]
        shared = 0
        while shared < min(len(open_marks), len(marks)) and open_marks[shared] == marks[shared]:
            shared += 1
        for mark in reversed(open_marks[shared:]):
            out.append(f"</{mark.split(' ', 1)[0]}>")
        for mark in marks[shared:]:
            out.append(f"<{mark}>")
        open_marks = marks
        out.append(run.content if run.atom else markup.escaped(run.content))
    out.extend(f"</{mark.split(' ', 1)[0]}>" for mark in reversed(open_marks))
    return "".join(out)
