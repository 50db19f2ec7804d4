"""An admin's first page is the users list; the users list names each role's scope."""
import re

import pytest

from app.auth.roles import Role
from app.core.db import db
from tests import factories

PASSWORD = "une phrase de passe solide"


def menu(html: str) -> list[str]:
    nav = html[html.index('id="navigation-principale"'):]
    nav = nav[:nav.index("</nav>")]
    return re.findall(r'class="fr-nav__link" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def log_in(client, user):
    db.session.commit()
    return client.post("/connexion", data={"email": user.email, "password": PASSWORD})


def test_an_admin_only_user_lands_on_the_users_list(client):
    admin = factories.user_with_role(Role.ADMIN, factories.user(password=PASSWORD))
    response = log_in(client, admin)
    assert response.status_code == 302 and response.location.endswith("/admin/utilisateurs")
    page = client.get("/admin/utilisateurs").get_data(as_text=True)
    assert menu(page) == ["Utilisateurs", "Communes", "Intercommunalités", "Aide", "Envois"]
    assert 'aria-current="page">Utilisateurs' in page
    # The home page and the logo lead there too: there is no dossier to list.
    home = client.get("/")
    assert home.status_code == 302 and home.location.endswith("/admin/utilisateurs")
    assert 'href="/admin/utilisateurs" title="Accueil' in page
    assert client.get("/connexion").location.endswith("/admin/utilisateurs")


def test_an_admin_with_another_role_keeps_the_home_list_and_gets_the_menu_entry(client):
    user = factories.user(password=PASSWORD)
    factories.grant(user, Role.ADMIN)
    factories.grant(user, Role.PREFECTURE, departement_code=factories.departement().code)
    response = log_in(client, user)
    assert response.status_code == 302 and response.location.endswith("/")
    page = client.get("/").get_data(as_text=True)
    assert "<h1" in page and "Mes dossiers" in page
    assert menu(page) == ["Mes dossiers", "Instruction", "Tableaux de bord", "Communes", "Intercommunalités", "Aide",
                          "Utilisateurs", "Envois"]


def test_a_revoked_role_does_not_count(client):
    user = factories.user(password=PASSWORD)
    factories.grant(user, Role.ADMIN)
    old = factories.grant(user, Role.ANCT)
    old.revoked_at = old.granted_at
    assert log_in(client, user).location.endswith("/admin/utilisateurs")


def test_other_users_see_no_users_entry(client, login_as):
    login_as(Role.ANCT)
    page = client.get("/").get_data(as_text=True)
    assert menu(page) == ["Mes dossiers", "Tableaux de bord", "Communes", "Intercommunalités", "Paramètres", "Aide"]


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


def test_the_users_list_says_each_roles_scope_in_words(client, admin):
    region = factories.region(nom="Nouvelle-Aquitaine", code="Z75")
    dep = factories.departement(region, nom="Charente-Maritime", code="Z17")
    epci = factories.epci(nom="CC de la Haute-Saintonge", siren="Z00041523")
    jonzac = factories.commune(dep, epci, nom="Jonzac", insee="Z7197")
    dossier = factories.dossier([jonzac], reference="pvd-75-17-4", nom="Jonzac")
    user = factories.user(nom="Bernard Multi")
    factories.grant(user, Role.PREFECTURE, departement_code=dep.code)
    factories.grant(user, Role.COMMUNE, commune_insee=jonzac.insee)
    factories.grant(user, Role.EPCI, epci_siren=epci.siren)
    factories.grant(user, Role.CHEF_DE_PROJET, dossier_id=dossier.id)
    factories.grant(user, Role.PARTENAIRE, organisation="Anah", region_code=region.code)
    factories.grant(user, Role.ANCT)
    revoked = factories.grant(user, Role.PREFECTURE, departement_code=factories.departement().code)
    revoked.revoked_at = revoked.granted_at
    db.session.commit()
    page = client.get("/admin/utilisateurs?q=multi").get_data(as_text=True).replace("&#39;", "'")
    row = page[page.index("Bernard Multi"):page.index("</tr>", page.index("Bernard Multi"))]
    assert re.findall(r"<li>([^<]+)</li>", row) == [
        "ANCT (direction du programme)",
        "Chef de projet — Jonzac (pvd-75-17-4)",
        "Commune — Jonzac (Z7197)",
        "Intercommunalité (EPCI) — CC de la Haute-Saintonge (Z00041523)",
        "Partenaire — Anah, Nouvelle-Aquitaine (Z75)",
        "Préfecture — Charente-Maritime (Z17)",
    ]
