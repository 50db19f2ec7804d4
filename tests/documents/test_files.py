"""What a file is, read from its content; what its name may be."""
import pytest

from app.documents import files
from app.documents.files import FileRefused
from tests.documents import samples

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize("data, name, expected", [
    (samples.pdf(), "convention.pdf", files.PDF),
    (samples.png(), "plan.png", files.PNG),
    (samples.jpeg(), "photo.jpg", files.JPEG),
    (samples.jpeg(), "photo.JPEG", files.JPEG),
    (samples.docx(), "note.docx", files.DOCX),
    (samples.xlsx(), "maquette.xlsx", files.XLSX),
    (samples.odt(), "note.odt", files.ODT),
    (samples.ods(), "maquette.ods", files.ODS),
])
def test_each_accepted_format_is_recognised_by_its_content(data, name, expected):
    upload = files.inspect(data, name, LIMIT)
    assert upload.content_type == expected
    assert upload.filename == name
    assert upload.size == len(data)


@pytest.mark.parametrize("data, name", [
    (samples.png(), "convention.pdf"),
    (samples.pdf(), "convention.docx"),
    (samples.odt(), "note.docx"),
    (samples.docx(), "note.xlsx"),
])
def test_extension_must_agree_with_the_content(data, name):
    with pytest.raises(FileRefused, match="mais son nom se termine par"):
        files.inspect(data, name, LIMIT)


def test_a_name_without_extension_is_refused():
    with pytest.raises(FileRefused, match="n'a pas d'extension"):
        files.inspect(samples.pdf(), "convention", LIMIT)


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00 an executable",
    b"<html><script>alert(1)</script></html>",
    samples.plain_zip(),
    b"PK\x03\x04 not really a zip",
    samples.odf("application/vnd.oasis.opendocument.presentation"),
])
def test_other_contents_are_refused(data):
    with pytest.raises(FileRefused, match="n'est pas d'un format accepté"):
        files.inspect(data, "document.pdf", LIMIT)


def test_office_file_with_macros_is_refused():
    data = samples.docx({"word/vbaProject.bin": b"\x00" * 10})
    with pytest.raises(FileRefused, match="macros"):
        files.inspect(data, "note.docx", LIMIT)


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"%PDF-", samples.pdf()[:-40]])
def test_a_pdf_that_does_not_parse_is_refused(data):
    with pytest.raises(FileRefused, match="PDF est illisible"):
        files.inspect(data, "convention.pdf", LIMIT)


def test_empty_and_too_large_files_are_refused():
    with pytest.raises(FileRefused, match="Le fichier est vide."):
        files.inspect(b"", "vide.pdf", LIMIT)
    with pytest.raises(FileRefused, match="^Le fichier dépasse la taille maximale de 20 Mo.$"):
        files.inspect(b"x" * (LIMIT + 1), "gros.pdf", LIMIT)


@pytest.mark.parametrize("name", [
    "../../etc/passwd.pdf", "/etc/passwd.pdf", "..\\..\\boot.pdf", "C:\\Users\\a\\note.pdf",
    "sous-dossier/note.pdf", ".htaccess.pdf", ".pdf", "note\x00.pdf", "note\n.pdf",
    "note\u202egpj.pdf",  # right-to-left override: shows as "notefdp.jpg"
])
def test_path_tricks_and_control_characters_in_the_name_are_refused(name):
    with pytest.raises(FileRefused, match="nom du fichier"):
        files.inspect(samples.pdf(), name, LIMIT)


@pytest.mark.parametrize("name, safe", [
    ("  Délibération   du conseil.pdf ", "Délibération du conseil.pdf"),
    ('rapport "final" <v2>?.pdf', "rapport _final_ _v2__.pdf"),
    ("De\u0301libe\u0301ration.pdf", "Délibération.pdf"),  # NFD from macOS → NFC
    ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
])
def test_names_are_tidied_into_a_safe_display_name(name, safe):
    assert files.safe_filename(name) == safe


def test_a_name_with_nothing_usable_is_refused():
    with pytest.raises(FileRefused, match="aucun caractère utilisable"):
        files.safe_filename("???.pdf")


def test_sizes_are_said_in_french():
    assert files.taille_fr(1) == "1 octet"
    assert files.taille_fr(900) == "900 octets"
    assert files.taille_fr(1536) == "1,5 ko"
    assert files.taille_fr(20 * 1024 * 1024) == "20 Mo"
    assert files.accepted_formats_hint(20 * 1024 * 1024) == (
        "Formats acceptés\u00a0: PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG. Taille maximale\u00a0: 20 Mo."
    )
