"""The export buttons: a small XLSX downloads at once; the national XLSX of the fiches action
(a minute of work) is prepared in the background and the user is sent to « Mes exports »."""
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, demo_email, login


def test_a_small_xlsx_downloads_at_once(page):
    login(page, demo_email("prefecture"))  # Charente-Maritime: a few dozen rows
    page.goto("/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Dossiers et communes (XLSX)").click()
    assert download.value.suggested_filename.startswith("jalons-dossiers-")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_national_xlsx_of_the_fiches_is_prepared_in_the_background(axe_page):
    page = axe_page
    login(page, demo_email("anct"))
    page.goto("/")
    page.get_by_role("button", name="Fiches action et financements (XLSX)").click()
    expect(page.get_by_role("heading", name="Mes exports", level=1)).to_be_visible()
    expect(page.get_by_text("est en préparation")).to_be_visible()
    expect(page.locator("#exports")).to_contain_text("Fiches action et financements")
    assert_accessible(page)
