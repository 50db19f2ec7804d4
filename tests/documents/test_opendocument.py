"""OpenDocument files with macros, or bound to macros, are refused like OOXML ones."""
import pytest

from app.documents import files
from app.documents.files import FileRefused
from tests.documents import samples

LIMIT = 20 * 1024 * 1024
MACROS = "Ce document contient des macros"

LISTENER_OTHER_PREFIX = (
    '<office:event-listeners><s:event-listener s:language="ooo:script" s:event-name="dom:load" '
    'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
    '</office:event-listeners>'
)
HOSTILE = {
    "odt-basic-library-run-at-opening": (samples.odt_with_basic_macro(), "note.odt"),
    "odt-basic-folder-only": (samples.odt(extra={"Basic/Standard/Module1.xml": samples.BASIC_MODULE}),
                              "note.odt"),
    "odt-python-script": (samples.odt(extra={"Scripts/python/run.py": b"import os\nos.system('calc')\n"}),
                          "note.odt"),
    "ods-dialog-library": (samples.ods(extra={"Dialogs/Standard/Dialog1.xml": b"<dlg:window/>"}),
                           "maquette.ods"),
    "ods-manifest-lists-a-script": (samples.ods(manifest_extra=(
        '<manifest:file-entry manifest:full-path="Scripts/python/run.py" manifest:media-type=""/>'
    )), "maquette.ods"),
    "ods-event-listener": (samples.ods(scripts=samples.ON_LOAD), "maquette.ods"),
    "odt-listener-under-another-prefix": (samples.odt(
        scripts=LISTENER_OTHER_PREFIX,
        namespaces='xmlns:s="urn:oasis:names:tc:opendocument:xmlns:script:1.0"',
    ), "note.odt"),
    "odt-link-to-a-macro": (samples.odt(body=(
        '<text:p><text:a xlink:type="simple" '
        'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=application">'
        "Cliquez ici</text:a></text:p>"
    )), "note.odt"),
    "odt-toolbar-bound-to-a-macro": (samples.odt(extra={
        "Configurations2/accelerator/current.xml": (
            b'<accel:acceleratorlist xmlns:accel="http://openoffice.org/2001/accel" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink"><accel:item accel:code="KEY_F5" '
            b'xlink:href="macro:///Standard.Module1.Main"/></accel:acceleratorlist>'
        )}), "note.odt"),
}


@pytest.mark.parametrize("data, name", HOSTILE.values(), ids=HOSTILE.keys())
def test_an_opendocument_file_with_macros_is_refused(data, name):
    with pytest.raises(FileRefused, match=MACROS):
        files.inspect(data, name, LIMIT)


@pytest.mark.parametrize("data, name", [
    (samples.odt(), "note.odt"),
    (samples.ods(), "maquette.ods"),
    (samples.odt(body='<text:p><text:a xlink:href="https://www.anct.gouv.fr/">ANCT</text:a></text:p>'),
     "note.odt"),
    (samples.odt(extra={"Pictures/scripts.png": samples.png()}), "note.odt"),
])
def test_an_opendocument_file_without_macros_is_accepted(data, name):
    assert files.inspect(data, name, LIMIT).filename == name


@pytest.mark.parametrize("data", [
    samples.odt(body="<text:p>non fermé"),
    samples.odt(extra={"styles.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}),
], ids=["xml-that-does-not-parse", "dtd-with-entities"])
def test_an_opendocument_file_whose_xml_is_broken_is_refused(data):
    with pytest.raises(FileRefused, match="Ce document ODT est illisible ou endommagé"):
        files.inspect(data, "note.odt", LIMIT)


def test_a_password_protected_opendocument_file_is_refused_as_such():
    """LibreOffice encrypts each part and says so in the manifest; the parts cannot be checked."""
    encrypted = samples.odt(manifest_extra=(
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"/>'
        "</manifest:file-entry>"
    ), extra={"content.xml": b"\x8f\x02\xe1 chiffr\xe9"})  # stays before the manifest in the zip
    with pytest.raises(FileRefused, match="Ce document ODT est protégé par un mot de passe"):
        files.inspect(encrypted, "note.odt", LIMIT)
