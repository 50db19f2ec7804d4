"""The preview PDF: for whoever sees the dossier, 404 for the others, login for the anonymous;
once signed, the text archived at the signature."""
from datetime import date

from app.auth.roles import Role
from app.conventions.services import signature_entry
from app.core.db import db
from app.documents import services as documents
from app.documents.models import DocumentVersion
from app.dossiers import lifecycle
from tests import factories
from tests.conventions.conftest import pdf_text
from tests.documents import samples


def url(dossier, kind="adhesion"):
    return f"/dossiers/{dossier.id}/conventions/{kind}.pdf"


def test_a_user_in_scope_gets_the_pdf_inline(client, login_as, dossier):
    login_as(Role.PREFECTURE, departement_code=dossier.departement_code)
    response = client.get(url(dossier))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="projet-convention-adhesion-pvd-75-64-9.pdf"'
    )
    assert "no-store" in response.headers["Cache-Control"]


def test_a_commune_of_the_dossier_gets_the_convention_cadre(client, login_as, dossier):
    login_as(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    response = client.get(url(dossier, "cadre"))
    assert response.status_code == 200
    assert "projet-convention-cadre-" in response.headers["Content-Disposition"]


def test_a_user_out_of_scope_gets_404(client, login_as, dossier):
    login_as(Role.PREFECTURE, departement_code=factories.departement().code)
    assert client.get(url(dossier)).status_code == 404


def test_an_unknown_kind_is_404(client, login_as, dossier):
    login_as(Role.ANCT)
    assert client.get(url(dossier, "avenant")).status_code == 404
    assert client.get(url(dossier, "adhesion") + "x").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, dossier):
    response = client.get(url(dossier))
    assert response.status_code == 302
    assert "/connexion?next=" in response.location


def test_a_signed_adhesion_is_served_from_the_text_archived_at_its_signature(
        app, client, login_as, dossier, storage, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVE_CONVENTIONS", True)
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2030-12-31")  # the extension fits in the programme
    monkeypatch.setitem(app.config, "EXTENSION_MAX_MONTHS", 24)
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier.epci_siren)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    factories.ready_to_deposit(dossier)
    for event, user in (("demarrer_adhesion", porteur), ("deposer_adhesion", porteur),
                        ("valider_adhesion", prefet)):
        lifecycle.fire(dossier, event, user, today=date(2026, 3, 2))
    documents.add_document(dossier, type="convention_signee", etape="adhesion", user=prefet,
                           file_storage_or_bytes=samples.pdf(), filename="signee.pdf")
    lifecycle.fire(dossier, "signer_adhesion", prefet, today=date(2026, 3, 2), signature_date=date(2026, 3, 2))
    lifecycle.fire(dossier, "prolonger_delai", prefet, today=date(2026, 4, 1), reason="Fusion",
                   new_deadline=date(2029, 1, 31))
    db.session.commit()
    archived = db.session.get(DocumentVersion, signature_entry(dossier, "adhesion").payload_dict["texte_signe"]["version_id"])

    login_as(porteur)
    response = client.get(url(dossier))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="convention-adhesion-pvd-75-64-9-signee.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data == storage.read(archived.storage_key)
    text, _ = pdf_text(response.data)
    assert "Convention signée le 2 mars 2026" in text and "au plus tard le 2 septembre 2027" in text
    assert "31 janvier 2029" not in text

    with open(storage.path(archived.storage_key), "wb") as handle:
        handle.write(samples.pdf(2))  # the archive altered on disk: never served, never replaced
    response = client.get(url(dossier))
    assert response.status_code == 500
    assert "Texte signé indisponible" in response.get_data(as_text=True)
