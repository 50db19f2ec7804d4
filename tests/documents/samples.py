"""Small real files of each accepted format, built in memory, and hostile ones built the same way."""
import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 1, height: int = 1, pixels: bytes | None = None) -> bytes:
    """A valid white RGB PNG (1×1 unless told); `pixels` replaces the compressed image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    if pixels is None:
        pixels = zlib.compress((b"\x00" + b"\xff\xff\xff" * width) * height)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def jpeg(progressive: bool = False) -> bytes:
    """A real 48×48 JPEG, encoded by Pillow (with a restart interval, as cameras write them)."""
    out = io.BytesIO()
    image = Image.merge("RGB", [Image.linear_gradient("L").resize((48, 48))] * 3)
    image.save(out, "JPEG", quality=85, progressive=progressive, restart_marker_blocks=1)
    return out.getvalue()


def animated_png() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (4, 4), colour) for colour in ("white", "black")]
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _zip(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first),
                             compress_type=zipfile.ZIP_STORED)
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(extra: dict | None = None) -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b"<Relationships/>",
                 "word/document.xml": b"<w:document/>", **(extra or {})})


def xlsx() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})


def odf(mimetype: str) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>",
                 "META-INF/manifest.xml": b"<manifest:manifest/>"}, stored_first="mimetype")


def odt() -> bytes:
    return odf("application/vnd.oasis.opendocument.text")


def ods() -> bytes:
    return odf("application/vnd.oasis.opendocument.spreadsheet")


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"bonjour"})
