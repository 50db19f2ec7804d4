"""Each demo account logs in through the form and sees, on its home, what its scope gives."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import demo_email, login

NOUVELLE_AQUITAINE = {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}


def departement_codes(page) -> list[str]:
    """The département code of every dossier listed on the page ("17 — Charente-Maritime")."""
    cells = page.locator("#liste-dossiers tbody tr td:nth-child(4)").all_inner_texts()
    return [cell.split("—")[0].strip() for cell in cells]


def dossier_total(page) -> int:
    summary = page.get_by_text(re.compile(r"dossiers? — page \d+ sur \d+")).inner_text()
    return int(re.sub(r"\D", "", summary.split("dossier")[0]))


def expect_home(page):
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1, name="Mes dossiers")).to_be_visible()
    expect(page.get_by_text("Bienvenue,")).to_be_visible()


@pytest.mark.parametrize("role", ["commune", "epci", "chef-de-projet"])
def test_local_accounts_see_the_jonzac_dossier(page, role):
    login(page, demo_email(role))
    expect_home(page)
    rows = page.locator("#liste-dossiers tbody tr")
    expect(rows.filter(has_text="pvd-75-17-4")).to_have_count(1)
    expect(rows.filter(has_text="pvd-75-17-4")).to_contain_text("Jonzac")


def test_prefecture_sees_the_dossiers_of_charente_maritime_only(page):
    login(page, demo_email("prefecture"))
    expect_home(page)
    codes = departement_codes(page)
    assert len(codes) >= 5
    assert set(codes) == {"17"}
    assert 5 <= dossier_total(page) <= 25


def test_anct_sees_every_dossier_of_the_programme(page):
    login(page, demo_email("anct"))
    expect_home(page)
    assert dossier_total(page) > 1000
    assert len(set(departement_codes(page))) > 1
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()


def test_partenaire_sees_the_dossiers_of_its_region_only(page):
    login(page, demo_email("partenaire"))
    expect_home(page)
    assert set(departement_codes(page)) <= NOUVELLE_AQUITAINE
    options = page.locator("#departement option:not([value=''])").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert set(options) <= NOUVELLE_AQUITAINE and len(options) > 1
    # The last page too: the order is by département, so a leak would show at the end.
    page.get_by_role("link", name="Dernière page").click()
    assert set(departement_codes(page)) <= NOUVELLE_AQUITAINE
    assert 100 < dossier_total(page) < 300


def test_admin_without_dossier_roles_lands_on_the_users_list(page):
    login(page, demo_email("admin"))
    expect(page).to_have_url(re.compile(r"/admin/utilisateurs$"))
    expect(page.get_by_role("heading", level=1, name="Utilisateurs")).to_be_visible()
    expect(page.get_by_text("Bienvenue,")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    users = menu.get_by_role("link", name="Utilisateurs")
    expect(users).to_have_attribute("href", "/admin/utilisateurs")
    expect(users).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="Mes dossiers")).to_have_count(0)
    # The logo, too, leads there: there is no dossier to list.
    page.locator(".fr-header__service a").click()
    expect(page).to_have_url(re.compile(r"/admin/utilisateurs$"))


def test_the_login_page_lists_the_demo_accounts(page):
    page.goto("/connexion")
    demo = page.locator("#comptes-demonstration")
    expect(demo).to_contain_text("prefecture@jalons.example")
    expect(demo).to_contain_text("jalons-demo-2026")
    expect(page.locator("main")).not_to_contain_text("README")


def test_only_the_admin_has_the_users_link(page):
    login(page, demo_email("anct"))
    expect(page.get_by_role("link", name="Utilisateurs")).to_have_count(0)


def test_header_links_to_the_password_change(page):
    login(page, demo_email("epci"))
    page.get_by_role("banner").get_by_role("link", name="Changer mon mot de passe").click()
    expect(page).to_have_url(re.compile(r"/mon-compte/mot-de-passe$"))
    expect(page.get_by_role("heading", level=1, name="Changer mon mot de passe")).to_be_visible()


def test_anonymous_header_has_no_password_link(page):
    page.goto("/connexion")
    expect(page.get_by_role("link", name="Changer mon mot de passe")).to_have_count(0)


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(page):
    login(page, demo_email("epci"), password="pas-le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/connexion"))
    expect(page.get_by_role("alert")).to_have_text("Adresse électronique ou mot de passe incorrect.")
    expect(page.get_by_role("heading", level=1, name="Se connecter à Jalons")).to_be_visible()
    expect(page.get_by_label("Adresse électronique")).to_have_value(demo_email("epci"))
    expect(page.get_by_label("Mot de passe")).to_have_value("")


def test_logout_ends_the_session(page):
    login(page, demo_email("commune"))
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion"))


@pytest.mark.parametrize("email", ["commune-courcon@jalons.example", "epci-aunis-atlantique@jalons.example",
                                   "chef-de-projet-courcon@jalons.example"])
def test_second_local_accounts_see_the_dossier_of_courcon(page, email):
    login(page, email)
    expect_home(page)
    rows = page.locator("#liste-dossiers tbody tr")
    expect(rows.filter(has_text="pvd-75-17-2")).to_have_count(1)
    expect(rows.filter(has_text="pvd-75-17-2")).to_contain_text("Courçon")


def test_epci_follows_the_avenants_of_marans_in_every_state(page):
    login(page, "epci-aunis-atlantique@jalons.example")
    page.locator("#liste-dossiers").get_by_role("link", name="Marans", exact=True).click()
    avenants = page.locator("#avenants li")
    expect(avenants).to_have_count(4)
    for numero, etat in enumerate(["Avenant signé", "Avenant à compléter", "Avenant déposé (en instruction)",
                                   "Avenant en rédaction"], 1):
        expect(avenants.nth(numero - 1)).to_contain_text(f"Avenant n° {numero} — {etat}")
    # the one still being written: the EPCI deposits it once the draft is there
    page.get_by_role("link", name="Avenant n° 4", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Avenant n° 4")).to_be_visible()
    expect(page.get_by_text("Ajouter le projet d'avenant, puis le déposer auprès de la préfecture.")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Avenant n° 2", exact=True).click()  # to be completed: the EPCI deposits again
    expect(page.get_by_text("Déposer à nouveau l'avenant").first).to_be_visible()  # offered, with what it still needs
    expect(page.get_by_text("Projet d'avenant n° 2").first).to_be_visible()
