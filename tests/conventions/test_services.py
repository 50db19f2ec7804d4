"""The generated texts: a model archived at each deposit, apart from the porteurs' own draft;
the text as signed archived at the signature and served from there, never re-rendered."""
from datetime import date

import pytest

from app.auth.roles import Role
from app.conventions.services import archive_model, convention_pdf
from app.core.db import db
from app.documents import services as documents
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.documents.services import StoredFileError
from app.dossiers import lifecycle
from tests import factories
from tests.conventions.conftest import TODAY, pdf_text
from tests.documents import samples


def test_archiving_stores_the_pdf_as_versions_of_a_generated_model(dossier, storage):
    user = factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=dossier.id)

    first = archive_model(dossier, "adhesion", user)
    second = archive_model(dossier, "adhesion", user)

    assert first.document is second.document
    assert (first.numero, second.numero) == (1, 2)
    document = first.document
    assert document.type == DocumentType.MODELE_GENERE and document.etape == Etape.ADHESION
    assert document.titre == "Modèle de convention d'adhésion généré par Jalons"
    for version in (first, second):
        assert version.generated and version.content_type == "application/pdf"
        assert version.nom_fichier == "projet-convention-adhesion-pvd-75-64-9.pdf"
        assert storage.read(version.storage_key).startswith(b"%PDF-")


def test_each_step_has_its_own_model(dossier, storage):
    adhesion = archive_model(dossier, "adhesion", None)
    cadre = archive_model(dossier, "cadre", None)
    assert adhesion.document is not cadre.document
    assert cadre.document.etape == Etape.CADRE


def upload(dossier, type_, etape="adhesion", user=None, **kw):
    return documents.add_document(dossier, type=type_, etape=etape, file_storage_or_bytes=samples.pdf(),
                                  filename=f"{type_}.pdf", user=user, **kw)


@pytest.fixture
def deposited(app, monkeypatch, dossier, storage):
    """The adhésion deposited with the porteurs' own draft and the délibérations, archiving on."""
    monkeypatch.setitem(app.config, "ARCHIVE_CONVENTIONS", True)
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier.epci_siren)
    factories.contenu(dossier, "adhesion")
    draft = upload(dossier, "projet_convention", user=porteur)
    draft = documents.add_version(dossier, draft.document, file_storage_or_bytes=samples.pdf(2),
                                  filename="projet-v2.pdf", user=porteur)
    deliberations = [upload(dossier, "deliberation", user=porteur, collectivite_code=code,
                            deliberation_date=date(2026, 1, 5), deliberation_numero=f"D-{n}")
                     for n, code in enumerate(dossier.signataires())]
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    entry = lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    return entry, draft, deliberations, porteur


def test_a_deposit_records_the_current_version_of_every_document_deposited(deposited):
    entry, draft, deliberations, _ = deposited
    recorded = entry.payload_dict["documents_deposes"]
    assert {(r["version_id"], r["sha256"]) for r in recorded} == {
        (v.id, v.sha256) for v in [draft, *deliberations]}
    assert next(r for r in recorded if r["version_id"] == draft.id)["numero"] == 2  # the current one
    model = db.session.get(DocumentVersion, entry.payload_dict["modele_genere"]["version_id"])
    assert model.document.type == DocumentType.MODELE_GENERE
    assert model.id not in {r["version_id"] for r in recorded}
    draft_document = db.session.get(Document, draft.document_id)
    assert draft_document.current.id == draft.id and not draft_document.current.generated


def test_the_deposit_shows_the_documents_deposited_on_the_dossier_page(client, login_as, dossier, deposited):
    entry, draft, deliberations, porteur = deposited
    db.session.commit()
    login_as(porteur)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    line = page[page.index("Documents déposés"):].split("</p>")[0]
    assert f"/documents/versions/{draft.id}/telecharger" in line and "(version 2," in line
    for version in deliberations:
        assert f"/documents/versions/{version.id}/telecharger" in line
    assert draft.sha256[:12] in line


def sign(dossier, prefet, signed_on=TODAY):
    lifecycle.fire(dossier, "valider_adhesion", prefet, today=TODAY)
    signed = upload(dossier, "convention_signee", user=prefet, titre="Convention d'adhésion signée")
    return signed, lifecycle.fire(dossier, "signer_adhesion", prefet, today=TODAY, signature_date=signed_on)


