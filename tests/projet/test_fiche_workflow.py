"""The fiche action machine: every event, allowed and refused, for each role in and out of
scope, and every guard (the engaged-needs-funding rule among them)."""
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.models import DossierEtat as E
from app.projet import lifecycle
from app.workflows.fiche import EVENTS
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat as F, FinancementStatut as S
from tests.projet import factories as pf

TODAY = date(2026, 11, 22)
ALL_ROLES = [Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET, Role.PREFECTURE, Role.PARTENAIRE, Role.ANCT,
             Role.ADMIN]
PORTEURS = [Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET]
COMITE = [Role.CHEF_DE_PROJET]


@pytest.fixture
def dossiers():
    return pf.dossier(), pf.dossier()


def funded(fiche):
    pf.line(fiche, "etat_detr", "60000.00", statut=S.ACCORDE)
    pf.line(fiche, "autofinancement_commune", "40000.00")


def bring(fiche, state):
    chef = pf.member(Role.CHEF_DE_PROJET, fiche.dossier)
    paths = {
        F.BROUILLON: [],
        F.SOUMISE: [("soumettre", {})],
        F.VALIDEE: [("soumettre", {}), ("valider", {})],
        F.A_REVOIR: [("soumettre", {}), ("demander_revision", {"reason": "Chiffrer"})],
        F.ENGAGEE: [("soumettre", {}), ("valider", {}), ("engager", {})],
    }
    if state == F.ENGAGEE:
        funded(fiche)
    for event, data in paths[state]:
        lifecycle.fire(fiche, event, chef, today=TODAY, **data)
    assert fiche.etat == state


CASES = [
    ("soumettre", F.BROUILLON, F.SOUMISE, PORTEURS, {}),
    ("valider", F.SOUMISE, F.VALIDEE, COMITE, {}),
    ("demander_revision", F.SOUMISE, F.A_REVOIR, COMITE, {"reason": "Préciser le calendrier"}),
    ("refuser", F.SOUMISE, F.REFUSEE, COMITE, {"reason": "Hors stratégie"}),
    ("reprendre", F.A_REVOIR, F.BROUILLON, PORTEURS, {}),
    ("engager", F.VALIDEE, F.ENGAGEE, PORTEURS, {}),
    ("realiser", F.ENGAGEE, F.REALISEE, PORTEURS, {}),
    ("abandonner", F.VALIDEE, F.ABANDONNEE, PORTEURS, {"reason": "Projet repris par le Département"}),
]


def test_every_fiche_event_has_a_case():
    assert {c[0] for c in CASES} == set(EVENTS)


@pytest.mark.parametrize("event, start, target, allowed, data", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_fiche_event_by_role(dossiers, event, start, target, allowed, data, role):
    dossier, other = dossiers
    fiche = pf.fiche(dossier)
    if event == "engager":
        funded(fiche)
    bring(fiche, start)
    rows_before = HistoryEntry.query.filter_by(dossier_id=dossier.id).count()
    if role in allowed:
        with pytest.raises(DomainError, match="est réservé"):  # the same role on another dossier
            lifecycle.fire(fiche, event, pf.member(role, other), today=TODAY, **data)
        entry = lifecycle.fire(fiche, event, pf.member(role, dossier), today=TODAY, **data)
        assert fiche.etat == target
        assert (entry.machine, entry.subject_type, entry.subject_id, entry.dossier_id) == (
            "fiche", "fiche_action", fiche.id, dossier.id)
        assert (entry.event, entry.from_state, entry.to_state, entry.role) == (
            event, start.value, target.value, role.value)
        assert entry.label.endswith(fiche.code)
        assert entry.reason == (data.get("reason") or None)
    else:
        with pytest.raises(DomainError, match="est réservé"):
            lifecycle.fire(fiche, event, pf.member(role, dossier), today=TODAY, **data)
        assert fiche.etat == start
        assert HistoryEntry.query.filter_by(dossier_id=dossier.id).count() == rows_before


@pytest.mark.parametrize("start", [F.BROUILLON, F.SOUMISE, F.VALIDEE, F.A_REVOIR, F.ENGAGEE])
def test_abandon_from_every_open_state_needs_a_reason(dossiers, start):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    bring(fiche, start)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    with pytest.raises(DomainError, match="Indiquez un motif"):
        lifecycle.fire(fiche, "abandonner", chef, today=TODAY, reason="  ")
    lifecycle.fire(fiche, "abandonner", chef, today=TODAY, reason="Abandon")
    assert fiche.etat == F.ABANDONNEE


def test_closed_fiches_cannot_be_abandoned(dossiers):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    bring(fiche, F.ENGAGEE)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    lifecycle.fire(fiche, "realiser", chef, today=TODAY)
    with pytest.raises(DomainError, match="n'est pas possible quand la fiche action est à l'étape «\u00a0Réalisée\u00a0»"):
        lifecycle.fire(fiche, "abandonner", chef, today=TODAY, reason="x")


def test_submission_lists_what_the_fiche_lacks(dossiers):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier, complete=False)
    with pytest.raises(DomainError) as refusal:
        lifecycle.fire(fiche, "soumettre", pf.member(Role.COMMUNE, dossier), today=TODAY)
    message = str(refusal.value)
    for missing in ("l'axe stratégique", "la description", "le maître d'ouvrage", "les dates", "le coût HT"):
        assert missing in message
    assert fiche.etat == F.BROUILLON


