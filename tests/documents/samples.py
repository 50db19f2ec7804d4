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


ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
)
SCRIPT_NS = 'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'
BASIC_MODULE = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
    b'script:language="StarBasic">Sub Main\n  Shell("cmd.exe /c calc")\nEnd Sub</script:module>'
)
ON_LOAD = (
    '<office:event-listeners><script:event-listener script:language="ooo:script" '
    'script:event-name="dom:load" xlink:type="simple" '
    'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
    '</office:event-listeners>'
)


def odf(mimetype: str, *, scripts: str = "", body: str = "", extra: dict | None = None,
        manifest_extra: str = "", namespaces: str = SCRIPT_NS) -> bytes:
    """A minimal OpenDocument file as LibreOffice writes it: `mimetype` stored first, the
    namespaces declared, `<office:scripts/>` present (and empty unless `scripts` fills it)."""
    kind = "spreadsheet" if mimetype == ODS_TYPE else "text"
    body = body or ("<table:table table:name=\"Feuille1\"/>" if kind == "spreadsheet"
                    else "<text:p>Bonjour</text:p>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}{namespaces} '
        f'office:version="1.3"><office:scripts>{scripts}</office:scripts>'
        f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        f"{manifest_extra}</manifest:manifest>"
    )
    return _zip({"mimetype": mimetype.encode(), "content.xml": content.encode(),
                 "META-INF/manifest.xml": manifest.encode(), **(extra or {})}, stored_first="mimetype")


def odt(**hostile) -> bytes:
    return odf(ODT_TYPE, **hostile)


def ods(**hostile) -> bytes:
    return odf(ODS_TYPE, **hostile)


def odt_with_basic_macro() -> bytes:
    """What LibreOffice saves for a document with a StarBasic module run at opening."""
    return odt(scripts=ON_LOAD, extra={
        "Basic/script-lc.xml": b'<library:libraries xmlns:library="http://openoffice.org/2000/library"/>',
        "Basic/Standard/script-lb.xml": b'<library:library xmlns:library="http://openoffice.org/2000/library"/>',
        "Basic/Standard/Module1.xml": BASIC_MODULE,
    }, manifest_extra=(
        '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
    ))


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"bonjour"})
