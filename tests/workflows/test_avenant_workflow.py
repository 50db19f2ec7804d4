"""The avenant machine: every event, allowed and refused, for each role in and out of scope."""
from datetime import date

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.core.storage import EXTENSION_KEY, LocalStorage
from app.documents import services as documents
from app.avenants import lifecycle as avenant_lifecycle, services as avenant_services
from app.avenants.models import AvenantEtat as A
from app.dossiers.models import DossierEtat as E
from app.workflows.avenant import EVENTS, requirements
from app.workflows.history import HistoryEntry
from tests import factories
from tests.documents import samples
from tests.workflows.test_dossier_workflow import ALL_ROLES, PORTEUR_ROLES, actor

TODAY = date(2026, 11, 22)


@pytest.fixture
def signed_dossier():
    dossier = factories.dossier()
    dossier.etat = E.MISE_EN_OEUVRE
    other = factories.dossier()
    db.session.flush()
    return dossier, other


def new_avenant(dossier, with_draft=True, signed_pdf=False):
    avenant = avenant_services.create_avenant(dossier, "Nouvelle fiche action", actor(Role.COMMUNE, dossier))
    if with_draft:
        factories.document(dossier, "projet_convention", "avenant", avenant_id=avenant.id)
    if signed_pdf:
        factories.document(dossier, "convention_signee", "avenant", avenant_id=avenant.id)
    return avenant


def bring(avenant, dossier, state):
    porteur, prefet = actor(Role.EPCI, dossier), actor(Role.PREFECTURE, dossier)
    steps = {A.DEPOSE: [("deposer", porteur, {})],
             A.A_COMPLETER: [("deposer", porteur, {}), ("demander_complements", prefet, {"reason": "x"})]}
    for event, user, data in steps.get(state, []):
        avenant_lifecycle.fire(avenant, event, user, today=TODAY, **data)
    if state == A.A_COMPLETER:  # completed as asked
        factories.document(dossier, "autre", "avenant", avenant_id=avenant.id, titre="Coût précisé")
    assert avenant.etat == state


CASES = [
    ("deposer", A.REDACTION, A.DEPOSE, PORTEUR_ROLES, {}),
    ("demander_complements", A.DEPOSE, A.A_COMPLETER, [Role.PREFECTURE], {"reason": "Préciser"}),
    ("redeposer", A.A_COMPLETER, A.DEPOSE, PORTEUR_ROLES, {"reason": "Coût précisé"}),
    ("signer", A.DEPOSE, A.SIGNE, [Role.PREFECTURE], {"signature_date": TODAY}),
]


def test_every_avenant_event_has_a_case():
    assert {c[0] for c in CASES} == set(EVENTS)


