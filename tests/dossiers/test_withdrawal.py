"""A document uploaded to the wrong step is withdrawn by its uploader before the deposit:
kept, with who and when, out of the lists and of what the step counts; never after the
deposit of its step, never a signed or generated file."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import text as sql

from app.auth.roles import Role
from app.avenants import lifecycle as avenant_lifecycle, services as avenant_services
from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents import services
from app.dossiers import lifecycle, withdrawals
from app.dossiers.models import DossierEtat as E
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from tests import factories
from tests.documents import samples


@pytest.fixture
def dossier():
    dossier = factories.dossier()
    lifecycle.fire(dossier, "demarrer_adhesion", porteur(dossier))
    return dossier


def porteur(dossier):
    return factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)


def upload(dossier, user, type_="autre", etape="adhesion", **kw):
    return services.add_document(dossier, type=type_, etape=etape, file_storage_or_bytes=samples.pdf(),
                                 filename="piece.pdf", user=user, **kw).document


def window(dossier, document):
    return withdrawals.windows(dossier).of(document)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(html)))


def text(response) -> str:
    return text_of(response.get_data(as_text=True))


def test_the_uploader_withdraws_it_it_stays_apart_and_in_the_history(client, login_as, dossier):
    user = porteur(dossier)
    factories.deliberations(dossier)
    wrong = upload(dossier, user, titre="Diagnostic mis à la mauvaise étape")
    login_as(user)
    index = client.get(f"/dossiers/{dossier.id}/documents").get_data(as_text=True)
    link = f"/dossiers/{dossier.id}/documents/{wrong.id}/retirer"
    assert f'href="{link}"' in index
    assert "Retirer «" in text(client.get(link))
    response = client.post(link, data={"reason": "Ajouté à la mauvaise étape."})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    page = text_of(html)
    assert "Document « Diagnostic mis à la mauvaise étape » retiré." in page
    assert f'id="document-{wrong.id}"' not in html  # out of the current list…
    retired = text_of(html[html.index('id="documents-retires"'):])
    assert "Diagnostic mis à la mauvaise étape" in retired and user.nom in retired  # …into this one
    db.session.refresh(wrong)
    assert wrong.withdrawn_at is not None and wrong.withdrawn_by_id == user.id
    row = HistoryEntry.query.filter_by(dossier_id=dossier.id, subject_type="document").one()
    assert (row.subject_id, row.event, row.from_state, row.to_state, row.reason, row.role) == (
        wrong.id, "retirer", "joint", "retire", "Ajouté à la mauvaise étape.", "commune")
    dossier_page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "Document retiré : « Diagnostic mis à la mauvaise étape »" in dossier_page
    assert "de « Joint au dossier » à « Retiré »" in dossier_page
    assert list(verify_chains()) == []  # the row is sealed in the dossier's chain
    # Nor can it get a new version.
    with pytest.raises(DomainError, match="retiré"):
        services.add_version(dossier, wrong, file_storage_or_bytes=samples.pdf(), filename="v2.pdf", user=user)


def test_a_withdrawn_document_no_longer_counts_for_the_deposit(dossier):
    user = porteur(dossier)
    code = dossier.signataires()[0]
    deliberation = upload(dossier, user, "deliberation", collectivite_code=code)
    assert ("deliberation", code) in lifecycle.facts_of(dossier).documents
    withdrawals.withdraw_document(dossier, deliberation, user)
    assert ("deliberation", code) not in lifecycle.facts_of(dossier).documents
    with pytest.raises(DomainError, match="il manque"):
        lifecycle.fire(dossier, "deposer_adhesion", user)


def test_only_its_uploader_may_and_the_others_are_refused(client, login_as, dossier):
    document = upload(dossier, porteur(dossier))
    other = porteur(dossier)
    assert not document.can_withdraw(other, window(dossier, document))
    login_as(other)
    assert f"/documents/{document.id}/retirer" not in client.get(f"/dossiers/{dossier.id}/documents").get_data(as_text=True)
    assert client.post(f"/dossiers/{dossier.id}/documents/{document.id}/retirer").status_code == 403
    with pytest.raises(DomainError, match="Seule la personne qui a ajouté ce document"):
        withdrawals.withdraw_document(dossier, document, other)


def test_not_after_the_deposit_of_its_step(dossier):
    user = porteur(dossier)
    factories.ready_to_deposit(dossier)
    deposited = upload(dossier, user)
    lifecycle.fire(dossier, "deposer_adhesion", user)
    assert deposited.withdraw_refusal(user, window(dossier, deposited)) == (
        "L'étape de ce document est déposée ou close\u00a0: il ne se retire plus.")
    # Sent back: what was deposited stays; what was added for the compléments may go.
    lifecycle.fire(dossier, "demander_complements_adhesion",
                   factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code),
                   reason="Pièce manquante")
    assert "déposé avec son étape" in deposited.withdraw_refusal(user, window(dossier, deposited))
    added = upload(dossier, user, titre="Pièce pour les compléments")
    assert added.can_withdraw(user, window(dossier, added))


def test_never_a_signed_nor_a_generated_document(dossier):
    user = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    signed = upload(dossier, user, "convention_signee")  # the préfecture's to attach
    assert signed.withdraw_refusal(user, window(dossier, signed)) == "Un document signé ne se retire pas."
    generated = services.add_document(dossier, type="modele_genere", etape="adhesion",
                                      file_storage_or_bytes=samples.pdf(), filename="projet.pdf", user=user,
                                      generated=True).document
    assert "généré par Jalons" in generated.withdraw_refusal(user, window(dossier, generated))


def test_a_withdrawal_and_a_deposit_at_the_same_time_do_not_both_pass(dossier):
    user = porteur(dossier)
    factories.deliberations(dossier)
    extra = upload(dossier, user)
    seen = dossier.version
    withdrawals.withdraw_document(dossier, extra, user)
    # The deposit page was loaded before the withdrawal: it is told the dossier changed.
    with pytest.raises(ConflictError):
        lifecycle.fire(dossier, "deposer_adhesion", user, expected_version=seen)


def test_two_withdrawals_at_once_write_one_row(dossier):
    user = porteur(dossier)
    document = upload(dossier, user)
    # Another request withdrew it meanwhile; this one still holds the row as it was.
    db.session.execute(sql("UPDATE document SET withdrawn_at = :now WHERE id = :id"),
                       {"now": document.created_at + timedelta(seconds=1), "id": document.id})
    with pytest.raises(ConflictError, match="vient d'être retiré"):
        services.withdraw(document, user, window=window(dossier, document))
    assert HistoryEntry.query.filter_by(dossier_id=dossier.id, subject_type="document").count() == 0


def test_an_avenant_document_goes_before_the_avenant_is_deposited():
    dossier = factories.dossier(etat=E.MISE_EN_OEUVRE)
    user = porteur(dossier)
    avenant = avenant_services.create_avenant(dossier, "Halles", user)
    projet = upload(dossier, user, "projet_convention", "avenant", avenant=avenant)
    extra = upload(dossier, user, "autre", "avenant", avenant=avenant)
    assert extra.can_withdraw(user, window(dossier, extra))
    withdrawals.withdraw_document(dossier, extra, user)
    avenant_lifecycle.fire(avenant, "deposer", user)
    assert not projet.can_withdraw(user, window(dossier, projet))
