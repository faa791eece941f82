"""Inline comments on a section rewritten from the doc stay on their words, or are named."""

import datetime as dt

from syncer.comments import anchored, comments_in
from syncer.merge import Rendered, merge_page
from syncer.model import ItemList, Meeting, Text, Topic
from syncer.reading import reader_form_text
from syncer.render import render_meeting
from syncer.status import Status
from syncer.xhtml import parse_fragment

D = dt.date(2023, 12, 13)


def marker(ref: str, text: str) -> str:
    return f'<ac:inline-comment-marker ac:ref="{ref}">{text}</ac:inline-comment-marker>'


def test_comments_are_read_with_their_words_and_which_occurrence_they_mark():
    section = list(
        parse_fragment(f"<p>a b a {marker('c1', 'a')} <strong>{marker('c2', 'x')}</strong></p>")
    )
    found = comments_in(section)
    assert [(c.ref, c.words, c.occurrence) for c in found] == [("c1", "a", 2), ("c2", "x", 0)]


def test_a_comment_is_put_back_around_the_same_words_even_across_marks():
    old = list(
        parse_fragment(
            f"<p>{marker('c1', 'annotated')} <strong>{marker('c1', 'words')}</strong></p>"
        )
    )
    (comment,) = comments_in(old)
    new = list(parse_fragment("<p>new text with annotated <strong>words</strong> kept</p>"))
    text, lost = anchored(new, [comment])
    assert lost == []
    assert text == (
        f"<p>new text with {marker('c1', 'annotated ')}<strong>{marker('c1', 'words')}</strong>"
        " kept</p>"
    )


def test_nested_comments_nest_again():
    old = list(parse_fragment(f"<p>x {marker('out', 'there are ' + marker('in', 'two'))} y</p>"))
    comments = comments_in(old)
    text, lost = anchored(list(parse_fragment("<p>now there are two</p>")), comments)
    assert lost == [] and text.count("ac:inline-comment-marker ac:ref=") == 2
    assert text == f"<p>now {marker('out', 'there are ' + marker('in', 'two'))}</p>"


def test_a_comment_whose_words_are_gone_is_lost():
    (comment,) = comments_in(list(parse_fragment(f"<p>{marker('c1', 'gone')}</p>")))
    text, lost = anchored(list(parse_fragment("<p>other</p>")), [comment])
    assert text == "<p>other</p>" and lost == [comment]


def topic(text: str) -> Meeting:
    return Meeting(D, (ItemList((Topic((Text(text),)),)),))


def test_a_commented_section_follows_the_doc_and_keeps_its_comment():
    first = merge_page(
        "",
        {
            D: Rendered.of(
                render_meeting(topic("keep annotated words")), topic("keep annotated words")
            )
        },
        {},
    )
    commented = first.body.replace("annotated words", marker("c9", "annotated words"))
    later = topic("keep annotated words, and more")
    second = merge_page(
        commented, {D: Rendered.of(render_meeting(later), later)}, first.state, version=2
    )
    assert [d.status for d in second.decisions] == [Status.UPDATED]
    assert marker("c9", "annotated words") in second.body and "and more" in second.body
    assert second.notes == ()
    assert reader_form_text(second.body) == reader_form_text(render_meeting(later))


def test_the_plan_names_a_comment_that_loses_its_place():
    first = merge_page(
        "", {D: Rendered.of(render_meeting(topic("annotated words")), topic("annotated words"))}, {}
    )
    commented = first.body.replace("annotated words", marker("c9", "annotated words"))
    later = topic("rewritten")
    second = merge_page(
        commented, {D: Rendered.of(render_meeting(later), later)}, first.state, version=2
    )
    assert second.notes == (
        "the comment on 'annotated words' in 2023-12-13 loses its place: its words are no longer"
        " there",
    )
    assert "ac:inline-comment-marker" not in second.body
