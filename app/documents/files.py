"""Checking an uploaded file before anything is stored: size, name, and real type.

The type is read from the content (magic bytes, and the inside of ZIP-based office files),
never trusted from the browser's Content-Type or the extension; the extension must then
agree with what the content is. Then the content itself is checked: a PDF opens and has no
active content (pdfs.py), an image decodes fully with nothing after its end (images.py), an
OpenDocument file has no macros (opendocument.py), an OOXML file no VBA project (below).
Every refusal is a FileRefused (a DomainError) with a French message.
"""
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from app.core.formatting import number_fr
from app.documents.images import check_image
from app.documents.opendocument import check_no_macros
from app.documents.pdfs import check_pdf
from app.documents.refusal import FileRefused

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

# Detected type → the extensions a file of that type may carry, and its name in messages.
FORMATS = {
    PDF: (("pdf",), "PDF"),
    ODT: (("odt",), "ODT"),
    DOCX: (("docx",), "DOCX"),
    ODS: (("ods",), "ODS"),
    XLSX: (("xlsx",), "XLSX"),
    PNG: (("png",), "PNG"),
    JPEG: (("jpg", "jpeg"), "JPEG"),
}
ACCEPTED = ", ".join(label for _, label in FORMATS.values())
EXTENSIONS = {ext for extensions, _ in FORMATS.values() for ext in extensions}

# Characters Windows refuses in a name, and the quote that would end a header value.
_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
MAX_NAME = 255


@dataclass(frozen=True)
class Upload:
    """A file that passed every check, ready to be stored."""

    data: bytes
    filename: str
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def taille_fr(size: int | None) -> str:
    """1,5 Mo — 12 ko — 300 octets (units of 1024, as file managers show them)."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{number_fr(size)} octet{'s' if size > 1 else ''}"
    if size < 1024 * 1024:
        return f"{number_fr(round(size / 1024, 1))} ko"
    return f"{number_fr(round(size / (1024 * 1024), 1))} Mo"


def format_label(content_type: str) -> str:
    """PDF, DOCX… — the name users know a format by."""
    return FORMATS.get(content_type, ((), content_type))[1]


def accepted_formats_hint(max_bytes: int) -> str:
    return f"Formats acceptés\u00a0: {ACCEPTED}. Taille maximale\u00a0: {taille_fr(max_bytes)}."


def too_large_message(max_bytes: int) -> str:
    return f"Le fichier dépasse la taille maximale de {taille_fr(max_bytes)}."


def inspect(source, filename: str | None, max_bytes: int) -> Upload:
    """Read `source` (bytes or a werkzeug FileStorage) and check it; raise DomainError if refused."""
    data = read_limited(source, max_bytes)
    name = safe_filename(filename if filename is not None else getattr(source, "filename", None))
    content_type = detect_type(data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    extensions, label = FORMATS[content_type]
    if extension not in extensions:
        expected = " ou ".join(f".{ext}" for ext in extensions)
        raise FileRefused(
            f"Le contenu du fichier est au format {label}, mais son nom se termine par "
            f"«\u00a0.{extension}\u00a0»\u00a0: renommez-le en {expected} ou déposez le bon fichier."
            if extension else
            f"Le nom du fichier n'a pas d'extension\u00a0: le contenu est au format {label}, "
            f"renommez-le en {expected}."
        )
    if content_type == PDF:
        check_pdf(data)
    elif content_type in (PNG, JPEG):
        check_image(data, label)
    elif content_type in (ODT, ODS):
        check_no_macros(data, label)
    return Upload(data, name, content_type, hashlib.sha256(data).hexdigest())


def read_limited(source, max_bytes: int) -> bytes:
    """The bytes, never reading more than one byte past the limit."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        stream = getattr(source, "stream", source)
        data = stream.read(max_bytes + 1)
    if not data:
        raise FileRefused("Le fichier est vide.")
    if len(data) > max_bytes:
        raise FileRefused(too_large_message(max_bytes))
    return data


def safe_filename(filename: str | None) -> str:
    """The name shown and offered at download. It never becomes a path on disk; still, a
    name with a path or control characters is a trick, not a file name: it is refused."""
    if filename is None or not filename.strip():
        raise FileRefused("Le fichier n'a pas de nom\u00a0: choisissez un fichier à déposer.")
    name = unicodedata.normalize("NFC", filename).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise FileRefused(
            "Le nom du fichier contient des caractères invisibles ou de contrôle\u00a0: "
            "renommez-le avec des lettres, chiffres et tirets, puis recommencez."
        )
    if "/" in name or "\\" in name or name.startswith("."):
        raise FileRefused(
            "Le nom du fichier ne doit contenir ni chemin («\u00a0/\u00a0», «\u00a0\\\u00a0», «\u00a0..\u00a0») ni commencer "
            "par un point\u00a0: renommez-le, par exemple «\u00a0deliberation-2024.pdf\u00a0», puis recommencez."
        )
    name = _SPACES.sub(" ", _RESERVED.sub("_", name))
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_NAME - len(dot + extension)
        name = (stem[:keep] + dot + extension) if dot and keep > 0 else name[:MAX_NAME]
    if not name.rsplit(".", 1)[0].strip(" _"):
        raise FileRefused("Le nom du fichier ne contient aucun caractère utilisable\u00a0: renommez-le.")
    return name


def detect_type(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        detected = _office_type(data)
        if detected:
            return detected
    raise FileRefused(
        f"Le contenu de ce fichier n'est pas d'un format accepté ({ACCEPTED}). "
        "Enregistrez-le dans l'un de ces formats (un PDF de préférence), puis recommencez."
    )


def _office_type(data: bytes) -> str | None:
    """ODF names its type in a `mimetype` entry; OOXML has its parts in word/ or xl/.
    Only the directory and one tiny entry are read: nothing else is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            return mimetype if mimetype in (ODT, ODS) else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused(
            "Ce document contient des macros, qui ne sont pas acceptées\u00a0: enregistrez-le "
            "sans macros (.docx ou .xlsx) ou en PDF, puis recommencez."
        )
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None
