"""axe-core finds no WCAG 2.1 A/AA violation on the pages people use most."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, demo_email, login

JONZAC = "17197"
HAUTE_SAINTONGE = "200041523"


def test_login_page(axe_page):
    axe_page.goto("/connexion")
    assert_accessible(axe_page)


def test_login_page_with_field_errors(axe_page):
    axe_page.goto("/connexion")
    axe_page.get_by_role("button", name="Se connecter").click()
    expect(axe_page.get_by_text("Saisissez votre adresse électronique.")).to_be_visible()
    assert_accessible(axe_page)


def test_login_page_with_wrong_credentials(axe_page):
    login(axe_page, "personne@jalons.example", password="pas-le-bon")
    expect(axe_page.get_by_role("alert")).to_be_visible()
    assert_accessible(axe_page)


def test_prefecture_home(axe_page):
    login(axe_page, demo_email("prefecture"))
    expect(axe_page.locator("#liste-dossiers")).to_be_visible()
    assert_accessible(axe_page)


def test_prefecture_home_filtered(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.get_by_role("searchbox", name="Rechercher").fill("Jonzac")
    axe_page.get_by_label("Département").select_option("17")
    axe_page.get_by_role("button", name="Filtrer").click()
    expect(axe_page).to_have_url(re.compile(r"q=Jonzac"))
    assert_accessible(axe_page)


def test_prefecture_home_with_no_result(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto("/?q=aucune-commune-de-ce-nom")
    expect(axe_page.get_by_role("heading", name="Aucun dossier ne correspond")).to_be_visible()
    assert_accessible(axe_page)


def test_home_with_pagination(axe_page):
    # The 13 dossiers of the préfecture fit on one page: the ANCT's list has the pagination.
    login(axe_page, demo_email("anct"))
    axe_page.goto("/?page=2")
    expect(axe_page.get_by_role("navigation", name="Pagination")).to_be_visible()
    assert_accessible(axe_page)


def test_dossier_page(axe_page):
    login(axe_page, demo_email("commune"))
    axe_page.get_by_role("link", name=re.compile("Jonzac")).first.click()
    expect(axe_page.get_by_text("pvd-75-17-4")).to_be_visible()
    assert_accessible(axe_page)


def test_communes_search_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto("/communes?q=Jonzac")
    expect(axe_page.get_by_role("link", name="Jonzac", exact=True)).to_be_visible()
    assert_accessible(axe_page)


def test_commune_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto(f"/communes/{JONZAC}")
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text("Jonzac")
    assert_accessible(axe_page)


def test_epci_list_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto("/epci")
    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(axe_page)


def test_epci_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto(f"/epci/{HAUTE_SAINTONGE}")
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text("Haute Saintonge")
    assert_accessible(axe_page)


def test_not_found_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    response = axe_page.goto("/dossiers/999999999")
    assert response.status == 404
    expect(axe_page.get_by_role("heading", level=1, name="Page non trouvée")).to_be_visible()
    assert_accessible(axe_page)


def test_admin_users_page(axe_page):
    login(axe_page, demo_email("admin"))
    axe_page.goto("/admin/utilisateurs")
    expect(axe_page.get_by_text("prefecture@jalons.example")).to_be_visible()
    assert_accessible(axe_page)


def test_notifications_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(axe_page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(axe_page)


def test_notification_preferences_page(axe_page):
    login(axe_page, demo_email("commune"))
    axe_page.goto("/notifications/preferences")
    expect(axe_page.get_by_role("heading", name="Mes courriels")).to_be_visible()
    assert_accessible(axe_page)


def test_programme_settings_page(axe_page):
    login(axe_page, demo_email("anct"))
    axe_page.get_by_role("link", name="Paramètres").first.click()
    expect(axe_page.get_by_role("heading", name="Paramètres du programme")).to_be_visible()


def test_admin_users_page_as_first_page(axe_page):
    login(axe_page, demo_email("admin"))
    expect(axe_page).to_have_url(re.compile(r"/admin/utilisateurs$"))
    expect(axe_page.get_by_text("Préfecture — Charente-Maritime (17)")).to_be_visible()
    assert_accessible(axe_page)


def test_admin_invite_page_with_the_role_form_and_its_choices(axe_page):
    login(axe_page, demo_email("admin"))
    axe_page.goto("/admin/utilisateurs/inviter")
    assert_accessible(axe_page)  # nothing chosen: the scope fields are hidden
    axe_page.locator("#role").select_option(label="Partenaire")
    expect(axe_page.locator("#region_code")).to_be_visible()
    axe_page.locator("#role").select_option(label="Commune")
    axe_page.locator("#commune_insee").fill("Chablis (89068)")
    expect(axe_page.locator("[data-pvd-warning]")).to_be_visible()
    assert_accessible(axe_page)


def test_admin_grant_page_with_errors(axe_page):
    login(axe_page, demo_email("admin"))
    axe_page.get_by_role("link", name="Administration Jalons (démo)").click()
    axe_page.get_by_role("link", name="Attribuer un rôle").click()
    axe_page.locator("#role").select_option(label="Préfecture")
    axe_page.locator("#departement_code").fill("Atlantide")
    axe_page.get_by_role("button", name="Attribuer le rôle").click()
    expect(axe_page.get_by_text("Aucun département ne s'appelle")).to_be_visible()
    assert_accessible(axe_page)


def test_help_index_page(axe_page):
    login(axe_page, demo_email("commune"))
    axe_page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Aide").click()
    expect(axe_page.get_by_role("heading", level=1, name="Aide")).to_be_visible()
    assert_accessible(axe_page)


def test_help_parcours_page(axe_page):
    login(axe_page, demo_email("commune"))
    axe_page.goto("/aide/parcours")
    expect(axe_page.locator("#note-declarer_sortie")).to_be_visible()
    assert_accessible(axe_page)


def test_help_guide_page(axe_page):
    login(axe_page, demo_email("prefecture"))
    axe_page.goto("/aide")
    axe_page.get_by_role("link", name="Guide de la préfecture").click()
    expect(axe_page.get_by_role("heading", level=1, name="Guide de la préfecture")).to_be_visible()
    assert_accessible(axe_page)


@pytest.mark.parametrize("link", ["Accessibilité : partiellement conforme", "Mentions légales",
                                  "Données personnelles"])
def test_legal_pages_from_the_footer_without_login(axe_page, link):
    axe_page.goto("/connexion")
    axe_page.get_by_role("contentinfo").get_by_role("link", name=link).click()
    expect(axe_page).not_to_have_url(re.compile(r"/connexion"))
    expect(axe_page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(axe_page)
