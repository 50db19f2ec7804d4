"""Refusing OpenDocument files (ODT, ODS) that carry macros.

An ODF file keeps its macros in `Basic/` (StarBasic libraries), `Scripts/` (Python, JavaScript,
BeanShell) and `Dialogs/`, lists them in `META-INF/manifest.xml`, and binds them to events with
`script:event-listener` elements or `vnd.sun.star.script:` / `macro:` addresses (document
events, form controls, links, toolbars). Any of these is refused, as OOXML macros are.

The XML parts are parsed, namespace-aware (a prefix other than `script:` names the same
namespace), from a bounded amount of decompressed bytes, and a DTD (the door to entity
expansion) is refused: an ODF part never has one.
"""
import io
import zipfile
from xml.parsers import expat

from app.documents.refusal import FileRefused

SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
PRESENTATION_NS = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
MANIFEST_PATH = f"{MANIFEST_NS} full-path"
MANIFEST = "META-INF/manifest.xml"
MACRO_FOLDERS = ("basic/", "scripts/", "dialogs/")
MACRO_URLS = ("vnd.sun.star.script:", "macro:")
# Decompressed XML read in all: a 20 MB upload of real text stays far below it.
MAX_XML_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024


class _Macro(Exception):
    """Found a macro or a binding to one; the argument says where."""


class _Encrypted(Exception):
    """The manifest says the parts are encrypted: they cannot be read, so not be checked."""


class _Broken(Exception):
    """An XML part does not parse, or has a DTD."""


def check_no_macros(data: bytes, label: str) -> None:
    """`label` is "ODT" or "ODS"; raise FileRefused if the document holds or calls macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
    except _Encrypted:
        raise FileRefused(
            f"Ce document {label} est protégé par un mot de passe\u00a0: enregistrez-le sans "
            "protection, puis recommencez."
        ) from None
    except _Macro:
        raise FileRefused(
            "Ce document contient des macros (des scripts), qui ne sont pas acceptées\u00a0: "
            "supprimez-les (dans LibreOffice, Outils > Macros > Gérer les macros) ou exportez "
            "le document en PDF, puis déposez-le à nouveau."
        ) from None
    except FileRefused:
        raise
    except Exception:  # zipfile, zlib and expat errors, a CRC mismatch: all mean "damaged"
        raise FileRefused(
            f"Ce document {label} est illisible ou endommagé\u00a0: ouvrez-le dans LibreOffice, "
            "enregistrez-le à nouveau, puis recommencez."
        ) from None


def _check_archive(archive: zipfile.ZipFile) -> None:
    budget = MAX_XML_BYTES
    # The manifest first: it says whether the other parts are encrypted (hence unreadable).
    for info in sorted(archive.infolist(), key=lambda info: info.filename != MANIFEST):
        name = info.filename.lower()
        if name.startswith(MACRO_FOLDERS):
            raise _Macro(info.filename)
        if name.endswith(".xml") and not info.is_dir():
            budget = _check_xml(archive, info, budget)


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Parse one part, in chunks; return what is left of the budget."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = _check_element
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            budget -= len(chunk)
            if budget < 0:
                raise FileRefused(
                    "Ce document est trop volumineux une fois décompressé pour être vérifié\u00a0: "
                    "déposez-le en PDF."
                )
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return budget


def _refuse_dtd(*args) -> None:
    raise _Broken("DTD")


def _check_element(name: str, attributes: dict) -> None:
    namespace, _, local = name.rpartition(" ")
    if namespace == SCRIPT_NS:  # script:event-listener, and nothing else lives there
        raise _Macro(name)
    if namespace == OFFICE_NS and local == "script":  # inline code (office:scripts stays empty)
        raise _Macro(name)
    if namespace == PRESENTATION_NS and local == "event-listener":
        raise _Macro(name)
    if namespace == MANIFEST_NS and local == "encryption-data":
        raise _Encrypted()
    for attribute, value in attributes.items():
        if attribute.startswith(SCRIPT_NS + " "):  # script:language, script:event-name
            raise _Macro(attribute)
        value = value.strip().lower()
        if value.startswith(MACRO_URLS):
            raise _Macro(value[:80])
        if attribute == MANIFEST_PATH and value.startswith(MACRO_FOLDERS):
            raise _Macro(value[:80])