@pytest.mark.parametrize("reason_event", ["demander_revision", "refuser"])
def test_comite_decisions_that_send_back_need_a_reason(dossiers, reason_event):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    bring(fiche, F.SOUMISE)
    with pytest.raises(DomainError, match="Indiquez un motif"):
        lifecycle.fire(fiche, reason_event, pf.member(Role.CHEF_DE_PROJET, dossier), today=TODAY)


def test_engaging_needs_accorde_plus_autofinancement_to_cover_the_cost_ht(dossiers):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)  # cost HT 100 000 €
    bring(fiche, F.VALIDEE)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    pf.line(fiche, "etat_detr", "50000.00", statut=S.ACCORDE)
    pf.line(fiche, "region", "20000.00", statut=S.SOLLICITE)  # asked, not granted: does not count
    pf.line(fiche, "anah", "15000.00", statut=S.REFUSE)
    pf.line(fiche, "autofinancement_commune", "49999.99")
    with pytest.raises(DomainError) as refusal:
        lifecycle.fire(fiche, "engager", chef, today=TODAY)
    assert str(refusal.value) == (
        "Le financement accordé et l'autofinancement (99\u202f999,99\xa0€) ne couvrent pas le coût HT "
        "(100\u202f000\xa0€)\xa0: il manque 0,01\xa0€.")
    assert fiche.etat == F.VALIDEE
    pf.line(fiche, "banque_des_territoires", "0.01", statut=S.VERSE)  # versé counts as granted
    entry = lifecycle.fire(fiche, "engager", chef, today=TODAY)
    assert fiche.etat == F.ENGAGEE and fiche.engagee_le == TODAY
    assert entry.payload_dict == {"cout_ht": "100000.00", "couvert": "100000.00"}


def test_a_refused_autofinancement_does_not_count(dossiers):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    pf.line(fiche, "autofinancement_epci", "100000.00", statut=S.REFUSE)
    assert lifecycle.couverture(fiche) == Decimal("0.00")


@pytest.mark.parametrize("etat", [E.SORTI, E.CLOTURE])
def test_no_step_once_the_dossier_left_the_programme(dossiers, etat):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    dossier.etat = etat
    db.session.flush()
    with pytest.raises(DomainError, match="pas ouvert au plan d'action"):
        lifecycle.fire(fiche, "soumettre", pf.member(Role.COMMUNE, dossier), today=TODAY)


def test_available_actions_offer_the_comite_decisions_to_the_chef_de_projet_only(dossiers):
    dossier, _ = dossiers
    fiche = pf.fiche(dossier)
    bring(fiche, F.SOUMISE)
    chef = {c.event for c in lifecycle.available_actions(fiche, pf.member(Role.CHEF_DE_PROJET, dossier))}
    commune = {c.event for c in lifecycle.available_actions(fiche, pf.member(Role.COMMUNE, dossier))}
    prefet = lifecycle.available_actions(fiche, pf.member(Role.PREFECTURE, dossier))
    assert chef == {"valider", "demander_revision", "refuser", "abandonner"}
    assert commune == {"abandonner"}
    assert prefet == []
