"""The projet's pages, as its users go through them."""
from datetime import date
from decimal import Decimal

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import DossierEtat as E
from app.projet.models import AxeStrategique, FicheAction, Indicateur, LigneFinancement, MesureIndicateur
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat as F, FinancementStatut as S
from tests.projet import factories as pf


@pytest.fixture
def dossier():
    return pf.dossier(E.MISE_EN_OEUVRE)


def test_a_chef_de_projet_writes_the_strategy_and_a_fiche(client, login_as, dossier):
    chef = login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    base = f"/dossiers/{dossier.id}"
    response = client.post(base + "/projet/axes/nouveau", data={"titre": "Habiter le centre", "enjeux": "Vacance"})
    assert response.status_code == 302
    axe = db.session.query(AxeStrategique).filter_by(dossier_id=dossier.id).one()
    response = client.post(base + f"/projet/axes/{axe.id}/indicateurs/nouveau", data={
        "nom": "Logements vacants", "type": "resultat", "unite": "logements", "valeur_initiale": "120",
        "date_initiale": "2022-01-01", "cible": "80", "date_cible": "2026-12-31"})
    assert response.status_code == 302
    indicateur = db.session.query(Indicateur).filter_by(axe_id=axe.id).one()
    assert (indicateur.valeur_initiale, indicateur.cible) == (Decimal("120"), Decimal("80"))
    response = client.post(base + f"/projet/indicateurs/{indicateur.id}", data={
        "mesure_le": "2025-06-30", "valeur": "104,5", "source": "Fichier LOVAC"})
    assert response.status_code == 302
    mesure = db.session.query(MesureIndicateur).one()
    assert (mesure.valeur, mesure.source, mesure.saisi_par_id) == (Decimal("104.5"), "Fichier LOVAC", chef.id)
    response = client.post(base + "/fiches/nouvelle", data={
        "titre": "Halles", "axe_id": str(axe.id), "description": "Charpente", "maitre_ouvrage": dossier.epci_siren,
        "date_debut": "2025-01-01", "date_fin": "2026-12-31", "cout_ht": "1 250 000,50", "cout_ttc": "1500000.60"})
    assert response.status_code == 302, response.text
    fiche = db.session.query(FicheAction).filter_by(dossier_id=dossier.id).one()
    assert (fiche.code, fiche.cout_ht, fiche.maitre_ouvrage_code) == ("FA-01", Decimal("1250000.50"), dossier.epci_siren)
    response = client.post(base + "/fiches/1/financements/nouveau", data={
        "source": "etat_dsil", "annee": "2025", "montant": "500000"})
    assert response.status_code == 302
    page = client.get(base + "/fiches/1").text
    assert "FA-01" in page and "État — DSIL" in page and "Il manque" in page
    assert "1\u202f250\u202f000,50\xa0€" in page
    plan = client.get(base + "/projet").text
    assert "Habiter le centre" in plan and "Logements vacants" in plan and "FA-01" in plan


