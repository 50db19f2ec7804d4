"""Uploading: every refused file leaves nothing behind, on disk or in the database."""
import hashlib
import io
import zlib
from datetime import date

import pytest
from sqlalchemy import select

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents import services
from app.documents.files import FileRefused
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from tests.documents import samples
from tests.documents.conftest import files_on_disk, rows, stored


def upload_url(dossier):
    return f"/dossiers/{dossier.id}/documents/nouveau"


def post_file(client, dossier, data, name, **fields):
    form = {"type": "autre", "etape": "adhesion", "collectivite": "", "titre": "",
            "fichier": (io.BytesIO(data), name), **fields}
    return client.post(upload_url(dossier), data=form, content_type="multipart/form-data")


BAD_UPLOADS = {
    "png-behind-pdf-name": (samples.png(), "convention.pdf",
                            "Le contenu du fichier est au format PNG, mais son nom se termine par «\u00a0.pdf\u00a0»"),
    "empty": (b"", "vide.pdf", "Le fichier est vide."),
    "pdf-that-does-not-parse": (b"%PDF-1.4 garbage", "convention.pdf",
                                "Ce fichier PDF est illisible ou endommagé."),
    "executable": (b"MZ\x90\x00", "programme.pdf", "n&#39;est pas d&#39;un format accepté"),
    "dot-dot-slash": (samples.pdf(), "../../etc/convention.pdf", "Le nom du fichier ne doit contenir ni chemin"),
    "backslashes": (samples.pdf(), "..\\..\\convention.pdf", "Le nom du fichier ne doit contenir ni chemin"),
    "leading-dot": (samples.pdf(), ".htaccess.pdf", "ni commencer par un point"),
    "odt-with-basic-macro": (samples.odt_with_basic_macro(), "note.odt",
                             "Ce document contient des macros (des scripts), qui ne sont pas acceptées"),
    "ods-with-event-listener": (samples.ods(scripts=samples.ON_LOAD), "maquette.ods",
                                "Ce document contient des macros (des scripts)"),
    "html-after-png": (samples.png() + samples.HTML, "plan.png",
                       "Cette image PNG est suivie d&#39;autres données après sa fin"),
    "html-after-jpeg": (samples.jpeg() + samples.HTML, "photo.jpg",
                        "Cette image JPEG est suivie d&#39;autres données après sa fin"),
    "png-decompression-bomb": (samples.png(8000, 8000, pixels=zlib.compress(b"\x00" * 64)), "plan.png",
                               "Cette image est trop grande\u00a0: au plus 50 millions de pixels."),
    "pdf-opening-with-javascript": (samples.pdf_opening_with_javascript(), "deliberation.pdf",
                                    "Ce PDF contient du JavaScript\u00a0: ce contenu actif n&#39;est pas accepté."),
}


