"""Images named by their bytes: each source read once, the same picture the same name, what
cannot be carried left out and counted, and nothing else in a meeting touched."""

import base64
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syncer.errors import MissingImage
from syncer.images import ImageReader
from syncer.model import Image, ItemList, Meeting, Paragraph, Text, Topic
from syncer.render import render_meeting

PNG = b"\x89PNG\r\n\x1a\n"
DAY = dt.date(2023, 12, 20)


def meeting(*inlines) -> Meeting:
    topic = Topic((Text("[inform] see "), *inlines), tags=("inform",))
    return Meeting(DAY, (ItemList((topic,)), Paragraph((Text("after"),))))


def images_of(found: Meeting) -> list[Image]:
    return [i for i in found.blocks[0].items[0].inlines if isinstance(i, Image)]


class Store:
    """Image bytes by where they are, and how often each was asked for."""

    def __init__(self, **files: bytes) -> None:
        self.files, self.asked = files, []

    def __call__(self, where: str) -> tuple[bytes, str | None]:
        self.asked.append(where)
        if where not in self.files:
            raise MissingImage(f"no {where}")
        return self.files[where], None


def test_an_image_is_named_by_its_bytes_and_read_once():
    store = Store(a=PNG + b"1", b=PNG + b"1", c=PNG + b"2")
    reader = ImageReader(store, limit=1000)
    (first, second) = reader.meetings(
        [meeting(Image("a"), Image("a"), Image("b")), meeting(Image("c"))]
    )
    a1, a2, b = images_of(first)
    assert a1.name == a2.name == b.name  # the same bytes are the same file
    assert a1.name.startswith("image-") and a1.name.endswith(".png")
    assert images_of(second)[0].name != a1.name
    assert store.asked == ["a", "b", "c"]
    files = reader.attachments([first, second])
    assert sorted(f.data for f in files) == [PNG + b"1", PNG + b"2"]  # each file once
    assert {f.media_type for f in files} == {"image/png"}


@pytest.mark.parametrize(
    ("data", "declared", "extension", "media_type"),
    [
        (PNG + b"x", None, "png", "image/png"),
        (b"\xff\xd8\xff\xe0x", "application/octet-stream", "jpg", "image/jpeg"),
        (b"GIF89a...", None, "gif", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", None, "webp", "image/webp"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', None, "svg", None),
        (b"???", "image/png", "png", "image/png"),
        (b"???", None, "bin", "application/octet-stream"),
    ],
)
def test_the_bytes_say_what_an_image_is_before_the_source_does(
    data, declared, extension, media_type
):
    reader = ImageReader(lambda where: (data, declared), limit=1000)
    (found,) = reader.meetings([meeting(Image("x"))])
    (file,) = reader.attachments([found])
    assert file.name.endswith("." + extension)
    assert file.media_type == (media_type or "image/svg+xml")


def test_a_data_uri_is_read_without_asking_the_source():
    store = Store()
    uri = "data:image/png;base64," + base64.b64encode(PNG + b"z").decode()
    reader = ImageReader(store, limit=1000)
    (found,) = reader.meetings([meeting(Image(uri))])
    assert images_of(found)[0].name and store.asked == []
    assert reader.attachments([found])[0].data == PNG + b"z"


def test_a_data_uri_that_cannot_be_read_is_left_out_and_said_so():
    reader = ImageReader(Store(), limit=1000)
    (found,) = reader.meetings([meeting(Image("data:image/png;base64,@@@"))])
    assert images_of(found) == []
    assert reader.notes() == ("1 image whose data: URI cannot be read left out",)


def test_what_cannot_be_carried_is_left_out_counted_and_the_words_stay():
    store = Store(big=PNG + b"\0" * 2000, ok=PNG)
    reader = ImageReader(store, limit=1024)
    (found,) = reader.meetings([meeting(Image("big"), Image("gone"), Image("ok"))])
    assert [i.source for i in images_of(found)] == ["ok"]
    assert "see" in render_meeting(found) and "after" in render_meeting(found)
    assert reader.notes() == (
        "1 image over [target] max_image_mb (0.000976562 MB) left out",
        "1 image the export refers to but does not hold left out",
    )


def test_a_meeting_without_images_is_returned_as_the_same_object():
    plain = meeting(Text("no pictures"))
    reader = ImageReader(Store(), limit=1000)
    assert reader.meetings([plain])[0] is plain
    assert reader.attachments([plain]) == ()


@given(st.lists(st.sampled_from(["a", "b", "gone"]), max_size=6))
def test_every_image_kept_is_named_and_every_word_is_kept(sources):
    store = Store(a=PNG + b"a", b=PNG + b"b")
    reader = ImageReader(store, limit=1000)
    inlines = [Image(s) for s in sources]
    (found,) = reader.meetings([meeting(*inlines, Text(" end"))])
    kept = images_of(found)
    assert [i.source for i in kept] == [s for s in sources if s != "gone"]
    assert all(i.name for i in kept)
    words = [i.text for i in found.blocks[0].items[0].inlines if isinstance(i, Text)]
    assert words == ["[inform] see ", " end"]
    names = {f.name for f in reader.attachments([found])}
    assert names == {i.name for i in kept}
