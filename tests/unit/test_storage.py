from pathlib import Path

import pytest

from syncer.errors import PageError
from syncer.xhtml import canonical_v1, element_spans, numeric_entities, parse_fragment

PAGE = (Path(__file__).parents[1] / "data" / "confluence-page.xhtml").read_text(encoding="utf-8")


def test_element_spans_are_where_lxml_finds_the_same_elements():
    spans = element_spans(PAGE)
    nodes = [node for node in parse_fragment(PAGE).iter()][1:]
    assert len(spans) == len(nodes)
    for span, node in zip(spans, nodes, strict=True):
        tag = PAGE[span.start : span.inner_start]
        assert tag.startswith("<") and node.tag.rpartition("}")[2] in tag.split()[0]
        assert PAGE[span.inner_end : span.end] in ("", f"</{tag[1:].split()[0].rstrip('/>')}>")


def test_a_self_closing_element_has_no_content():
    (span,) = element_spans("x<br/>y")
    assert (span.start, span.end, span.inner_start, span.inner_end) == (1, 6, 6, 6)


@pytest.mark.parametrize("body", ["<p>open", "<p>x</p></ul>"])
def test_a_body_that_is_not_well_formed_is_an_error_not_a_guess(body):
    with pytest.raises(PageError):
        element_spans(body)


def test_named_entities_become_numeric_but_cdata_is_left_alone():
    raw = "<p>a&nbsp;b&rsquo;&amp;</p><![CDATA[&nbsp;]]>"
    assert numeric_entities(raw) == "<p>a&#160;b&#8217;&amp;</p><![CDATA[&nbsp;]]>"


def test_the_whole_confluence_page_parses_with_its_namespaces():
    root = parse_fragment(PAGE)
    assert root.find(".//{*}task-body").text == "Dave to make issue in configuration repo"
    assert "&nbsp; stays literal" in "".join(root.itertext())


def test_the_first_form_is_what_the_first_releases_hashed():
    nodes = list(parse_fragment('<h2 local-id="1">2023-12-20</h2>\n<p data-x="y">a  b</p>'))
    assert canonical_v1(nodes) == "<root[]><h2[]>2023-12-20</h2><p[]>a b</p></root>"


def test_a_fragment_lxml_rejects_is_a_page_error():
    with pytest.raises(PageError, match="not well-formed"):
        parse_fragment("<p a=1>x</p>")
