"""Checking an uploaded PNG or JPEG by decoding it, not by its first bytes.

A signature followed by anything passes a magic-byte test: an HTML page after the PNG `IEND`
chunk or the JPEG end marker is still "an image" to the eye and to Pillow, and a page to whoever
opens the bytes as HTML. So an image is accepted only if Pillow reads it as the declared format,
decodes every pixel of it, and nothing follows its end marker. A tiny file that declares a
huge canvas (a decompression bomb) is refused before any pixel is decoded.
"""
import io
import threading
import warnings
from contextlib import contextmanager

from PIL import Image, ImageFile

from app.documents.refusal import FileRefused

# 50 million pixels: an A4 scan at 600 dpi is 35, a 48-megapixel phone photo fits; decoded in
# RGB it is 150 MB of memory, which two workers can afford. Pillow reads its limit from this
# module global (a warning above it, an error above twice it): set once for the process.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_STRICT = threading.Lock()


class _Damaged(Exception):
    """The structure of the file is broken (truncated, or a chunk or segment out of bounds)."""


def check_image(data: bytes, label: str) -> None:
    """`label` is "PNG" or "JPEG", the type read from the magic bytes; raise FileRefused if the
    content is not one clean image of that format."""
    unreadable = FileRefused(
        f"Cette image {label} est illisible, incomplète ou endommagée\u00a0: ouvrez-la dans un "
        "logiciel d'images, enregistrez-la à nouveau, puis recommencez."
    )
    try:
        end = png_end(data) if label == "PNG" else jpeg_end(data)
        _decode(data, label)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError… on a broken file
        raise unreadable from None
    if data[end:].strip(b"\x00"):  # some cameras pad with zeros; anything else is a payload
        raise FileRefused(
            f"Cette image {label} est suivie d'autres données après sa fin, qui ne sont pas "
            "acceptées\u00a0: ouvrez-la dans un logiciel d'images, enregistrez-la à nouveau, "
            "puis recommencez."
        )


@contextmanager
def _truncated_images_refused():
    """WeasyPrint, once imported, sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True:
    `load()` would then pad a cut image with grey instead of failing. It is False only while an
    upload is decoded, then put back. A PDF rendered in another thread at that instant would
    refuse a truncated image of its own: the conventions use none (fonts only)."""
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(data: bytes, label: str) -> None:
    # The bomb warning becomes an error here; the explicit size check below does not depend
    # on the warnings filter (which another thread could be changing at the same moment).
    with _truncated_images_refused(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=[label]) as image:
            _check_kind(image, label)
            image.verify()  # PNG: every chunk's CRC; JPEG: little, hence the load below
        # verify() leaves the image unusable: a new one is opened and every pixel decoded.
        with Image.open(io.BytesIO(data), formats=[label]) as image:
            image.load()


def _check_kind(image, label: str) -> None:
    if image.format != label:  # a JPEG holding several views opens as "MPO"
        raise FileRefused(
            f"Ce fichier commence comme une image {label} mais son contenu est au format "
            f"{image.format}\u00a0: enregistrez-le comme une seule image {label}, puis recommencez."
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_large()
    if getattr(image, "n_frames", 1) > 1:
        raise FileRefused(
            "Les images animées ou à plusieurs vues ne sont pas acceptées\u00a0: enregistrez "
            "une seule image fixe (ou un PDF), puis recommencez."
        )


def _too_large() -> FileRefused:
    return FileRefused(
        f"Cette image est trop grande\u00a0: au plus {MAX_PIXELS // 1_000_000} millions de "
        "pixels. Réduisez sa définition ou déposez-la en PDF, puis recommencez."
    )


def png_end(data: bytes) -> int:
    """The offset just past the `IEND` chunk, walking the chunks by their lengths."""
    if not data.startswith(PNG_SIGNATURE):
        raise _Damaged("signature")
    position = len(PNG_SIGNATURE)
    while True:
        if position + 12 > len(data):
            raise _Damaged("tronqué")
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        position += 12 + length  # length, type, body, CRC
        if position > len(data):
            raise _Damaged("tronqué")
        if kind == b"IEND":
            return position


def jpeg_end(data: bytes) -> int:
    """The offset just past the end-of-image marker, walking the segments by their lengths and
    the entropy-coded data of each scan (where 0xFF is followed by 0x00 or a restart marker)."""
    if not data.startswith(b"\xff\xd8"):
        raise _Damaged("signature")
    position = 2
    try:
        while True:
            if data[position] != 0xFF:
                raise _Damaged("segment")
            while data[position] == 0xFF:  # fill bytes before a marker
                position += 1
            marker = data[position]
            position += 1
            if marker == 0xD9:  # EOI
                return position
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
                continue
            length = int.from_bytes(data[position:position + 2], "big")
            if length < 2 or position + length > len(data):
                raise _Damaged("segment")
            position += length
            if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
                position = _scan_end(data, position)
    except IndexError:
        raise _Damaged("tronqué") from None


def _scan_end(data: bytes, position: int) -> int:
    while True:
        position = data.index(b"\xff", position)  # ValueError if no marker follows: truncated
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2  # a stuffed 0xFF or a restart marker: still in the scan
        elif following == 0xFF:
            position += 1
        else:
            return position
