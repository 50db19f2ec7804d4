"""A préfecture creates an API token, sees it once (a refresh neither shows it again nor
creates another), calls the API with it, revokes it."""
import time

from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, demo_email, login


def test_a_token_is_shown_once_works_and_is_revoked(axe_page):
    page = axe_page
    name = f"Grist de la DDT {time.time_ns()}"  # the database may be reused between runs
    login(page, demo_email("prefecture"))
    page.get_by_role("link", name="Jetons d'API").click()
    expect(page.get_by_role("heading", name="Jetons d'API", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Nom du jeton").fill(name)
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.get_by_label("Votre jeton").input_value()
    assert secret.startswith("jalons_")
    expect(page.get_by_text("il ne sera plus jamais affiché")).to_be_visible()
    assert_accessible(page)

    page.reload()  # the creation redirected to this page: a refresh shows nothing more, creates nothing
    expect(page.get_by_label("Votre jeton")).to_have_count(0)
    expect(page.get_by_role("cell", name=name, exact=True)).to_have_count(1)

    answer = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert {d["departement"] for d in answer.json()["resultats"]} == {"17"}

    page.goto("/mon-compte/jetons")
    assert secret not in page.content()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Révoquer le jeton «\u00a0{name}\u00a0»").click()
    expect(page.get_by_role("heading", name="Révoquer un jeton d'API")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Révoquer le jeton").click()
    expect(page.get_by_text("est révoqué")).to_be_visible()

    refused = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")


def test_the_export_and_api_documentation_pages_are_accessible(axe_page):
    login(axe_page, demo_email("anct"))
    axe_page.goto("/")
    axe_page.get_by_role("link", name="Colonnes et formats des exports").click()
    expect(axe_page.get_by_role("heading", name="Colonnes des exports", level=1)).to_be_visible()
    assert_accessible(axe_page)
    axe_page.get_by_role("link", name="l'API de Jalons").click()
    expect(axe_page.get_by_role("heading", name="L'API de Jalons", level=1)).to_be_visible()
    assert_accessible(axe_page)
    axe_page.goto("/mon-compte/jetons")
    assert_accessible(axe_page)