@pytest.mark.parametrize("data, name, message", BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_bad_upload_is_refused_and_leaves_nothing(client, login_as, place, storage, data, name, message):
    login_as(place.porteur)
    before = rows()
    response = post_file(client, place.dossier, data, name)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="fichier-erreur-1"' in page  # said under the file field, announced with it
    assert files_on_disk(storage) == []
    assert rows() == before


def test_too_large_file_is_refused_with_the_limit_in_words(app, client, login_as, place, storage, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    login_as(place.porteur)
    response = post_file(client, place.dossier, samples.pdf() + b"\n" * 2048, "convention.pdf")
    assert "Le fichier dépasse la taille maximale de 1 ko." in response.get_data(as_text=True)
    assert files_on_disk(storage) == []
    assert rows() == (0, 0)


@pytest.mark.parametrize("csrf", [False, True], ids=["csrf-off", "csrf-on"])
def test_request_above_max_content_length_goes_back_to_the_form(app, client, login_as, place, storage,
                                                                 monkeypatch, csrf):
    """With CSRF on (production), the body is too large already for the CSRF check, before the view."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    login_as(place.porteur)
    response = post_file(client, place.dossier, b"%PDF-" + b"x" * 5000, "gros.pdf")
    assert response.status_code == 303
    assert response.location.endswith(upload_url(place.dossier))
    page = client.get(response.location).get_data(as_text=True)
    assert "Le fichier dépasse la taille maximale de 1 ko." in page
    assert files_on_disk(storage) == []


def test_control_characters_in_the_name_are_refused_by_the_service(place, storage):
    for name in ("note\x00.pdf", "note\x1b[31m.pdf", "note\r\n.pdf"):
        with pytest.raises(FileRefused, match="caractères invisibles ou de contrôle"):
            services.add_document(place.dossier, type=DocumentType.AUTRE, etape=Etape.ADHESION,
                                  file_storage_or_bytes=samples.pdf(), filename=name, user=place.porteur)
    assert files_on_disk(storage) == []
    assert rows() == (0, 0)


def test_good_upload_then_download_gives_the_same_bytes(client, login_as, place, storage):
    data = samples.pdf()
    login_as(place.porteur)
    response = post_file(client, place.dossier, data, "Étude de marché.pdf", type="etude",
                         etape="cadre", titre="Étude commerce")
    assert response.status_code == 302
    assert response.location.endswith(f"/dossiers/{place.dossier.id}/documents")
    version = db.session.scalar(select(DocumentVersion))
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert (version.numero, version.taille, version.content_type) == (1, len(data), "application/pdf")
    assert version.nom_fichier == "Étude de marché.pdf"
    assert version.uploaded_by_id == place.porteur.id
    document = version.document
    assert (document.type, document.etape, document.titre) == (DocumentType.ETUDE, Etape.CADRE, "Étude commerce")
    assert files_on_disk(storage) == [stored(storage, version.storage_key)]
    assert version.storage_key not in "Étude de marché.pdf"

    download = client.get(f"/documents/versions/{version.id}/telecharger")
    assert download.status_code == 200
    assert download.data == data
    assert hashlib.sha256(download.data).hexdigest() == version.sha256
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C3%89tude%20de%20march%C3%A9.pdf" in disposition


def test_content_type_stored_is_the_detected_one(client, login_as, place):
    login_as(place.porteur)
    form = {"type": "autre", "etape": "suivi",
            "fichier": (io.BytesIO(samples.odt()), "note.odt", "application/pdf")}
    client.post(upload_url(place.dossier), data=form, content_type="multipart/form-data")
    version = db.session.scalar(select(DocumentVersion))
    assert version.content_type == "application/vnd.oasis.opendocument.text"


def test_new_version_supersedes_and_keeps_the_old_one_downloadable(client, login_as, place):
    first, second = samples.pdf(1), samples.pdf(2)
    login_as(place.porteur)
    post_file(client, place.dossier, first, "projet.pdf", type="projet_convention")
    document = db.session.scalar(select(Document))
    response = client.post(
        f"/dossiers/{place.dossier.id}/documents/{document.id}/versions",
        data={"fichier": (io.BytesIO(second), "projet-v2.pdf")}, content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.get(Document, document.id).versions
    assert [v.numero for v in versions] == [1, 2]
    assert db.session.get(Document, document.id).current.nom_fichier == "projet-v2.pdf"
    assert client.get(f"/documents/versions/{versions[0].id}/telecharger").data == first
    assert client.get(f"/documents/versions/{versions[1].id}/telecharger").data == second


def test_bad_new_version_leaves_the_document_as_it_was(client, login_as, place, storage):
    version = services.add_document(place.dossier, type="autre", etape="adhesion",
                                    file_storage_or_bytes=samples.pdf(), filename="a.pdf", user=None)
    db.session.commit()
    login_as(place.porteur)
    response = client.post(
        f"/dossiers/{place.dossier.id}/documents/{version.document_id}/versions",
        data={"fichier": (io.BytesIO(samples.png()), "b.pdf")}, content_type="multipart/form-data",
    )
    assert "mais son nom se termine par" in response.get_data(as_text=True)
    assert rows() == (1, 1)
    assert len(files_on_disk(storage)) == 1


def test_failed_flush_removes_the_file_just_written(place, storage, monkeypatch):
    version = services.add_document(place.dossier, type="autre", etape="adhesion",
                                    file_storage_or_bytes=samples.pdf(), filename="a.pdf", user=None)
    monkeypatch.setattr(services, "_next_numero", lambda document: 1)  # as if a racer took n° 2
    with pytest.raises(ConflictError, match="vient d'être déposée en même temps"):
        services.add_version(place.dossier, version.document, file_storage_or_bytes=samples.png(),
                             filename="b.png", user=None)
    assert files_on_disk(storage) == [stored(storage, version.storage_key)]
    assert rows() == (1, 1)


def test_failed_commit_removes_the_file(client, login_as, place, storage, monkeypatch):
    login_as(place.porteur)

    def failing_commit():
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        post_file(client, place.dossier, samples.pdf(), "a.pdf")
    assert files_on_disk(storage) == []


def test_deliberation_names_a_collectivite_of_the_dossier(client, login_as, place, storage):
    login_as(place.porteur)
    response = post_file(client, place.dossier, samples.pdf(), "delib.pdf", type="deliberation")
    assert "Indiquez la collectivité qui a pris cette délibération." in response.get_data(as_text=True)
    assert rows() == (0, 0)

    with pytest.raises(DomainError, match="ne fait pas partie du dossier"):
        services.add_document(place.dossier, type="deliberation", etape="adhesion",
                              collectivite_code="Z9999", file_storage_or_bytes=samples.pdf(),
                              filename="delib.pdf", user=None)
    assert files_on_disk(storage) == []

    response = post_file(client, place.dossier, samples.pdf(), "delib.pdf", type="deliberation",
                         collectivite=place.epci.siren)
    page = response.get_data(as_text=True)
    assert "Indiquez la date de la séance au format jj/mm/aaaa." in page
    assert "Indiquez le numéro de la délibération." in page
    assert rows() == (0, 0)

    response = post_file(client, place.dossier, samples.pdf(), "delib.pdf", type="deliberation",
                         collectivite=place.epci.siren, deliberation_date="2026-03-02",
                         deliberation_numero=" CC-2026 / 14 ")
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    assert document.collectivite_code == place.epci.siren
    assert document.titre == "Délibération — CC du Val test"
    assert (document.deliberation_date, document.deliberation_numero) == (date(2026, 3, 2), "CC-2026 / 14")


def test_upload_form_offers_the_dossier_collectivites_and_the_hint(client, login_as, place):
    login_as(place.porteur)
    page = client.get(upload_url(place.dossier)).get_data(as_text=True)
    assert "Formats acceptés\u00a0: PDF, ODT, DOCX, ODS, XLSX, PNG, JPEG. Taille maximale\u00a0: 20 Mo." in page
    assert f'value="{place.communes[1].insee}">Aval-test (commune)' in page
    assert f'value="{place.epci.siren}">CC du Val test (intercommunalité)' in page
    assert 'enctype="multipart/form-data"' in page
    assert '<option selected value="adhesion">' in page  # the dossier's current step
    assert ">Délibération</option>" in page


def test_generated_document_is_marked_and_has_no_uploader(place):
    version = services.add_document(
        place.dossier, type=DocumentType.MODELE_GENERE, etape=Etape.ADHESION,
        file_storage_or_bytes=samples.pdf(), filename="convention-adhesion.pdf", user=None,
        generated=True,
    )
    assert version.generated and version.uploaded_by_id is None
    assert version.document.titre == "Modèle généré par Jalons"


def test_a_generated_file_never_becomes_a_version_of_a_deposited_document(place, storage):
    draft = services.add_document(place.dossier, type=DocumentType.PROJET_CONVENTION, etape=Etape.ADHESION,
                                  file_storage_or_bytes=samples.pdf(), filename="projet.pdf", user=place.porteur)
    with pytest.raises(DomainError, match="ne devient pas une version d'un document déposé"):
        services.add_version(place.dossier, draft.document, file_storage_or_bytes=samples.pdf(2),
                             filename="modele.pdf", user=None, generated=True)
    with pytest.raises(DomainError, match="ne devient pas une version d'un document déposé"):
        services.add_document(place.dossier, type=DocumentType.PROJET_CONVENTION, etape=Etape.ADHESION,
                              file_storage_or_bytes=samples.pdf(), filename="modele.pdf", user=None,
                              generated=True)
    model = services.add_document(place.dossier, type=DocumentType.MODELE_GENERE, etape=Etape.ADHESION,
                                  file_storage_or_bytes=samples.pdf(), filename="modele.pdf", user=None,
                                  generated=True)
    with pytest.raises(DomainError, match="généré par Jalons"):
        services.add_version(place.dossier, model.document, file_storage_or_bytes=samples.pdf(2),
                             filename="le-mien.pdf", user=place.porteur)
    with pytest.raises(DomainError, match="généré par Jalons"):
        services.add_document(place.dossier, type=DocumentType.MODELE_GENERE, etape=Etape.ADHESION,
                              file_storage_or_bytes=samples.pdf(), filename="le-mien.pdf", user=place.porteur)
    assert len(files_on_disk(storage)) == 2 and rows() == (2, 2)


def test_a_deliberation_in_the_future_or_with_a_long_number_is_refused(place, storage):
    for date_, numero, message in ((date(2999, 1, 1), "1", "dans le futur"),
                                   (date(2026, 1, 1), "x" * 51, "50 caractères")):
        with pytest.raises(DomainError, match=message):
            services.add_document(place.dossier, type="deliberation", etape="adhesion",
                                  collectivite_code=place.epci.siren, file_storage_or_bytes=samples.pdf(),
                                  filename="delib.pdf", user=None, deliberation_date=date_,
                                  deliberation_numero=numero)
    with pytest.raises(DomainError, match="Seule une délibération porte une date"):
        services.add_document(place.dossier, type="etude", etape="adhesion", file_storage_or_bytes=samples.pdf(),
                              filename="etude.pdf", user=None, deliberation_numero="3")
    assert files_on_disk(storage) == [] and rows() == (0, 0)


def test_a_new_version_of_a_deliberation_corrects_its_date_and_number(client, login_as, place):
    version = services.add_document(place.dossier, type="deliberation", etape="adhesion",
                                    collectivite_code=place.epci.siren, file_storage_or_bytes=samples.pdf(),
                                    filename="delib.pdf", user=None)  # taken over without them
    db.session.commit()
    login_as(place.porteur)
    url = f"/dossiers/{place.dossier.id}/documents/{version.document_id}/versions"
    assert "Numéro de la délibération" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"fichier": (io.BytesIO(samples.pdf(2)), "delib-v2.pdf"),
                                      "deliberation_date": "2026-02-03", "deliberation_numero": "D-9"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.get(Document, version.document_id)
    db.session.refresh(document)
    assert (document.deliberation_date, document.deliberation_numero) == (date(2026, 2, 3), "D-9")
    assert [v.numero for v in document.versions] == [1, 2]


def test_a_document_of_an_avenant_is_attached_to_it(client, login_as, place):
    from app.avenants.models import Avenant

    avenant = Avenant(dossier_id=place.dossier.id, numero=1, objet="Extension du périmètre ORT")
    db.session.add(avenant)
    db.session.flush()
    with pytest.raises(DomainError, match="Indiquez l'avenant"):
        services.add_document(place.dossier, type="autre", etape="avenant",
                              file_storage_or_bytes=samples.pdf(), filename="a.pdf", user=None)
    login_as(place.porteur)
    assert ">Avenant n° 1</option>" in client.get(upload_url(place.dossier)).get_data(as_text=True)
    response = post_file(client, place.dossier, samples.pdf(), "avenant.pdf", etape=f"avenant-{avenant.id}")
    assert response.status_code == 302
    document = db.session.scalar(select(Document))
    assert (document.etape, document.avenant_id) == (Etape.AVENANT, avenant.id)
    page = client.get(response.location).get_data(as_text=True)
    assert "Avenant n° 1" in page
