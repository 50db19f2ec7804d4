"""The home list "Mes dossiers": search, filters, pagination, bounded SQL."""
import re

from app.auth.roles import Role
from app.dossiers.models import DossierEtat
from tests import factories


def test_home_lists_search_and_filters(client, login_as):
    dep = factories.departement()
    epci = factories.epci()
    factories.dossier([factories.commune(dep, epci, nom="Saint-Lô-sur-Mer")])
    factories.dossier([factories.commune(dep, epci, nom="Bourg-la-Reine")], etat=DossierEtat.SORTI)
    login_as(Role.PREFECTURE, departement_code=dep.code)

    page = client.get("/").get_data(as_text=True)
    assert "Saint-Lô-sur-Mer" in page and "Bourg-la-Reine" in page

    page = client.get("/?q=saint-lô").get_data(as_text=True)
    assert "Saint-Lô-sur-Mer" in page and "Bourg-la-Reine" not in page

    page = client.get("/?etat=sorti").get_data(as_text=True)
    assert "Bourg-la-Reine" in page and "Saint-Lô-sur-Mer" not in page

    page = client.get("/?q=introuvable").get_data(as_text=True)
    assert "Aucun dossier ne correspond" in page


def test_home_paginates(client, login_as, app):
    dep = factories.departement()
    epci = factories.epci()
    for n in range(app.config["PAGE_SIZE"] + 3):
        factories.dossier([factories.commune(dep, epci, nom=f"Ville {n:03d}")])
    login_as(Role.PREFECTURE, departement_code=dep.code)
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)
    assert "Ville 000" in first and "Ville 025" not in first
    assert "Ville 025" in second and "page 2 sur 2" in second
    assert 'aria-label="Pagination"' in first


def test_home_without_scope_shows_an_empty_state(client, login_as):
    factories.dossier()
    login_as(Role.PREFECTURE, departement_code=factories.departement().code)
    page = client.get("/").get_data(as_text=True)
    assert "Aucun dossier dans votre périmètre" in page


def _prefecture_home_statements(client, login_as, count_queries, dossiers: int) -> int:
    dep = factories.departement()
    epci = factories.epci()
    for n in range(dossiers):
        communes = [factories.commune(dep, epci) for _ in range(1 + n % 3)]
        factories.dossier(communes)
    login_as(Role.PREFECTURE, departement_code=dep.code)
    with count_queries() as counter:
        response = client.get("/?page=1")
    assert response.status_code == 200
    return counter.count


def test_prefecture_home_sql_does_not_grow_with_dossiers(client, login_as, count_queries, app,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 500)  # all 200 dossiers on one page
    few = _prefecture_home_statements(client, login_as, count_queries, 10)
    many = _prefecture_home_statements(client, login_as, count_queries, 200)
    assert few == many, f"{few} requêtes pour 10 dossiers, {many} pour 200"


def _listed(client, q: str) -> set[str]:
    page = client.get("/", query_string={"q": q}).get_data(as_text=True)
    return set(re.findall(r'<a href="/dossiers/\d+">([^<]+)</a>', page))


def test_home_search_by_commune_or_epci_name_code_siren_and_reference(client, login_as):
    dep = factories.departement()
    saintonge = factories.epci(nom="CC de la Haute-Saintonge", siren="Z00041523")
    vallee = factories.epci(nom="CA L'Isle-d'Abeau Vallée", siren="Z00000002")
    jonzac = factories.dossier([factories.commune(dep, saintonge, nom="Jonzac", insee="Z7197"),
                                factories.commune(dep, saintonge, nom="Montendre")],
                               reference="pvd-75-17-4", nom="Jonzac et Montendre")
    rouvray = factories.dossier([factories.commune(dep, vallee, nom="Saint-Étienne-du-Rouvray")],
                                nom="Saint-Étienne-du-Rouvray")
    sainte = factories.dossier([factories.commune(dep, None, nom="Sainte-Foy-lès-Lyon")],
                               nom="Sainte-Foy-lès-Lyon")
    login_as(Role.PREFECTURE, departement_code=dep.code)
    every = {jonzac.nom, rouvray.nom, sainte.nom}
    assert _listed(client, "") == every

    assert _listed(client, "ST ETIENNE") == {rouvray.nom}
    assert _listed(client, "st-étienne du rouvray") == {rouvray.nom}
    assert _listed(client, "STE FOY") == {sainte.nom}
    assert _listed(client, "montendre") == {jonzac.nom}  # any commune of the group
    assert _listed(client, "z7197") == {jonzac.nom}  # INSEE code, any case
    assert _listed(client, "haute saintonge") == {jonzac.nom}  # EPCI name
    assert _listed(client, "l isle d'abeau") == {rouvray.nom}  # apostrophes and hyphens as spaces
    assert _listed(client, "Z00 041 523") == {jonzac.nom}  # SIREN, spaces ignored
    assert _listed(client, "PVD-75-17-4") == {jonzac.nom}  # reference, any case
    assert _listed(client, "pvd-75-17") == {jonzac.nom}  # its beginning
    assert _listed(client, "'-") == set()  # punctuation only matches nothing
    assert _listed(client, "%") == set()  # no LIKE wildcard


