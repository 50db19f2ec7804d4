"""The DSFR works as served: its JavaScript runs, its fonts and icons load."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Watched, demo_email, login


def test_menu_button_opens_the_navigation_on_a_phone(page):
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, demo_email("prefecture"))
    navigation = page.get_by_role("navigation", name="Menu principal")
    expect(navigation).to_be_hidden()

    page.get_by_role("button", name="Menu").click()

    expect(page.locator("#menu-principal")).to_have_class(re.compile(r"\bfr-modal--opened\b"))
    expect(navigation.get_by_role("link", name="Mes dossiers")).to_be_visible()
    page.get_by_role("button", name="Fermer").click()
    expect(navigation).to_be_hidden()


def test_login_link_is_reachable_from_the_menu_on_a_phone(page):
    """Anonymous too, the header has its menu: DSFR copies the tools links into it."""
    page.set_viewport_size({"width": 375, "height": 800})
    watched = Watched(page)
    page.goto("/connexion")
    page.wait_for_load_state("networkidle")
    menu = page.locator("#menu-principal")
    expect(menu.get_by_role("link", name="Se connecter")).to_be_hidden()

    page.get_by_role("button", name="Menu").click()

    expect(menu.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(menu.get_by_role("navigation")).to_have_count(0)
    assert not watched.page_errors, watched.page_errors


@pytest.mark.parametrize("role", ["prefecture", "anct"])
def test_home_table_fits_a_laptop_screen(page, role):
    """DSFR table cells do not wrap: long ones (communes, état…) must say so, or it scrolls."""
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, demo_email(role))
    table, room = page.locator("#liste-dossiers").evaluate(
        "el => [el.querySelector('table').getBoundingClientRect().width,"
        " el.querySelector('.fr-table__container').clientWidth]"
    )
    assert table <= room, f"the list is {table:.0f}px wide for {room}px"


def test_marianne_font_and_icons_are_loaded(page):
    login(page, demo_email("prefecture"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.fonts.check('16px Marianne')")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Marianne" in family for family in loaded), loaded
    # An icon is a CSS mask: a wrong path leaves the mask URL unresolved (a 404 in the CSP test).
    mask = page.locator("#utilisateur-connecte").evaluate(
        "el => getComputedStyle(el, '::before').maskImage || getComputedStyle(el, '::before').webkitMaskImage"
    )
    assert "account-circle-line.svg" in mask


def test_pages_have_the_state_header_and_footer(page, tmp_path):
    """Screenshots go to BROWSER_SCREENSHOTS (a folder) when set, for a look by a person."""
    folder = os.environ.get("BROWSER_SCREENSHOTS") or str(tmp_path)
    page.goto("/connexion")
    expect_layout(page)
    page.screenshot(path=os.path.join(folder, "jalons-connexion.png"), full_page=True)

    login(page, demo_email("prefecture"))
    expect_layout(page)
    page.screenshot(path=os.path.join(folder, "jalons-accueil-prefecture.png"), full_page=True)


def expect_layout(page):
    page.wait_for_load_state("networkidle")
    header = page.get_by_role("banner")
    expect(header.locator(".fr-logo")).to_have_text(re.compile(r"République\s*Française"))
    expect(header.get_by_text("Jalons — Petites villes de demain")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("Petites villes de demain")
