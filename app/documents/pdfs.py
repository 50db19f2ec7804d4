"""Checking an uploaded PDF: it must open, and carry no active content.

Active content is refused, not stripped: a délibération or a signed convention is kept as its
author sent it, and a stripped copy would no longer be that file. What is refused: JavaScript
(document scripts, actions of links, pages, form fields, the opening action), actions that
launch a program or import data, embedded files, rich media (Flash, video) and XFA forms.

Every object pypdf indexes is examined, wherever it hangs (catalog, names tree, outlines,
annotations, page /AA, form fields, or nowhere): a byte search would miss a name written
`/J#61vaScript` or hidden in a compressed object stream, while pypdf decodes both.
"""
import io

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from app.documents.refusal import FileRefused

JAVASCRIPT = "du JavaScript"
LAUNCH = "une action qui lance un programme ou importe des données"
EMBEDDED = "des fichiers joints"
RICH_MEDIA = "du contenu multimédia (RichMedia)"
XFA = "un formulaire XFA"

# Dictionary keys that only ever hold active content, and the values of /S (action type),
# /Subtype and /Type that name it.
KEYS = {"/JS": JAVASCRIPT, "/JavaScript": JAVASCRIPT, "/EmbeddedFiles": EMBEDDED,
        "/EmbeddedFile": EMBEDDED, "/EF": EMBEDDED, "/RichMediaContent": RICH_MEDIA,
        "/RichMediaSettings": RICH_MEDIA, "/XFA": XFA}
TYPES = {"/JavaScript": JAVASCRIPT, "/Launch": LAUNCH, "/ImportData": LAUNCH,
         "/GoToE": EMBEDDED, "/EmbeddedFile": EMBEDDED, "/RichMedia": RICH_MEDIA,
         "/RichMediaExecute": RICH_MEDIA}
TYPE_KEYS = ("/S", "/Subtype", "/Type")

# Dictionaries and arrays examined at most; a real PDF of 20 MB has far fewer.
MAX_CONTAINERS = 1_000_000


def check_pdf(data: bytes) -> None:
    """A PDF must open (a truncated or forged one would fail for whoever downloads it) and
    carry no active content."""
    unreadable = FileRefused(
        "Ce fichier PDF est illisible ou endommagé. Enregistrez-le à nouveau "
        "(« Imprimer en PDF » ou « Exporter en PDF »), puis recommencez."
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileRefused(
                "Ce fichier PDF est protégé par un mot de passe : enregistrez-le sans "
                "protection, puis recommencez."
            )
        pages = len(reader.pages)
        found = active_content(reader)
    except FileRefused:
        raise
    except Exception:  # pypdf raises many kinds on a broken file; all mean "unreadable"
        raise unreadable from None
    if pages < 1:
        raise unreadable
    if found:
        raise FileRefused(refusal_message(found))


def refusal_message(found: list[str]) -> str:
    """`Ce PDF contient du JavaScript et des fichiers joints : …`, the problems in a fixed order."""
    found = [kind for kind in (JAVASCRIPT, LAUNCH, EMBEDDED, RICH_MEDIA, XFA) if kind in found]
    named = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " et " + found[-1]
    return (
        f"Ce PDF contient {named}\u00a0: ce contenu actif n'est pas accepté. Enregistrez-le "
        "sans script ni pièce jointe (« Imprimer en PDF ») puis déposez-le à nouveau."
    )


def active_content(reader: PdfReader) -> list[str]:
    """The kinds of active content found in any object of the file (empty list: none)."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer, *_indexed_objects(reader)]
    examined = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # streams too: their dictionary, not their data
            found.update(_dictionary_findings(node))
            stack.extend(dict.values(node))
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
        else:
            continue
        examined += 1
        if examined > MAX_CONTAINERS:
            raise FileRefused(
                "Ce fichier PDF est trop complexe pour être vérifié\u00a0: enregistrez-le à "
                "nouveau (« Imprimer en PDF »), puis recommencez."
            )
    return sorted(found)


def _indexed_objects(reader: PdfReader) -> list[IndirectObject]:
    """Every object of the cross-reference tables, reachable from the catalog or not."""
    objects = [IndirectObject(idnum, generation, reader)
               for generation, entries in reader.xref.items() for idnum in entries]
    return objects + [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]


def _dictionary_findings(node: DictionaryObject) -> set[str]:
    found = {KEYS[key] for key in dict.keys(node) if key in KEYS}
    for key in TYPE_KEYS:
        value = dict.get(node, key)
        if isinstance(value, IndirectObject):
            value = value.get_object()
        if isinstance(value, str) and value in TYPES:
            found.add(TYPES[value])
    return found
