"""Writing fiches action and their financing: numbers, checks, who may change what."""
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.core.errors import DomainError
from app.projet import fiches, lifecycle
from app.projet.models import FicheCompteur
from app.core.db import db
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat as F, FinancementStatut as S
from tests.projet import factories as pf


@pytest.fixture
def dossier():
    return pf.dossier()


def test_numbers_follow_the_dossiers_counter_and_are_never_reused(dossier):
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    first = pf.fiche(dossier, chef)
    lifecycle.fire(first, "abandonner", chef, reason="Doublon")
    second = pf.fiche(dossier, chef)
    other = pf.fiche(pf.dossier(), None)
    assert (first.code, second.code, other.code) == ("FA-01", "FA-02", "FA-01")
    assert db.session.get(FicheCompteur, dossier.id).dernier_numero == 2
    created = db.session.query(HistoryEntry).filter_by(subject_type="fiche_action", event="creer",
                                                       subject_id=second.id).one()
    assert (created.label, created.to_state, created.role) == ("Fiche action FA-02 créée en brouillon", "brouillon",
                                                               "chef_de_projet")


@pytest.mark.parametrize("values, message", [
    ({"titre": " "}, "titre"),
    ({"maitre_ouvrage_code": "99999"}, "pas une collectivité du dossier"),
    ({"commune_insee": "99999"}, "pas une commune du dossier"),
    ({"cout_ht": Decimal("100"), "cout_ttc": Decimal("99")}, "TTC ne peut pas être inférieur"),
    ({"cout_ht": Decimal("-1")}, "négatif"),
])
def test_a_fiche_is_checked(dossier, values, message):
    with pytest.raises(DomainError, match=message):
        pf.fiche(dossier, complete=False, **values)


def test_an_axe_of_another_dossier_is_refused(dossier):
    foreign = pf.axe(pf.dossier())
    with pytest.raises(DomainError, match="pas un axe de ce dossier"):
        pf.fiche(dossier, complete=False, axe_id=foreign.id)


def test_a_fiche_is_edited_only_as_a_draft_or_sent_back(dossier):
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    fiche = pf.fiche(dossier, chef)
    assert fiche.can_edit(chef) and not fiche.can_edit(pf.member(Role.PREFECTURE, dossier))
    lifecycle.fire(fiche, "soumettre", chef)
    assert not fiche.can_edit(chef)
    with pytest.raises(DomainError, match="brouillon ou à revoir"):
        fiches.update_fiche(fiche, chef, titre="Autre")
    lifecycle.fire(fiche, "demander_revision", chef, reason="Chiffrer")
    fiches.update_fiche(fiche, chef, titre="Halles chiffrées", cout_ht=Decimal("1.00"))
    assert (fiche.titre, fiche.etat) == ("Halles chiffrées", F.A_REVOIR)


def test_a_line_changes_only_while_planned_and_its_steps_go_in_order(dossier):
    fiche = pf.fiche(dossier)
    commune = pf.member(Role.COMMUNE, dossier)
    line = pf.line(fiche, "region", "5000.00")
    fiches.update_line(line, commune, source="region", annee=2026, montant=Decimal("6000.00"))
    with pytest.raises(DomainError, match="n'est pas possible quand le financement est à l'étape"):
        lifecycle.fire_line(line, "accorder", commune)
    lifecycle.fire_line(line, "solliciter", commune)
    with pytest.raises(DomainError, match="tant qu'il n'est que prévu"):
        fiches.update_line(line, commune, source="region", annee=2026, montant=Decimal("1.00"))
    lifecycle.fire_line(line, "accorder", commune)
    lifecycle.fire_line(line, "verser", commune)
    assert line.statut == S.VERSE and line.verse_le is not None


def test_a_prefecture_records_the_states_decisions_only(dossier):
    fiche = pf.fiche(dossier)
    detr = pf.line(fiche, "etat_detr", statut=S.SOLLICITE)
    region = pf.line(fiche, "region", statut=S.SOLLICITE)
    prefet = pf.member(Role.PREFECTURE, dossier)
    entry = lifecycle.fire_line(detr, "accorder", prefet)
    assert entry.role == "prefecture" and detr.statut == S.ACCORDE
    with pytest.raises(DomainError, match="est réservé"):
        lifecycle.fire_line(region, "accorder", prefet)


def test_a_closed_fiches_financing_does_not_move(dossier):
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    fiche = pf.fiche(dossier, chef)
    line = pf.line(fiche, "etat_detr", user=chef)
    lifecycle.fire(fiche, "abandonner", chef, reason="Abandon")
    with pytest.raises(DomainError, match="fiche action est close"):
        lifecycle.fire_line(line, "solliciter", chef)
    with pytest.raises(DomainError, match="tant que la fiche est ouverte"):
        fiches.add_line(fiche, chef, source="anah", annee=2025, montant=Decimal("1.00"))


def test_a_fiche_may_start_with_its_title_only(dossier):
    fiche = pf.fiche(dossier, complete=False, description="")
    assert (fiche.titre, fiche.description, fiche.etat) == ("Réhabilitation des halles", "", F.BROUILLON)