@pytest.mark.parametrize("event, start, target, allowed, data", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_avenant_event_by_role(signed_dossier, event, start, target, allowed, data, role):
    dossier, other = signed_dossier
    avenant = new_avenant(dossier, signed_pdf=True)
    bring(avenant, dossier, start)
    rows_before = HistoryEntry.query.filter_by(dossier_id=dossier.id).count()
    if role in allowed:
        with pytest.raises(DomainError, match="est réservé"):  # same role, another dossier
            avenant_lifecycle.fire(avenant, event, actor(role, other), today=TODAY, **data)
        entry = avenant_lifecycle.fire(avenant, event, actor(role, dossier), today=TODAY, **data)
        assert avenant.etat == target
        assert (entry.machine, entry.subject_type, entry.subject_id) == ("avenant", "avenant", avenant.id)
        assert (entry.event, entry.from_state, entry.to_state, entry.role) == (
            event, start.value, target.value, role.value)
        assert entry.label.endswith(f"n° {avenant.numero}")
        if event == "signer":
            assert entry.effective_on == TODAY and avenant.signe_le == TODAY
    else:
        with pytest.raises(DomainError, match="est réservé"):
            avenant_lifecycle.fire(avenant, event, actor(role, dossier), today=TODAY, **data)
        assert avenant.etat == start
        assert HistoryEntry.query.filter_by(dossier_id=dossier.id).count() == rows_before


def test_avenant_guards(signed_dossier):
    dossier, _ = signed_dossier
    avenant = new_avenant(dossier, with_draft=False)
    with pytest.raises(DomainError, match="Avant de déposer l'avenant, il manque\u00a0: Projet d'avenant"):
        avenant_lifecycle.fire(avenant, "deposer", actor(Role.COMMUNE, dossier), today=TODAY)
    factories.document(dossier, "projet_convention", "avenant", avenant_id=avenant.id)
    avenant_lifecycle.fire(avenant, "deposer", actor(Role.COMMUNE, dossier), today=TODAY)
    with pytest.raises(DomainError, match="Joignez l'avenant signé"):
        avenant_lifecycle.fire(avenant, "signer", actor(Role.PREFECTURE, dossier), today=TODAY,
                                     signature_date=TODAY)
    with pytest.raises(DomainError, match="n'est pas possible"):
        avenant_lifecycle.fire(avenant, "redeposer", actor(Role.COMMUNE, dossier), today=TODAY)


def test_no_avenant_before_the_cadre_is_signed():
    dossier = factories.dossier()
    with pytest.raises(DomainError, match="convention-cadre signée"):
        avenant_services.create_avenant(dossier, "x", actor(Role.COMMUNE, dossier))


def test_deposit_and_signature_record_the_exact_versions(signed_dossier, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStorage(tmp_path / "documents"))
    dossier, _ = signed_dossier
    avenant = new_avenant(dossier, with_draft=False)
    porteur, prefet = actor(Role.EPCI, dossier), actor(Role.PREFECTURE, dossier)
    draft = documents.add_document(dossier, type="projet_convention", etape="avenant", avenant=avenant,
                                   file_storage_or_bytes=samples.pdf(), filename="avenant.pdf", user=porteur)
    entry = avenant_lifecycle.fire(avenant, "deposer", porteur, today=TODAY)
    assert [(d["version_id"], d["sha256"]) for d in entry.payload_dict["documents_deposes"]] == [
        (draft.id, draft.sha256)]
    signed = documents.add_document(dossier, type="convention_signee", etape="avenant", avenant=avenant,
                                    file_storage_or_bytes=samples.pdf(2), filename="signe.pdf", user=prefet)
    entry = avenant_lifecycle.fire(avenant, "signer", prefet, today=TODAY, signature_date=TODAY)
    recorded = entry.payload_dict["convention_signee"]
    assert (recorded["version_id"], recorded["sha256"]) == (signed.id, signed.sha256)
    with pytest.raises(DomainError, match="figée"):
        documents.add_version(dossier, signed.document, file_storage_or_bytes=samples.pdf(3),
                              filename="autre.pdf", user=prefet)


def test_a_redeposit_of_the_avenant_needs_what_changed_and_a_new_document(signed_dossier):
    dossier, _ = signed_dossier
    avenant = new_avenant(dossier)
    porteur, prefet = actor(Role.COMMUNE, dossier), actor(Role.PREFECTURE, dossier)
    avenant_lifecycle.fire(avenant, "deposer", porteur, today=TODAY)
    avenant_lifecycle.fire(avenant, "demander_complements", prefet, today=TODAY, reason="Coût ?")
    labels = [(r.label, r.done) for r in requirements("redeposer", avenant_lifecycle.facts_of(avenant))]
    assert labels[0] == ("Projet d'avenant", True)
    assert labels[1][0].startswith("Au moins un document ajouté ou remplacé") and not labels[1][1]
    with pytest.raises(DomainError, match="Au moins un document"):
        avenant_lifecycle.fire(avenant, "redeposer", porteur, today=TODAY, reason="Coût précisé")
    factories.document(dossier, "etude", "avenant", avenant_id=avenant.id)
    with pytest.raises(DomainError, match="Indiquez ce qui a changé"):
        avenant_lifecycle.fire(avenant, "redeposer", porteur, today=TODAY)
    entry = avenant_lifecycle.fire(avenant, "redeposer", porteur, today=TODAY, reason="Coût précisé")
    assert avenant.etat == A.DEPOSE and entry.reason == "Coût précisé"
