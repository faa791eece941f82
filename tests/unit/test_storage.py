from pathlib import Path

import pytest

from syncer.errors import PageError
from syncer.storage import canonical, digest, numeric_entities, parse_fragment, segments

PAGE = (Path(__file__).parents[1] / "data" / "confluence-page.xhtml").read_text(encoding="utf-8")


def test_segments_are_the_body_cut_at_top_level_elements():
    parts = segments(PAGE)
    assert "".join(part.raw for part in parts) == PAGE
    assert [p.tag for p in parts][:4] == ["h1", "h2", "ul", "h2"]
    assert "ac:task-list" in [p.tag for p in parts]


def test_text_before_the_first_element_is_kept_as_its_own_segment():
    parts = segments("  hello <p>x</p>")
    assert [(p.raw, p.tag) for p in parts] == [("  hello ", ""), ("<p>x</p>", "p")]


@pytest.mark.parametrize("body", ["<p>open", "<p>x</p></ul>", "<ul><li>x</ul>"])
def test_a_body_that_is_not_well_formed_is_an_error_not_a_guess(body):
    with pytest.raises(PageError):
        segments(body)


def test_named_entities_become_numeric_but_cdata_is_left_alone():
    raw = "<p>a&nbsp;b&rsquo;&amp;</p><![CDATA[&nbsp;]]>"
    assert numeric_entities(raw) == "<p>a&#160;b&#8217;&amp;</p><![CDATA[&nbsp;]]>"


def test_the_whole_confluence_page_parses_with_its_namespaces():
    root = parse_fragment(PAGE)
    assert root.find(".//{*}task-body").text == "Dave to make issue in configuration repo"
    assert "&nbsp; stays literal" in "".join(root.itertext())


def test_canonical_form_ignores_what_confluence_rewrites_on_save():
    sent = (
        '<p>a <ac:structured-macro ac:name="status">'
        '<ac:parameter ac:name="title">X</ac:parameter></ac:structured-macro></p>'
    )
    saved = (
        '<p>a  <ac:structured-macro ac:name="status" ac:schema-version="1" ac:macro-id="9f">'
        '<ac:parameter ac:name="title">X</ac:parameter></ac:structured-macro></p>\n'
    )
    assert canonical(sent) == canonical(saved)
    assert digest(canonical(sent)) == digest(canonical(saved))


def test_canonical_form_still_sees_a_changed_word_or_mark():
    assert canonical("<p>a b</p>") != canonical("<p>a c</p>")
    assert canonical("<p>a b</p>") != canonical("<p>a <strong>b</strong></p>")
    assert canonical("<p>a&nbsp;b</p>") == canonical("<p>a b</p>")


def test_a_fragment_lxml_rejects_is_a_page_error():
    with pytest.raises(PageError, match="not well-formed"):
        canonical("<p a=1>x</p>")
