"""Granting and revoking roles: scopes checked against the reference, nothing ever deleted."""
import pytest
from sqlalchemy import func, select

from app.auth.models import RoleGrant
from app.auth.roles import Role
from app.core.db import db
from tests import factories


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


@pytest.fixture
def target():
    user = factories.user(nom="Théo Cible")
    db.session.commit()
    return user


def grant(client, user, **fields):
    return client.post(f"/admin/utilisateurs/{user.id}/roles/nouveau", data=fields)


def grants_of(user) -> list[RoleGrant]:
    db.session.expire_all()
    return db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": "commune", "commune_insee": "12345"}, "Aucune commune n'a le code INSEE 12345."),
    ({"role": "commune"}, "Indiquez la commune"),
    ({"role": "epci", "epci_siren": "200000000"}, "Aucun EPCI n'a le numéro SIREN 200000000."),
    ({"role": "chef_de_projet", "dossier": "pvd-99-99-9"},
     "Aucun dossier n'a le numéro ou la référence «\u00a0pvd-99-99-9\u00a0»."),
    ({"role": "prefecture", "departement_code": "ZZ"}, "Aucun département n'a le code ZZ."),
    ({"role": "partenaire", "departement_code": "17"}, "Choisissez l'organisation du partenaire."),
    ({"role": "partenaire", "organisation": "Anah"},
     "Indiquez le département ou la région où intervient le partenaire."),
    ({"role": "partenaire", "organisation": "Anah", "region_code": "ZZ"},
     "Aucune région n'a le code ZZ."),
    ({"role": "partenaire", "organisation": "Anah", "region_code": "75", "departement_code": "17"},
     "Indiquez un département ou une région, pas les deux."),
    ({"role": ""}, "Choisissez un rôle."),
    ({"role": "maire"}, "N'est pas un choix valide."),
])
def test_a_bad_scope_is_a_french_form_error_and_creates_nothing(client, admin, target, fields, message):
    response = grant(client, target, **fields)
    assert response.status_code == 200
    assert message in text(response)
    assert grants_of(target) == []


def test_each_role_gets_the_scope_it_needs(client, admin, target):
    region = factories.region()
    dep = factories.departement(region)
    epci = factories.epci()
    commune = factories.commune(dep, epci)
    dossier = factories.dossier([commune])
    db.session.commit()
    for fields in [
        {"role": "commune", "commune_insee": commune.insee.lower()},
        {"role": "epci", "epci_siren": epci.siren},
        {"role": "chef_de_projet", "dossier": dossier.reference.upper()},
        {"role": "prefecture", "departement_code": dep.code},
        {"role": "partenaire", "organisation": "Cerema", "region_code": region.code},
        {"role": "anct", "commune_insee": "champ ignoré pour ce rôle"},
    ]:
        assert grant(client, target, **fields).status_code == 302, fields
    # The same dossier by its number is the same grant: refused.
    again = grant(client, target, role="chef_de_projet", dossier=str(dossier.id))
    assert "a déjà le rôle" in text(again)
    made = {(g.role, g.commune_insee, g.epci_siren, g.dossier_id, g.departement_code,
             g.region_code, g.organisation, g.granted_by_id) for g in grants_of(target)}
    assert made == {
        (Role.COMMUNE, commune.insee, None, None, None, None, None, admin.id),
        (Role.EPCI, None, epci.siren, None, None, None, None, admin.id),
        (Role.CHEF_DE_PROJET, None, None, dossier.id, None, None, None, admin.id),
        (Role.PREFECTURE, None, None, None, dep.code, None, None, admin.id),
        (Role.PARTENAIRE, None, None, None, None, region.code, "Cerema", admin.id),
        (Role.ANCT, None, None, None, None, None, None, admin.id),
    }


def test_an_identical_active_grant_is_refused(client, admin, target):
    dep = factories.departement()
    db.session.commit()
    assert grant(client, target, role="prefecture", departement_code=dep.code).status_code == 302
    response = grant(client, target, role="prefecture", departement_code=dep.code)
    assert "Théo Cible a déjà le rôle «\u00a0Préfecture\u00a0» sur ce périmètre." in text(response)
    assert len(grants_of(target)) == 1


def test_a_revoked_grant_can_be_given_again(client, admin, target):
    old = factories.grant(target, Role.ANCT)
    db.session.commit()
    client.post(f"/admin/roles/{old.id}/retirer")
    assert grant(client, target, role="anct").status_code == 302
    assert sorted(g.revoked_at is None for g in grants_of(target)) == [False, True]


def test_revoking_asks_for_confirmation_then_keeps_the_row(client, admin, target):
    kept = factories.grant(target, Role.ANCT)
    db.session.commit()
    page = text(client.get(f"/admin/roles/{kept.id}/retirer"))
    assert "Voulez-vous retirer à" in page and "Théo Cible" in page
    assert grants_of(target)[0].revoked_at is None  # looking is not revoking

    response = client.post(f"/admin/roles/{kept.id}/retirer")
    assert response.status_code == 302
    [row] = grants_of(target)
    assert row.revoked_at is not None and row.revoked_by_id == admin.id

    history = text(client.get(f"/admin/utilisateurs/{target.id}"))
    assert "Rôles retirés" in history and "par Alice Admin" in history
    assert "Aucun rôle actif" in history


def test_revoking_twice_says_so(client, admin, target):
    kept = factories.grant(target, Role.ANCT)
    db.session.commit()
    client.post(f"/admin/roles/{kept.id}/retirer")
    page = text(client.post(f"/admin/roles/{kept.id}/retirer", follow_redirects=True))
    assert "Ce rôle a déjà été retiré le" in page


def test_an_admin_cannot_revoke_their_own_last_admin_role(client, admin):
    [own] = admin.grants
    page = text(client.post(f"/admin/roles/{own.id}/retirer", follow_redirects=True))
    assert "Vous ne pouvez pas retirer votre propre rôle d'administrateur" in page
    assert grants_of(admin)[0].revoked_at is None


def test_an_admin_with_two_admin_grants_may_drop_one(client, admin):
    second = factories.grant(admin, Role.ADMIN)
    db.session.commit()
    assert client.post(f"/admin/roles/{second.id}/retirer").status_code == 302
    assert sorted(g.revoked_at is None for g in grants_of(admin)) == [False, True]


def test_another_admin_can_be_revoked(client, admin):
    other = factories.user_with_role(Role.ADMIN)
    db.session.commit()
    client.post(f"/admin/roles/{other.grants[0].id}/retirer")
    assert grants_of(other)[0].revoked_at is not None


def test_unknown_user_or_grant_is_404(client, admin):
    assert client.get("/admin/utilisateurs/999999").status_code == 404
    assert client.get("/admin/roles/999999/retirer").status_code == 404


def test_the_user_page_shows_the_grants_with_who_and_when(client, admin, target):
    dep = factories.departement(nom="Charente-Maritime", code="Z17")
    db.session.commit()
    grant(client, target, role="prefecture", departement_code="z17")
    page = text(client.get(f"/admin/utilisateurs/{target.id}"))
    assert "Département\u00a0: Charente-Maritime (Z17)" in page and "par Alice Admin" in page
    assert db.session.scalar(select(func.count(RoleGrant.id)).where(
        RoleGrant.user_id == target.id, RoleGrant.departement_code == dep.code)) == 1