def test_home_search_stays_within_the_users_scope(client, login_as):
    mine, other = factories.departement(), factories.departement()
    factories.dossier([factories.commune(mine, None, nom="Saint-Jean-de-Luz")], nom="Ici")
    factories.dossier([factories.commune(other, None, nom="Saint-Jean-d'Angély")], nom="Ailleurs")
    login_as(Role.PREFECTURE, departement_code=mine.code)
    assert _listed(client, "st jean") == {"Ici"}


def _page_ids(client, **args) -> list[int]:
    html = client.get("/", query_string=args).get_data(as_text=True)
    return [int(n) for n in re.findall(r'<a href="/dossiers/(\d+)">', html)]


def _programme_in_three_departements():
    """Dossiers in three départements, with names repeated within each (the id orders them),
    some withdrawn: the list's order and its filters have something to tell apart."""
    dossiers = []
    for code in ("Z3", "Z1", "Z2"):
        dep = factories.departement(code=code)
        for n in range(7):
            etat = DossierEtat.SORTI if n % 3 == 0 else DossierEtat.LABELLISE
            nom = f"Bourg {n % 4}"
            dossiers.append(factories.dossier([factories.commune(dep, nom=nom)], nom=nom, etat=etat))
    return sorted(dossiers, key=lambda d: (d.departement_code, d.nom, d.id))


def test_home_pages_cut_the_ordered_list_without_repeating_or_skipping_a_dossier(
        client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    ordered = _programme_in_three_departements()
    login_as(Role.ANCT)
    pages = [_page_ids(client, page=n) for n in range(1, 7)]
    assert [len(ids) for ids in pages] == [4, 4, 4, 4, 4, 1]
    assert sum(pages, []) == [d.id for d in ordered]
    assert "page 6 sur 6" in client.get("/?page=6").get_data(as_text=True)


def test_home_pages_of_a_filtered_list_hold_the_filtered_dossiers_in_order(
        client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    ordered = _programme_in_three_departements()
    login_as(Role.ANCT)
    for args, expected in [
        ({"etat": "sorti"}, [d for d in ordered if d.etat == DossierEtat.SORTI]),
        ({"departement": "Z2"}, [d for d in ordered if d.departement_code == "Z2"]),
        ({"q": "bourg", "etat": "labellise"}, [d for d in ordered if d.etat == DossierEtat.LABELLISE]),
        ({"q": "bourg 1"}, [d for d in ordered if d.nom == "Bourg 1"]),
    ]:
        count = -(-len(expected) // 4)
        pages = [_page_ids(client, page=n, **args) for n in range(1, count + 1)]
        assert sum(pages, []) == [d.id for d in expected], args
        assert _page_ids(client, page=count + 1, **args) == pages[-1], args


def test_home_page_past_the_end_reads_no_more_than_a_page_in_range(client, login_as, app, monkeypatch,
                                                                    count_queries):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    ordered = _programme_in_three_departements()
    login_as(Role.ANCT)
    client.get("/?page=2")
    with count_queries() as in_range:
        client.get("/?page=2")
    with count_queries() as past_the_end:
        html = client.get("/?page=40").get_data(as_text=True)
    assert "page 6 sur 6" in html and "la liste compte 6\u00a0pages, voici la dernière" in html
    assert _page_ids(client, page=40) == [ordered[-1].id]
    assert past_the_end.count == in_range.count


def _departement_options(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    select = html.split('id="departement"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"', select)


def test_the_departement_filter_offers_the_departements_of_the_users_dossiers(client, login_as):
    north, south = factories.region(), factories.region()
    ours, neighbour, elsewhere, empty = (factories.departement(north), factories.departement(north),
                                        factories.departement(south), factories.departement(north))
    epci = factories.epci()
    mine = factories.dossier([factories.commune(ours, epci)])
    factories.dossier([factories.commune(neighbour)])
    factories.dossier([factories.commune(elsewhere)])
    assert empty.code  # a département of the region without a dossier: never offered
    login_as(Role.PARTENAIRE, region_code=north.code, organisation="Banque des territoires")
    assert _departement_options(client) == sorted([ours.code, neighbour.code])
    login_as(Role.COMMUNE, commune_insee=mine.liens_communes[0].commune_insee)
    assert _departement_options(client) == [ours.code]
    login_as(Role.EPCI, epci_siren=epci.siren)
    assert _departement_options(client) == [ours.code]
    login_as(Role.ANCT)
    assert set(_departement_options(client)) >= {ours.code, neighbour.code, elsewhere.code}
    assert empty.code not in _departement_options(client)
