"""The users list: admins only, searched, filtered, paginated, with a bounded number of queries."""
import re

import pytest

from app.auth.roles import Role
from app.core.db import db
from tests import factories


def listed(client, query="") -> list[str]:
    """The names in the table of the users list (the header also shows the admin's name)."""
    page = client.get("/admin/utilisateurs" + query).get_data(as_text=True)
    return re.findall(r'<a href="/admin/utilisateurs/\d+">([^<]+)</a>', page)


@pytest.fixture
def admin(login_as):
    alice = factories.user(nom="Alice Admin", password="mot de passe admin")
    return login_as(factories.user_with_role(Role.ADMIN, alice))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_other_roles_get_403_on_every_admin_page(client, login_as, role):
    target = factories.user()
    grant = factories.grant(target, Role.ANCT)
    login_as(factories.user_with_role(role))
    for method, url in [
        ("GET", "/admin/utilisateurs"),
        ("GET", f"/admin/utilisateurs/{target.id}"),
        ("GET", "/admin/utilisateurs/inviter"),
        ("POST", "/admin/utilisateurs/inviter"),
        ("GET", f"/admin/utilisateurs/{target.id}/roles/nouveau"),
        ("POST", f"/admin/utilisateurs/{target.id}/roles/nouveau"),
        ("POST", f"/admin/utilisateurs/{target.id}/invitation"),
        ("GET", f"/admin/roles/{grant.id}/retirer"),
        ("POST", f"/admin/roles/{grant.id}/retirer"),
        ("POST", f"/admin/utilisateurs/{target.id}/desactiver"),
        ("POST", f"/admin/utilisateurs/{target.id}/reactiver"),
    ]:
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/utilisateurs")
    assert response.status_code == 302 and "/connexion" in response.location


def test_search_by_name_or_email(client, admin):
    factories.user(nom="Bernard Dupont", email="b.dupont@saintes.fr")
    factories.user(nom="Chloé Martin", email="chloe@anah.gouv.fr")
    db.session.commit()
    assert listed(client, "?q=dupont") == ["Bernard Dupont"]
    assert listed(client, "?q=ANAH.gouv") == ["Chloé Martin"]


def test_percent_and_underscore_are_searched_as_themselves(client, admin):
    factories.user(nom="Commune à 100% rurale", email="rurale@commune-test.fr")
    factories.user(nom="Commune 1000 habitants", email="mille@commune-test.fr")
    factories.user(nom="Bureau d_etudes", email="be@commune-test.fr")
    factories.user(nom="Bureau d'etudes", email="be2@commune-test.fr")
    db.session.commit()
    assert listed(client, "?q=100%25") == ["Commune à 100% rurale"]
    assert listed(client, "?q=d_e") == ["Bureau d_etudes"]
    assert listed(client, "?q=%25") == ["Commune à 100% rurale"]


def test_filter_by_role_ignores_revoked_grants(client, admin):
    prefet = factories.user_with_role(Role.PREFECTURE, factories.user(nom="Paul Préfet"),
                                      departement_code=factories.departement().code)
    ancien = factories.user(nom="Ancien Préfet")
    old = factories.grant(ancien, Role.PREFECTURE, departement_code=prefet.grants[0].departement_code)
    old.revoked_at = old.granted_at
    factories.user_with_role(Role.ANCT, factories.user(nom="Anne Anct"))
    db.session.commit()
    assert listed(client, "?role=prefecture") == ["Paul Préfet"]


def test_filter_by_status(client, admin):
    factories.user(nom="Ivan Invité", password=None)
    factories.user(nom="Denis Désactivé", password="une phrase de passe", active=False)
    db.session.commit()
    assert listed(client, "?statut=invitation") == ["Ivan Invité"]
    assert listed(client, "?statut=desactive") == ["Denis Désactivé"]
    assert "Alice Admin" in listed(client, "?statut=actif")


def test_pagination(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 10)
    for n in range(24):
        factories.user(nom=f"Utilisateur {n:02d}")
    db.session.commit()
    assert "25\u00a0utilisateurs — page 1 sur 3" in client.get("/admin/utilisateurs").get_data(as_text=True)
    assert listed(client) == ["Alice Admin"] + [f"Utilisateur {n:02d}" for n in range(9)]
    assert listed(client, "?page=3") == [f"Utilisateur {n:02d}" for n in range(19, 24)]


def _users_with_grants(count: int):
    dep = factories.departement()
    for n in range(count):
        user = factories.user(nom=f"Agent {n:02d}")
        factories.grant(user, Role.PREFECTURE, departement_code=dep.code)
        factories.grant(user, Role.ANCT)
    db.session.commit()


def test_the_list_runs_the_same_number_of_queries_for_5_and_40_users(client, admin, count_queries):
    _users_with_grants(5)
    with count_queries() as few:
        assert client.get("/admin/utilisateurs").status_code == 200
    _users_with_grants(35)
    with count_queries() as many:
        page = client.get("/admin/utilisateurs")
    assert page.status_code == 200 and "41\u00a0utilisateurs" in page.get_data(as_text=True)
    assert many.count == few.count
    assert few.count <= 6, few.statements
