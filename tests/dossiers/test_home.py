"""The home list "Mes dossiers": search, filters, pagination, bounded SQL."""
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
    login_as(Role.ADMIN)
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
