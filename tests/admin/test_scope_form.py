"""The role form: each field says which role uses it, pickers offer names with their codes,
the server reads "Name (code)", a code or a unique name, and warns about a scope without
a PVD dossier."""
import re

import pytest
from sqlalchemy import select

from app.admin.forms import SCOPE_FIELDS
from app.admin.scopes import FIELDS_OF_ROLE, resolve_scope
from app.auth.models import RoleGrant
from app.auth.roles import Role
from app.core.db import db
from tests import factories


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


@pytest.fixture
def geo():
    region = factories.region(nom="Nouvelle-Aquitaine", code="Z75")
    dep = factories.departement(region, nom="Charente-Maritime", code="Z17")
    saintonge = factories.epci(nom="CC de la Haute-Saintonge", siren="Z00041523")
    vide = factories.epci(nom="CC Sans Dossier", siren="Z00000099")
    jonzac = factories.commune(dep, saintonge, nom="Jonzac", insee="Z7197")
    factories.commune(dep, vide, nom="Saint-Nulle-Part", insee="Z7999")
    factories.commune(dep, vide, nom="Doublon", insee="Z7001")
    factories.commune(dep, vide, nom="Doublon", insee="Z7002")
    dossier = factories.dossier([jonzac], reference="pvd-75-17-4", nom="Jonzac")
    db.session.commit()
    return {"region": region, "dep": dep, "jonzac": jonzac, "dossier": dossier}


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def grants_of(user) -> list[RoleGrant]:
    db.session.expire_all()
    return db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()


def test_every_scope_field_says_which_roles_use_it_and_the_script_is_served(client, admin, geo):
    target = factories.user()
    db.session.commit()
    page = text(client.get(f"/admin/utilisateurs/{target.id}/roles/nouveau"))
    wrappers = re.findall(r'data-roles="([^"]*)">.*?for="([a-z_]+)"', page, re.S)
    assert {field: roles for roles, field in wrappers} == {
        "commune_insee": "commune", "epci_siren": "epci", "dossier": "chef_de_projet",
        "departement_code": "prefecture partenaire", "organisation": "partenaire",
        "region_code": "partenaire",
    }
    assert '<script src="/static/js/perimetre.js" defer></script>' in page
    assert 'list="choix-communes"' in page and 'data-source="/admin/perimetres/communes"' in page
    assert '<option value="Charente-Maritime (Z17)">' in page  # départements listed whole
    assert '<option value="Nouvelle-Aquitaine (Z75)">' in page
    # Without a script, every field is there and the legend says what to fill.
    assert "Remplissez seulement ce que demande le rôle choisi" in page
    assert client.get("/static/js/perimetre.js").status_code == 200


def test_the_fields_of_each_role_are_all_it_reads(geo):
    """The script shows FIELDS_OF_ROLE; resolve_scope must need nothing else."""
    typed = {"commune_insee": "Z7197", "epci_siren": "Z00041523", "dossier": "pvd-75-17-4",
             "departement_code": "Z17", "organisation": "Anah", "region_code": ""}
    assert set(typed) == set(SCOPE_FIELDS)
    for role, fields in FIELDS_OF_ROLE.items():
        scope = resolve_scope(role, **{name: typed[name] for name in fields})
        assert scope == resolve_scope(role, **typed), role


