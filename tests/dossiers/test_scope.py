"""Who sees which dossier: one scope query, used by lists and by the dossier page."""
import pytest

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import Dossier
from tests import factories


@pytest.fixture
def geography():
    """Two régions, three départements, two EPCI, dossiers spread among them."""
    region_a, region_b = factories.region(), factories.region()
    dep_a1, dep_a2 = factories.departement(region_a), factories.departement(region_a)
    dep_b = factories.departement(region_b)
    epci_1, epci_2 = factories.epci(), factories.epci()
    c1 = factories.commune(dep_a1, epci_1)
    c2 = factories.commune(dep_a1, epci_1)
    c3 = factories.commune(dep_a2, epci_2)
    c4 = factories.commune(dep_b, epci_2)
    return {
        "region_a": region_a, "dep_a1": dep_a1, "dep_b": dep_b, "epci_1": epci_1,
        "epci_2": epci_2, "c1": c1, "c2": c2, "c4": c4,
        "d12": factories.dossier([c1, c2]),
        "d3": factories.dossier([c3]),
        "d4": factories.dossier([c4]),
    }


def visible(user) -> set[int]:
    return set(db.session.scalars(Dossier.visible_to(user).with_only_columns(Dossier.id)))


def test_commune_sees_the_dossier_of_its_commune_only(geography):
    user = factories.user_with_role(Role.COMMUNE, commune_insee=geography["c2"].insee)
    assert visible(user) == {geography["d12"].id}


def test_epci_sees_the_dossiers_of_its_member_communes(geography):
    user = factories.user_with_role(Role.EPCI, epci_siren=geography["epci_2"].siren)
    assert visible(user) == {geography["d3"].id, geography["d4"].id}


def test_chef_de_projet_sees_assigned_dossiers(geography):
    user = factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=geography["d4"].id)
    assert visible(user) == {geography["d4"].id}


def test_prefecture_sees_its_departement(geography):
    user = factories.user_with_role(Role.PREFECTURE, departement_code=geography["dep_a1"].code)
    assert visible(user) == {geography["d12"].id}


def test_partenaire_sees_its_region_or_departement(geography):
    by_region = factories.user_with_role(
        Role.PARTENAIRE, organisation="Anah", region_code=geography["region_a"].code)
    by_departement = factories.user_with_role(
        Role.PARTENAIRE, organisation="Cerema", departement_code=geography["dep_b"].code)
    assert visible(by_region) == {geography["d12"].id, geography["d3"].id}
    assert visible(by_departement) == {geography["d4"].id}


def test_anct_sees_everything_and_admin_alone_sees_no_dossier(geography):
    anct = factories.user_with_role(Role.ANCT)
    admin = factories.user_with_role(Role.ADMIN)
    assert {geography[k].id for k in ("d12", "d3", "d4")} <= visible(anct)
    assert visible(admin) == set()


def test_several_roles_add_up(geography):
    user = factories.user_with_role(Role.COMMUNE, commune_insee=geography["c1"].insee)
    factories.grant(user, Role.CHEF_DE_PROJET, dossier_id=geography["d4"].id)
    assert visible(user) == {geography["d12"].id, geography["d4"].id}


def test_a_revoked_grant_gives_nothing(geography):
    from app.core.formatting import utcnow

    user = factories.user_with_role(Role.PREFECTURE, departement_code=geography["dep_a1"].code)
    user.grants[0].revoked_at = utcnow()
    assert visible(user) == set()


def test_can_view_agrees_with_the_list(geography):
    user = factories.user_with_role(Role.EPCI, epci_siren=geography["epci_1"].siren)
    for key in ("d12", "d3", "d4"):
        dossier = geography[key]
        assert dossier.can_view(user) == (dossier.id in visible(user))
