"""What the API answers: the user's scope (out of it → 404), keyset pages, bounded queries."""
import pytest

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import DossierEtat
from tests import factories
from tests.projet import factories as pf


def test_a_prefecture_token_sees_only_its_departement(client, world, bearer):
    headers = bearer(factories.user_with_role(Role.PREFECTURE, departement_code=world.departement.code))
    dossiers = client.get("/api/v1/dossiers", headers=headers).json["resultats"]
    assert sorted(d["reference"] for d in dossiers) == ["pvd-test-jonzac", "pvd-test-mirambeau"]
    communes = client.get("/api/v1/communes", headers=headers).json["resultats"]
    assert {c["departement"] for c in communes} == {world.departement.code} and len(communes) == 3
    fiches = client.get("/api/v1/fiches", headers=headers).json["resultats"]
    assert {f["dossier_id"] for f in fiches} == {world.signed.id} and len(fiches) == 2
    lines = client.get("/api/v1/financements", headers=headers).json["resultats"]
    assert sorted(line["montant"] for line in lines) == [5000.5, 10000.0]
    indicateurs = client.get("/api/v1/indicateurs", headers=headers).json["resultats"]
    assert {i["nom"]: [m["valeur"] for m in i["mesures"]] for i in indicateurs} == {
        "Commerces ouverts en centre-bourg": [47.0], "Logements vacants remis sur le marché": []}
    assert client.get(f"/api/v1/dossiers/{world.elsewhere.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/fiches/{world.other_fiche.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/dossiers/{world.signed.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/fiches/{world.fiche.id}", headers=headers).json["titre"] == "Réhabilitation des halles"


def test_the_api_says_what_the_pages_say(client, world, bearer):
    headers = bearer(factories.user_with_role(Role.ANCT))
    dossier = client.get(f"/api/v1/dossiers/{world.signed.id}", headers=headers).json
    assert dossier["adhesion_signee_le"] == "2021-06-15" and dossier["echeance_cadre"] == "2023-03-31"
    assert dossier["echeance_prorogee"] is True and dossier["statut_echeance"] == "respectee"
    assert dossier["etat"] == "mise_en_oeuvre" and dossier["etat_libelle"] == DossierEtat.MISE_EN_OEUVRE.label
    assert sorted(c["nom"] for c in dossier["communes"]) == ["Archiac test", "Jonzac test"]
    communes = client.get(f"/api/v1/communes?dossier={world.signed.id}", headers=headers).json["resultats"]
    jonzac = next(c for c in communes if c["nom"] == "Jonzac test")
    assert (jonzac["ort_engagee_le"], jonzac["opah_type"], jonzac["opah_phase"]) == (
        "2022-10-01", "opah_ru", "operationnelle")
    lines = client.get(f"/api/v1/financements?fiche={world.fiche.id}&statut=accorde", headers=headers).json
    assert [(line["source"], line["montant"], line["decide_le"]) for line in lines["resultats"]] == [
        ("etat_detr", 10000.0, "2025-04-15")]


def test_a_commune_token_sees_its_dossier_only(client, world, bearer):
    headers = bearer(factories.user_with_role(Role.COMMUNE, commune_insee=world.adhering.communes[0].insee))
    assert [d["id"] for d in client.get("/api/v1/dossiers", headers=headers).json["resultats"]] == [world.adhering.id]
    assert client.get(f"/api/v1/dossiers/{world.signed.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/fiches", headers=headers).json["resultats"] == []


def test_pages_follow_a_stable_order_without_gaps_or_repeats(client, world, bearer):
    headers = bearer(factories.user_with_role(Role.ANCT))
    for path, key in (("/api/v1/dossiers", "id"), ("/api/v1/communes", "insee"),
                      ("/api/v1/financements", "id"), ("/api/v1/fiches", "id")):
        whole = [item[key] for item in client.get(path, headers=headers).json["resultats"]]
        walked, url = [], f"http://jalons.test{path}?limite=1"
        while url:
            page = client.get(url, headers=headers).json
            assert len(page["resultats"]) <= 1
            walked += [item[key] for item in page["resultats"]]
            url = page["suivant"]
        assert walked == whole == sorted(whole) and len(whole) >= 3, path


def test_unreadable_parameters_answer_400(client, world, bearer):
    headers = bearer(factories.user_with_role(Role.ANCT))
    for query in ("limite=0", "limite=501", "limite=abc", "apres=-1", "etat=inconnu"):
        response = client.get(f"/api/v1/dossiers?{query}", headers=headers)
        assert response.status_code == 400 and response.json["erreur"], query


@pytest.mark.parametrize("path", ["/api/v1/dossiers", "/api/v1/communes", "/api/v1/fiches",
                                  "/api/v1/financements", "/api/v1/indicateurs"])
def test_list_queries_do_not_grow_with_rows(client, world, bearer, count_queries, path):
    user = factories.user_with_role(Role.PARTENAIRE, organisation="Anah", region_code=world.departement.region_code)
    headers = bearer(user)

    def statements():
        with count_queries() as counter:
            assert client.get(path, headers=headers).status_code == 200
        return counter.count

    few = statements()
    for _ in range(4):
        dossier = pf.dossier()
        dossier.departement_code = world.departement.code
        chef = pf.member(Role.CHEF_DE_PROJET, dossier)
        fiche = pf.fiche(dossier, chef)
        pf.line(fiche, user=chef)
        pf.line(fiche, "anah", user=chef)
        pf.indicateur(dossier, fiche.axe, chef)
    db.session.commit()
    assert statements() == few
