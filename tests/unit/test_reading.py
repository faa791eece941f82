"""The reader form: what Confluence's editors write by themselves is never an edit, and any
change a reader can see always is."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from syncer.reading import reader_form_text
from syncer.render import render_meeting
from syncer.xhtml import name_of, parse_fragment
from tests.fakes.cloud_editor import saved_in_cloud_editor
from tests.unit.test_properties import meetings

REAL = Path(__file__).parents[1] / "fixtures" / "real-confluence"
CLOUD_BODIES = ["02", "16", "17", "18", "19", "20", "21"]
STRUCTURE = {"ac:structured-macro", "br", "time", "ul", "ol", "table", "tbody", "tr"}
STRUCTURE |= {"ac:task-list", "ac:task", "ac:task-id", "ac:link", "hr"}  # between tasks, ids…
STRUCTURE |= {"ac:task-status"}  # a tick, which is the page's and never an edit (test_tasks)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(a: str, b: str) -> bool:
    return reader_form_text(a) == reader_form_text(b)


IMAGE = (
    '<ac:image ac:alt="chart" ac:width="400" ac:height="200">'
    '<ri:attachment ri:filename="image-1.png"/></ac:image>'
)
CAPTION = "<ac:caption><p>Q4</p></ac:caption></ac:image>"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (
            "<ul><li>x<ul><li>y</li></ul></li></ul>",
            "<ul><li><p>x</p><ul><li><p>y</p></li></ul></li></ul>",
        ),
        (
            "<table><tbody><tr><td>a</td><td/></tr></tbody></table>",
            '<table data-table-width="760" data-layout="default" ac:local-id="1"><tbody>'
            '<tr ac:local-id="2"><td ac:local-id="3"><p>a</p></td><td><p /></td></tr>'
            "</tbody></table>",
        ),
        (
            "<ol><li>a</li></ol>",
            '<ol start="1" local-id="9"><li local-id="8"><p local-id="7">a</p></li></ol>',
        ),
        ("<p>a</p><p>b</p>", "<p>a</p><p /><p> </p><p>b</p>"),
        ("<p>a&#160;b</p>", "<p>a&nbsp;b</p>"),
        ("<p>a<br/>b</p>", "<p>a <br /> b<br /></p>"),
        ('<p><a href="h" title="t">x</a></p>', '<p><a title="t" href="h">x</a></p>'),
        ("<p><strong><em>a</em></strong></p>", "<p><em><strong>a</strong></em></p>"),
        ("<p><strong>ab</strong></p>", "<p><strong>a</strong><strong>b</strong></p>"),
        ("<p><strong>a</strong> b</p>", "<p><strong>a </strong>b</p>"),
        ("<p><b>a</b><i>b</i></p>", "<p><strong>a</strong><em>b</em></p>"),
        (
            '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Blue'
            '</ac:parameter><ac:parameter ac:name="title">X</ac:parameter></ac:structured-macro>',
            '<p><ac:structured-macro ac:name="status" ac:schema-version="1" ac:macro-id="m"'
            ' ac:local-id="l"><ac:parameter ac:name="title">X</ac:parameter>'
            '<ac:parameter ac:name="colour">Blue</ac:parameter></ac:structured-macro></p>',
        ),
        (
            "<p>an annotated word</p>",
            '<p>an <ac:inline-comment-marker ac:ref="c1">annotated</ac:inline-comment-marker>'
            " word</p>",
        ),
        (
            '<p><ac:link><ri:page ri:content-title="T"/><ac:plain-text-link-body>'
            "<![CDATA[go]]></ac:plain-text-link-body></ac:link></p>",
            '<p><ac:link><ri:page ri:content-title="T" ri:version-at-save="3"/>'
            "<ac:link-body>go</ac:link-body></ac:link></p>",
        ),
        ("<p><span>x</span></p>", "<p>x</p>"),
        ("<h2>t</h2>\n\n<p>x</p>\n", '<h2 local-id="a">t</h2><p local-id="b">x</p>'),
        (
            "<ac:task-list><ac:task><ac:task-id>20231220001</ac:task-id><ac:task-status>"
            "incomplete</ac:task-status><ac:task-body>x<ul><li>y</li></ul></ac:task-body>"
            "</ac:task></ac:task-list>",
            "<ac:task-list><ac:task><ac:task-id>7</ac:task-id><ac:task-status>incomplete"
            '</ac:task-status><ac:task-body>x<ul local-id="u"><li><p>y</p></li></ul>'
            "</ac:task-body></ac:task></ac:task-list>",
        ),
        (
            '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a ]]]]><![CDATA[>'
            "\n  b]]></ac:plain-text-body></ac:structured-macro>",
            '<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="m">'
            "<ac:plain-text-body><![CDATA[a ]]]]><![CDATA[>\n  b]]></ac:plain-text-body>"
            "</ac:structured-macro>",
        ),
        (
            '<ol start="4"><li>x</li></ol><hr/>',
            '<ol start="4" local-id="o"><li><p>x</p></li></ol><hr />',
        ),
        (
            "<p>see " + IMAGE + "</p>",
            '<p>see <ac:image ac:align="center" ac:layout="wide" ac:original-height="200"'
            ' ac:original-width="400" ac:custom-width="true" ac:local-id="l" ac:alt="chart"'
            ' ac:width="764"><ri:attachment ri:filename="image-1.png" ri:version-at-save="1" />'
            '<ac:adf-mark key="border" size="1" color="#091e4224" /></ac:image></p>',
        ),
    ],
)
def test_what_an_editor_writes_by_itself_is_no_edit(sent, stored):
    assert same(sent, stored)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<p>a b</p>", "<p>a c</p>"),
        ("<p>a b</p>", "<p>a b c</p>"),
        ("<p>a b</p>", "<p>a</p>"),
        ("<p>a b</p>", "<p>a <strong>b</strong></p>"),
        ('<p><a href="https://a">x</a></p>', '<p><a href="https://b">x</a></p>'),
        ('<p><a href="h">x</a></p>', '<p><a href="h" data-card-appearance="block">x</a></p>'),
        (
            "<table><tr><td>x</td></tr></table>",
            '<table><tr><td data-highlight-colour="#d9d9d9">x</td></tr></table>',
        ),
        ("<table><tr><td>x</td></tr></table>", '<table><tr><td colspan="2">x</td></tr></table>'),
        ("<ul><li>x</li></ul>", "<ol><li>x</li></ol>"),
        ("<ul><li>x</li><li>y</li></ul>", "<ul><li>x<ul><li>y</li></ul></li></ul>"),
        ("<ol><li>x</li></ol>", '<ol start="3"><li>x</li></ol>'),
        (
            "<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>x"
            "<ul><li>y</li></ul></ac:task-body></ac:task></ac:task-list>",
            "<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>x"
            "<ul><li>z</li></ul></ac:task-body></ac:task></ac:task-list>",
        ),
        ("<p>x</p>", "<p>x</p><hr/>"),
        (
            '<p><ac:link><ri:user ri:account-id="1"/></ac:link></p>',
            '<p><ac:link><ri:user ri:account-id="2"/></ac:link></p>',
        ),
        ('<p><time datetime="2023-12-20"/></p>', '<p><time datetime="2023-12-21"/></p>'),
        ("<p>x</p>", "<h3>x</h3>"),
        ("<p>x</p>", '<p style="text-align: center;">x</p>'),
        (
            '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a  b]]>'
            "</ac:plain-text-body></ac:structured-macro>",
            '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a b]]>'
            "</ac:plain-text-body></ac:structured-macro>",
        ),
        (
            "<p>" + IMAGE + "</p>",
            "<p>" + IMAGE.replace("image-1", "image-2") + "</p>",
        ),
        (
            "<p>" + IMAGE + "</p>",
            "<p>" + IMAGE.replace("chart", "a chart") + "</p>",
        ),
        (
            "<p>" + IMAGE + "</p>",
            "<p>" + IMAGE.replace("</ac:image>", CAPTION) + "</p>",
        ),
    ],
)
def test_a_change_a_reader_can_see_is_an_edit(before, after):
    assert not same(before, after)


@pytest.mark.parametrize("number", CLOUD_BODIES)
def test_real_cloud_bodies_read_the_same_after_another_save(number):
    (path,) = REAL.glob(f"{number}-*.xhtml")
    body = path.read_text(encoding="utf-8")
    assert same(body, saved_in_cloud_editor(body, seed=int(number)))


def test_every_real_body_reads_the_same_after_a_save_in_the_cloud_editor():
    for path in sorted(REAL.glob("*.xhtml")):
        body = path.read_text(encoding="utf-8")
        assert same(body, saved_in_cloud_editor(body)), path.name


def test_the_transform_stores_what_the_real_cloud_bodies_show():
    saved = saved_in_cloud_editor(
        "<ul><li>x</li></ul><ol><li>y</li></ol><table><tbody><tr><td>z</td></tr></tbody></table>"
    )
    assert re.search(
        r'<ul local-id="\w{12}"><li local-id="\w{12}"><p local-id="\w{12}">x</p>', saved
    )
    assert '<ol start="1" local-id=' in saved
    assert '<table data-table-width="760" data-layout="default" ac:local-id="' in saved
    assert re.search(r'<td ac:local-id="\w+"><p local-id="\w+">z</p></td>', saved)


@SETTINGS
@given(meetings, st.integers(1, 6), st.integers(0, 1000))
def test_a_cloud_editor_save_never_reads_as_an_edit(meeting, level, seed):
    section = render_meeting(meeting, level)
    assert same(section, saved_in_cloud_editor(section, seed))


@SETTINGS
@given(meetings, st.integers(0, 1000), st.sampled_from(["add", "change", "remove"]))
def test_any_one_word_change_always_reads_as_an_edit(meeting, seed, how):
    saved = saved_in_cloud_editor(render_meeting(meeting), seed)
    changed = one_word_changed(saved, random.Random(seed), how)
    if changed is not None:
        assert not same(saved, changed)


def one_word_changed(body: str, rng: random.Random, how: str) -> str | None:
    """``body`` with one word added, changed or removed in one of its text nodes (None when it
    has no word to change or remove)."""
    root = parse_fragment(body)
    slots = [
        (node, where)
        for node in root.iter()
        if isinstance(node.tag, str) and name_of(node) != "ac:parameter"
        for where in ("text", "tail")
        if visible(node, where)
    ]
    if how == "add":
        node, where = rng.choice(slots)
        setattr(node, where, (getattr(node, where) or "") + " zebra")
        return serialise(root)
    worded = [(n, w) for n, w in slots if re.search(r"\w", getattr(n, w) or "")]
    if not worded:
        return None
    node, where = rng.choice(worded)
    text = getattr(node, where)
    word = rng.choice(re.findall(r"\w+", text))
    setattr(node, where, text.replace(word, "" if how == "remove" else word + "q", 1))
    return serialise(root)


def visible(node: etree._Element, where: str) -> bool:
    """Whether text there is text a person can write: not beside a macro's parameters, in an
    empty element or between a list's items or a table's rows."""
    holder = node if where == "text" else node.getparent()
    return holder is not None and name_of(holder) not in STRUCTURE


def serialise(root: etree._Element) -> str:
    whole = etree.tostring(root, encoding="unicode")
    return whole[whole.index(">") + 1 : -len("</root>")]