def test_a_financing_line_moves_through_its_steps_from_the_fiche_page(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    line = pf.line(fiche, "etat_detr", "30000.00")
    login_as(pf.member(Role.COMMUNE, dossier))
    url = f"/dossiers/{dossier.id}/fiches/{fiche.numero}/financements/{line.id}/etape"
    response = client.post(url, data={"event": "solliciter", "effective_date": "2025-02-01", "version": line.version})
    assert response.status_code == 302
    db.session.refresh(line)
    assert (line.statut, line.sollicite_le) == (S.SOLLICITE, date(2025, 2, 1))
    response = client.post(url, data={"event": "accorder", "effective_date": "2025-01-15", "version": line.version})
    db.session.refresh(line)
    assert line.statut == S.SOLLICITE  # a decision before its request is refused
    client.post(url, data={"event": "accorder", "effective_date": "2025-04-15", "version": line.version})
    db.session.refresh(line)
    assert (line.statut, line.decide_le) == (S.ACCORDE, date(2025, 4, 15))
    entry = db.session.query(HistoryEntry).filter_by(subject_type="ligne_financement", event="accorder").one()
    assert (entry.machine, entry.effective_on, entry.role) == ("financement", date(2025, 4, 15), "commune")


def test_a_partner_records_only_its_own_organisations_decisions(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    anah = pf.line(fiche, "anah", "20000.00", statut=S.SOLLICITE)
    detr = pf.line(fiche, "etat_detr", "20000.00", statut=S.SOLLICITE)
    login_as(pf.member(Role.PARTENAIRE, dossier, organisation="Anah"))
    base = f"/dossiers/{dossier.id}/fiches/{fiche.numero}/financements"
    assert client.post(f"{base}/{detr.id}/etape", data={
        "event": "accorder", "effective_date": "2025-04-15", "version": detr.version}).status_code == 403
    assert client.post(f"{base}/{anah.id}/etape", data={
        "event": "accorder", "effective_date": "2025-04-15", "version": anah.version}).status_code == 302
    db.session.refresh(anah)
    assert anah.statut == S.ACCORDE


def test_the_comite_decision_is_said_to_be_recorded_by_the_chef_de_projet(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    from app.projet import lifecycle
    lifecycle.fire(fiche, "soumettre", pf.member(Role.COMMUNE, dossier))
    login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    page = client.get(f"/dossiers/{dossier.id}/fiches/{fiche.numero}").text
    assert "décisions du comité de projet, enregistrées par le chef de projet" in page
    response = client.post(f"/dossiers/{dossier.id}/fiches/{fiche.numero}/actions/valider",
                           data={"version": fiche.version})
    assert response.status_code == 302
    db.session.refresh(fiche)
    assert fiche.etat == F.VALIDEE


def test_a_progress_note_is_kept_with_its_author(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    epci = login_as(pf.member(Role.EPCI, dossier))
    client.post(f"/dossiers/{dossier.id}/fiches/{fiche.numero}/notes", data={"texte": "Marché notifié", "avancement": "20"})
    db.session.refresh(fiche)
    assert [(n.texte, n.avancement, n.ecrite_par_id) for n in fiche.notes] == [("Marché notifié", 20, epci.id)]
    assert "Marché notifié" in client.get(f"/dossiers/{dossier.id}/fiches/{fiche.numero}").text


def test_the_dossier_page_has_the_projet_block_with_things_to_do(client, login_as, dossier):
    fiche = pf.fiche(dossier, date_fin=date(2024, 12, 31), date_debut=date(2024, 1, 1))
    axe = db.session.get(AxeStrategique, fiche.axe_id)
    pf.indicateur(dossier, axe)
    login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    page = client.get(f"/dossiers/{dossier.id}").text
    assert 'id="projet-de-territoire"' in page
    assert "FA-01 — Réhabilitation des halles" in page and "pas encore réalisée" in page
    assert "Commerces ouverts en centre-bourg" in page and "aucune valeur mesurée" in page


def test_partners_and_prefecture_read_but_do_not_write(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    for role in (Role.PREFECTURE, Role.PARTENAIRE):
        login_as(pf.member(role, dossier))
        page = client.get(f"/dossiers/{dossier.id}/fiches/{fiche.numero}").text
        assert "Modifier la fiche" not in page and "Ajouter un financement" not in page
        assert client.get(f"/dossiers/{dossier.id}/fiches/nouvelle").status_code == 403


def test_no_fiche_before_the_adhesion_is_signed(client, login_as):
    dossier = pf.dossier(E.ADHESION_VALIDEE)
    login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    assert client.get(f"/dossiers/{dossier.id}/fiches/nouvelle").status_code == 403
    assert "Nouvelle fiche action" not in client.get(f"/dossiers/{dossier.id}/projet").text


def test_a_chef_de_projet_at_mise_en_oeuvre_has_something_to_do_on_the_dossier_page(client, login_as, dossier):
    login_as(pf.member(Role.CHEF_DE_PROJET, dossier))
    page = client.get(f"/dossiers/{dossier.id}").text
    assert f'href="/dossiers/{dossier.id}/fiches/nouvelle"' in page
    login_as(pf.member(Role.PREFECTURE, dossier))
    assert f'href="/dossiers/{dossier.id}/fiches/nouvelle"' not in client.get(f"/dossiers/{dossier.id}").text


def test_the_plan_d_action_pages_its_fiches(client, login_as, app, dossier):
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    axe = pf.axe(dossier, chef)
    for n in range(app.config["PAGE_SIZE"] + 2):
        pf.fiche(dossier, chef, axe_id=axe.id, titre=f"Fiche numéro {n + 1}")
    login_as(chef)
    first = client.get(f"/dossiers/{dossier.id}/projet").text
    assert "FA-25" in first and "FA-26" not in first
    assert f'href="/dossiers/{dossier.id}/projet?page=2"' in first
    second = client.get(f"/dossiers/{dossier.id}/projet?page=2").text
    assert "FA-26" in second and "FA-27" in second and "FA-01<" not in second
