"""What the convention-cadre will take from the projet de territoire."""
from decimal import Decimal

from app.auth.roles import Role
from app.projet import lifecycle
from app.projet.convention import cadre_missing, for_convention
from app.workflows.states import FinancementStatut as S
from tests.projet import factories as pf


def test_the_cadre_needs_an_axe_with_an_indicator_and_a_fiche_validee(app):
    dossier = pf.dossier()
    assert cadre_missing(dossier) == ["un axe stratégique avec au moins un indicateur",
                                      "au moins une fiche action validée par le comité de projet"]
    fiche = pf.fiche(dossier)
    pf.indicateur(dossier, fiche.axe)
    assert cadre_missing(dossier) == ["au moins une fiche action validée par le comité de projet"]
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    lifecycle.fire(fiche, "soumettre", chef)
    lifecycle.fire(fiche, "valider", chef)
    assert cadre_missing(dossier) == []


def test_the_convention_gets_the_plan_and_a_maquette_without_refused_lines(app):
    dossier = pf.dossier()
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    validated, draft = pf.fiche(dossier, chef), pf.fiche(dossier, chef, titre="Berges")
    lifecycle.fire(validated, "soumettre", chef)
    lifecycle.fire(validated, "valider", chef)
    pf.line(validated, "etat_detr", "1000.00", statut=S.ACCORDE)
    pf.line(validated, "region", "500.00", statut=S.REFUSE)
    projet = for_convention(dossier)
    assert [f.code for f in projet.fiches] == [validated.code]
    assert projet.maquette.total == Decimal("1000.00")
    assert [a.titre for a in projet.axes] == [validated.axe.titre, draft.axe.titre]
    assert len(projet.communes) == 2