def test_the_signature_records_the_signed_pdf_and_archives_the_text_as_signed(dossier, deposited):
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Inès Etxeberria"), dossier_id=dossier.id)
    signed, entry = sign(dossier, prefet)
    payload = entry.payload_dict
    assert (payload["convention_signee"]["version_id"], payload["convention_signee"]["sha256"]) == (
        signed.id, signed.sha256)
    assert payload["chefs_de_projet"] == ["Inès Etxeberria"]
    text_version = db.session.get(DocumentVersion, payload["texte_signe"]["version_id"])
    assert text_version.sha256 == payload["texte_signe"]["sha256"] and text_version.generated
    assert text_version.document.type == DocumentType.MODELE_GENERE
    assert text_version.document.titre == "Texte de la convention d'adhésion signée, généré par Jalons"
    text, _ = pdf_text(documents.open_verified(text_version).read())
    assert "Convention signée le 22 novembre 2026" in text and "PROJET" not in text
    assert "au plus tard le 22 mai 2028" in text


def test_a_signed_convention_is_served_from_its_archive_whatever_changes_later(app, dossier, deposited,
                                                                                 monkeypatch):
    # The programme extended (PROGRAMME_END): these 18 months and their extension fit in it.
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2030-12-31")
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    _, entry = sign(dossier, prefet)
    archived = db.session.get(DocumentVersion, entry.payload_dict["texte_signe"]["version_id"])
    lifecycle.fire(dossier, "prolonger_delai", prefet, today=TODAY, reason="Élections",
                   new_deadline=date(2029, 1, 31))
    dossier.communes[0].nom = "Renommée"  # today's data moved on
    pdf = convention_pdf(dossier, "adhesion", factories.user())
    assert pdf.signed and pdf.filename == "convention-adhesion-pvd-75-64-9-signee.pdf"
    data = pdf.stream.read()
    assert data == documents.open_verified(archived).read()
    text, _ = pdf_text(data)
    assert "Renommée" not in text and "2029" not in text and "au plus tard le 22 mai 2028" in text


def test_an_altered_archive_is_never_served(dossier, deposited, storage):
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    _, entry = sign(dossier, prefet)
    archived = db.session.get(DocumentVersion, entry.payload_dict["texte_signe"]["version_id"])
    with open(storage.path(archived.storage_key), "wb") as handle:
        handle.write(samples.pdf(3))
    with pytest.raises(StoredFileError):
        convention_pdf(dossier, "adhesion", factories.user())


def test_without_an_archive_the_signed_text_is_printed_from_the_signature(app, dossier, storage, monkeypatch):
    """Archiving off (the demo, most tests): the text still comes from what stood at the
    signature: its date, its 18 months, its chefs de projet."""
    # The programme extended (PROGRAMME_END): these 18 months and their extension fit in it.
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2030-12-31")
    porteur = factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Inès Etxeberria"), dossier_id=dossier.id)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=date(2026, 11, 2))
    lifecycle.fire(dossier, "deposer_adhesion", porteur, today=date(2026, 11, 2))
    _, entry = sign(dossier, prefet, signed_on=date(2026, 11, 20))
    assert "texte_signe" not in entry.payload_dict
    lifecycle.fire(dossier, "prolonger_delai", prefet, today=TODAY, reason="Fusion", new_deadline=date(2029, 1, 31))
    factories.user_with_role(Role.CHEF_DE_PROJET, factories.user(nom="Arrivé Après"), dossier_id=dossier.id)
    pdf = convention_pdf(dossier, "adhesion", factories.user())
    text, _ = pdf_text(pdf.data)
    assert pdf.signed and "Convention signée le 20 novembre 2026" in text
    assert "au plus tard le 20 mai 2028" in text and "2029" not in text
    assert "Inès Etxeberria" in text and "Arrivé Après" not in text


def test_a_draft_is_rendered_from_todays_content(dossier):
    pdf = convention_pdf(dossier, "adhesion", factories.user())
    assert not pdf.signed and pdf.filename == "projet-convention-adhesion-pvd-75-64-9.pdf"
    assert "PROJET" in pdf_text(pdf.data)[0]
