"""Communes and EPCI pages: search, details, PVD dossier links within scope, bounded queries."""
import re

from app.auth.roles import Role
from app.referentiel.text import search_key
from tests import factories


def _rows(html: str) -> list[str]:
    """The row headers of the page's tables (the commune or EPCI names), in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


def test_pages_need_a_login(client):
    for url in ("/communes", "/communes/78003", "/epci", "/epci/200073344"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location


def test_search_communes_by_name_ignores_case_and_accents(referentiel, client, login_as):
    login_as(factories.user())
    for q in ("saint-etienne", "SAINT ÉTIENNE", "Saint Étienne", "ST ETIENNE", "St-Étienne"):
        html = client.get("/communes", query_string={"q": q}).get_data(as_text=True)
        rows = _rows(html)
        assert rows[0] == "Saint-Étienne", q  # the exact name first
        assert len(rows) == 25 and all(search_key(row).startswith("saint etienne") for row in rows)
    html = client.get("/communes", query_string={"q": "oeuilly"}).get_data(as_text=True)
    assert _rows(html) == ["Œuilly", "Œuilly", "Pœuilly"]  # Aisne, Marne, then a name containing it


def test_search_communes_by_insee_code(referentiel, client, login_as):
    login_as(factories.user())
    html = client.get("/communes", query_string={"q": "78003"}).get_data(as_text=True)
    assert _rows(html) == ["Ablis"]
    assert "Communes correspondant à «\u00a078003\u00a0» (1)" in html
    html = client.get("/communes", query_string={"q": "2a004"}).get_data(as_text=True)
    assert _rows(html) == ["Ajaccio"]


def test_communes_list_is_paginated_with_an_empty_state(referentiel, client, login_as):
    login_as(factories.user())
    html = client.get("/communes").get_data(as_text=True)
    assert len(_rows(html)) == 25
    assert 'class="fr-pagination' in html and "page=2" in html
    second = client.get("/communes", query_string={"page": 2}).get_data(as_text=True)
    assert set(_rows(second)).isdisjoint(_rows(html))
    html = client.get("/communes", query_string={"q": "xyzzy-introuvable"}).get_data(as_text=True)
    assert "Aucune commune ne correspond à «\u00a0xyzzy-introuvable\u00a0»" in html
    assert "<table" not in html


def test_commune_page_shows_its_geography(referentiel, client, login_as):
    login_as(factories.user())
    html = client.get("/communes/78003").get_data(as_text=True)
    assert "<h1>Ablis</h1>" in html
    assert "Yvelines (78)" in html and "Île-de-France" in html
    assert 'href="/epci/200073344"' in html and "CA Rambouillet Territoires" in html
    assert "ne fait pas partie du programme" in html


def test_unknown_codes_answer_404_and_former_codes_redirect(referentiel, client, login_as):
    login_as(factories.user())
    assert client.get("/communes/00000").status_code == 404
    assert client.get("/communes/Z-nope").status_code == 404
    assert client.get("/epci/000000000").status_code == 404
    response = client.get("/communes/01205")  # Lancrans, commune déléguée of Valserhône
    assert response.status_code == 302 and response.location.endswith("/communes/01033")
    html = client.get("/communes/01033").get_data(as_text=True)
    assert "Lancrans (01205) fait aujourd&#39;hui partie de la commune ci-dessous." in html
    assert "Lancrans (01205)" in html


def test_commune_page_links_the_pvd_dossier_only_within_scope(client, login_as):
    dossier = factories.dossier(nom="Bourg-Témoin")
    commune = dossier.communes[0]
    link = f'href="/dossiers/{dossier.id}"'

    login_as(Role.PREFECTURE, departement_code=dossier.departement_code)
    html = client.get(f"/communes/{commune.insee}").get_data(as_text=True)
    assert link in html and dossier.reference in html

    other = factories.departement()
    login_as(Role.PREFECTURE, departement_code=other.code)
    html = client.get(f"/communes/{commune.insee}").get_data(as_text=True)
    assert "Petite ville de demain." in html
    assert link not in html and dossier.reference not in html


def _epci_with_dossiers(n_communes: int, n_dossiers: int):
    departement = factories.departement()
    epci = factories.epci(nom="CC du Val Témoin")
    communes = [factories.commune(departement, epci) for _ in range(n_communes)]
    dossiers = [factories.dossier(communes=[c]) for c in communes[:n_dossiers]]
    return epci, communes, dossiers


def test_epci_page_lists_members_with_pvd_marker_and_dossiers_within_scope(client, login_as):
    epci, communes, (mine, theirs) = _epci_with_dossiers(3, 2)
    login_as(Role.CHEF_DE_PROJET, dossier_id=mine.id)
    html = client.get(f"/epci/{epci.siren}").get_data(as_text=True)
    assert _rows(html) == sorted(c.nom for c in communes)
    assert "Communes membres (3)" in html
    assert html.count("PVD<span") == 2
    assert f'href="/dossiers/{mine.id}"' in html
    assert theirs.nom in html and f'href="/dossiers/{theirs.id}"' not in html


def test_search_epci_by_name_and_siren(referentiel, client, login_as):
    login_as(factories.user())
    html = client.get("/epci", query_string={"q": "rambouillet"}).get_data(as_text=True)
    assert _rows(html) == ["CA Rambouillet Territoires"]
    assert "Communauté d&#39;agglomération" in html
    html = client.get("/epci", query_string={"q": "200073344"}).get_data(as_text=True)
    assert _rows(html) == ["CA Rambouillet Territoires"]
    html = client.get("/epci", query_string={"q": "CŒUR DE CHARTREUSE"}).get_data(as_text=True)
    assert _rows(html) == ["CC Coeur de Chartreuse"]
    html = client.get("/epci", query_string={"q": "nulle part"}).get_data(as_text=True)
    assert "Aucune intercommunalité ne correspond" in html


def test_epci_list_counts_members_and_pvd(client, login_as):
    epci, _, _ = _epci_with_dossiers(4, 1)
    login_as(factories.user())
    html = client.get("/epci", query_string={"q": "val temoin"}).get_data(as_text=True)
    cells = re.findall(r'<td class="fr-cell--right">([^<]+)</td>', html)
    assert cells == ["4", "1"]


def _queries(client, count_queries, url, **params) -> int:
    with count_queries() as counter:
        response = client.get(url, query_string=params)
    assert response.status_code == 200
    return counter.count


def test_list_pages_use_a_bounded_number_of_queries(referentiel, client, login_as, count_queries):
    login_as(Role.ANCT)
    factories.dossier(communes=[factories.commune(nom="Abbeville-Témoin")])
    one = _queries(client, count_queries, "/communes", q="78003")
    page = _queries(client, count_queries, "/communes")  # 25 communes, several EPCI
    assert one == page <= 8  # the bell's unread count included
    one = _queries(client, count_queries, "/epci", q="200073344")
    page = _queries(client, count_queries, "/epci")
    assert one == page <= 8  # the bell's unread count included


def test_detail_pages_use_a_bounded_number_of_queries(client, login_as, count_queries):
    small, _, small_dossiers = _epci_with_dossiers(1, 1)
    large, _, large_dossiers = _epci_with_dossiers(12, 6)
    login_as(Role.CHEF_DE_PROJET, dossier_id=large_dossiers[0].id)
    assert _queries(client, count_queries, f"/epci/{small.siren}") == \
        _queries(client, count_queries, f"/epci/{large.siren}") <= 9  # the bell included
    commune = small_dossiers[0].communes[0]
    assert _queries(client, count_queries, f"/communes/{commune.insee}") <= 9


def test_search_epci_spells_out_abbreviations_on_both_sides(referentiel, client, login_as):
    login_as(factories.user())
    for q in ("saint gildas", "ST-GILDAS", "Pontchateau st gildas"):
        html = client.get("/epci", query_string={"q": q}).get_data(as_text=True)
        assert _rows(html) == ["CC du Pays de Pontchâteau St-Gildas-des-Bois"], q