@pytest.mark.parametrize(("fields", "column", "expected"), [
    ({"role": "commune", "commune_insee": "Jonzac (Z7197)"}, "commune_insee", "Z7197"),
    ({"role": "commune", "commune_insee": "jonzac"}, "commune_insee", "Z7197"),
    ({"role": "commune", "commune_insee": "JONZAC"}, "commune_insee", "Z7197"),
    ({"role": "epci", "epci_siren": "CC de la Haute-Saintonge (Z00041523)"}, "epci_siren", "Z00041523"),
    ({"role": "epci", "epci_siren": "cc de la haute saintonge"}, "epci_siren", "Z00041523"),
    ({"role": "chef_de_projet", "dossier": "Jonzac (pvd-75-17-4)"}, "dossier_id", "dossier"),
    ({"role": "prefecture", "departement_code": "Charente-Maritime (Z17)"}, "departement_code", "Z17"),
    ({"role": "prefecture", "departement_code": "charente maritime"}, "departement_code", "Z17"),
    ({"role": "partenaire", "organisation": "Anah", "region_code": "Nouvelle-Aquitaine (Z75)"},
     "region_code", "Z75"),
])
def test_a_picked_choice_a_code_or_a_unique_name_is_accepted(client, admin, geo, fields, column,
                                                            expected):
    target = factories.user()
    db.session.commit()
    response = client.post(f"/admin/utilisateurs/{target.id}/roles/nouveau", data=fields)
    assert response.status_code == 302, text(response)
    [grant] = grants_of(target)
    assert getattr(grant, column) == (geo["dossier"].id if expected == "dossier" else expected)


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": "commune", "commune_insee": "Doublon"},
     "Plusieurs communes s'appellent «\u00a0Doublon\u00a0»\u00a0: choisissez-la dans la liste ou indiquez son code INSEE."),
    ({"role": "commune", "commune_insee": "Atlantide"}, "Aucune commune ne s'appelle «\u00a0Atlantide\u00a0»."),
    ({"role": "commune", "commune_insee": "Jonzac (Z0000)"}, "Aucune commune n'a le code INSEE Z0000."),
    ({"role": "epci", "epci_siren": "CC Imaginaire"}, "Aucun EPCI ne s'appelle «\u00a0CC Imaginaire\u00a0»."),
    ({"role": "prefecture", "departement_code": "Gironde"}, "Aucun département ne s'appelle «\u00a0Gironde\u00a0»."),
    ({"role": "chef_de_projet", "dossier": "Jonzac (pvd-00-00-0)"},
     "Aucun dossier n'a le numéro ou la référence «\u00a0pvd-00-00-0\u00a0»."),
])
def test_an_unknown_or_ambiguous_name_is_a_form_error(client, admin, geo, fields, message):
    target = factories.user()
    db.session.commit()
    response = client.post(f"/admin/utilisateurs/{target.id}/roles/nouveau", data=fields)
    assert response.status_code == 200
    assert message in text(response)
    assert grants_of(target) == []


def test_a_commune_or_an_epci_without_dossier_is_granted_with_a_warning(client, admin, geo):
    target = factories.user(nom="Théo Cible")
    db.session.commit()
    url = f"/admin/utilisateurs/{target.id}/roles/nouveau"
    page = text(client.post(url, data={"role": "commune", "commune_insee": "Saint-Nulle-Part (Z7999)"},
                            follow_redirects=True))
    assert "Rôle «\u00a0Commune\u00a0» attribué à Théo Cible." in page
    assert ("Saint-Nulle-Part (Z7999) n'a pas de dossier Petites villes de demain\u00a0: ce rôle ne "
            "donne accès à aucun dossier pour l'instant.") in page
    page = text(client.post(url, data={"role": "epci", "epci_siren": "Z00000099"}, follow_redirects=True))
    assert "CC Sans Dossier n'a aucun dossier Petites villes de demain" in page
    page = text(client.post(url, data={"role": "commune", "commune_insee": "Z7197"}, follow_redirects=True))
    assert "attribué à Théo Cible" in page and "n'a pas de dossier" not in page
    assert len(grants_of(target)) == 3


def test_an_invitation_without_dossier_warns_too(client, admin, geo):
    page = text(client.post("/admin/utilisateurs/inviter", follow_redirects=True, data={
        "email": "nina@nulle-part.fr", "nom": "Nina", "role": "epci", "epci_siren": "CC Sans Dossier",
    }))
    assert "Invitation envoyée à nina@nulle-part.fr." in page
    assert "CC Sans Dossier n'a aucun dossier Petites villes de demain" in page


def test_the_picker_endpoint_offers_names_with_codes_and_pvd_status(client, admin, geo):
    def options(kind, q):
        response = client.get(f"/admin/perimetres/{kind}", query_string={"q": q})
        assert response.status_code == 200 and response.mimetype == "application/json"
        return response.get_json()["options"]

    assert options("communes", "jonz") == [{
        "value": "Jonzac (Z7197)", "label": "Charente-Maritime (Z17) — Petite ville de demain", "pvd": True,
    }]
    assert options("communes", "st nulle") == [{
        "value": "Saint-Nulle-Part (Z7999)", "label": "Charente-Maritime (Z17) — sans dossier PVD",
        "pvd": False,
    }]
    assert [o["value"] for o in options("communes", "Doublon (Z7002)")] == [
        "Doublon (Z7001)", "Doublon (Z7002)"]
    assert options("epci", "saintonge") == [{
        "value": "CC de la Haute-Saintonge (Z00041523)", "label": "avec des Petites villes de demain",
        "pvd": True,
    }]
    assert options("epci", "sans dossier")[0]["pvd"] is False
    assert options("dossiers", "jonzac") == [
        {"value": "Jonzac (pvd-75-17-4)", "label": "Charente-Maritime (Z17)"}
    ]
    assert options("communes", "j") == []  # one letter: too many to be useful
    assert client.get("/admin/perimetres/planetes?q=terre").status_code == 404


def test_the_picker_endpoint_is_for_admins_only(client, login_as):
    login_as(Role.PREFECTURE, departement_code=factories.departement().code)
    assert client.get("/admin/perimetres/communes?q=jonzac").status_code == 403
