"""Images are decoded in full: a PNG or JPEG signature in front of something else is refused."""
import struct
import zlib

import pytest

from app.documents import files, images
from app.documents.files import FileRefused
from tests.documents import samples

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize("data, name", [
    (samples.png(), "plan.png"),
    (samples.png(40, 30), "plan.png"),
    (samples.jpeg(), "photo.jpg"),
    (samples.jpeg(progressive=True), "photo.jpeg"),
    (samples.jpeg() + b"\x00" * 16, "photo.jpg"),  # zero padding after the end, as some cameras write
], ids=["png-1x1", "png-40x30", "jpeg", "jpeg-progressive", "jpeg-zero-padded"])
def test_a_real_image_is_accepted(data, name):
    assert files.inspect(data, name, LIMIT).content_type in (files.PNG, files.JPEG)


@pytest.mark.parametrize("data, name", [
    (samples.png() + samples.HTML, "plan.png"),
    (samples.jpeg() + samples.HTML, "photo.jpg"),
    (samples.jpeg() + b"\xff\xd8" + samples.HTML, "photo.jpg"),
], ids=["html-after-png-iend", "html-after-jpeg-eoi", "second-jpeg-start-then-html"])
def test_data_after_the_end_of_the_image_is_refused(data, name):
    with pytest.raises(FileRefused, match="est suivie d'autres données après sa fin"):
        files.inspect(data, name, LIMIT)


@pytest.mark.parametrize("data, name", [
    (b"\x89PNG\r\n\x1a\n" + samples.HTML, "page.png"),
    (b"\xff\xd8\xff\xe0" + samples.HTML, "page.jpg"),
    (samples.png(40, 30)[:-30], "plan.png"),                      # cut inside the image data
    (samples.png(40, 30)[:-12], "plan.png"),                      # IEND missing
    (samples.jpeg()[:-2], "photo.jpg"),                           # end marker missing
    (samples.jpeg()[:len(samples.jpeg()) // 2], "photo.jpg"),     # cut in the middle
    (samples.png(40, 30, pixels=zlib.compress(b"\x00\xff")), "plan.png"),  # too few pixels
    (samples.png().replace(b"IDAT", b"IDAt"), "plan.png"),        # CRC no longer matches
], ids=["png-signature-then-html", "jpeg-signature-then-html", "png-truncated-in-data",
        "png-without-iend", "jpeg-without-eoi", "jpeg-cut-in-half", "png-short-pixels", "png-bad-crc"])
def test_an_image_that_does_not_decode_is_refused(data, name):
    with pytest.raises(FileRefused, match="est illisible, incomplète ou endommagée"):
        files.inspect(data, name, LIMIT)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a canvas of `width` × `height` and holds almost nothing: a bomb."""
    return samples.png(width, height, pixels=zlib.compress(b"\x00" * 64))


@pytest.mark.parametrize("width, height", [
    (8000, 8000),    # 64 million pixels: above the limit, where Pillow only warns
    (20000, 20000),  # 400 million: above twice the limit, where Pillow raises
    (1, 60_000_000),
])
def test_a_decompression_bomb_is_refused_before_decoding(width, height):
    with pytest.raises(FileRefused, match="Cette image est trop grande"):
        files.inspect(_png_header_only(width, height), "plan.png", LIMIT)


def test_the_pixel_limit_is_the_one_pillow_enforces():
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 50_000_000


def test_an_animated_png_is_refused():
    with pytest.raises(FileRefused, match="Les images animées ou à plusieurs vues"):
        files.inspect(samples.animated_png(), "anim.png", LIMIT)


def test_the_png_chunks_are_walked_to_iend():
    data = samples.png(3, 2)
    assert images.png_end(data) == len(data)
    text = struct.pack(">I", 4) + b"tEXt" + b"a\x00bc" + struct.pack(">I", zlib.crc32(b"tEXta\x00bc"))
    with_text = data[:33] + text + data[33:]  # a text chunk between IHDR and IDAT
    assert images.png_end(with_text) == len(with_text)


def test_the_jpeg_segments_are_walked_to_the_end_marker():
    for data in (samples.jpeg(), samples.jpeg(progressive=True)):
        assert images.jpeg_end(data) == len(data)
        assert images.jpeg_end(data + samples.HTML) == len(data)


def test_the_check_leaves_weasyprints_pillow_setting_as_it_found_it():
    """WeasyPrint (imported with the application) lets Pillow load truncated images; uploads
    are decoded strictly all the same (png-short-pixels above), and the setting is put back."""
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(FileRefused):
        files.inspect(samples.png(40, 30, pixels=zlib.compress(b"\x00\xff")), "plan.png", LIMIT)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
