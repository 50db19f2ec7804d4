"""What the page's own script and CSS do, in a real browser: the role form shows only the
chosen role's fields and offers choices as the admin types; the diagrams of the help are
readable at 1280 px; long file names wrap in the documents tables."""
import re
import time

from playwright.sync_api import expect

from tests.browser.helpers import Watched, demo_email, login
from tests.browser.test_lifecycle import pdf_file

LONG_NAME = "deliberation_du_conseil_municipal_approuvant_la_convention_d_adhesion_version_finale_signee.pdf"


def open_invite_form(page):
    """The role form, on the invitation page (the grant page includes the same one)."""
    login(page, demo_email("admin"))
    page.get_by_role("link", name="Inviter un utilisateur").click()
    expect(page.get_by_role("heading", level=1, name="Inviter un utilisateur")).to_be_visible()


def visible_fields(page) -> list[str]:
    return page.locator("#perimetre [data-roles]:visible label").evaluate_all(
        "labels => labels.map(l => l.htmlFor)")


def test_the_role_form_shows_only_the_fields_of_the_chosen_role(page):
    watched = Watched(page)
    open_invite_form(page)
    role = page.locator("#role")
    expect(page.locator("#perimetre")).to_be_hidden()  # nothing chosen yet
    expect(page.get_by_text("Remplissez seulement ce que demande le rôle choisi")).to_be_hidden()

    role.select_option(label="Préfecture")
    assert visible_fields(page) == ["departement_code"]
    role.select_option(label="Partenaire")
    assert visible_fields(page) == ["departement_code", "organisation", "region_code"]
    role.select_option(label="Commune")
    assert visible_fields(page) == ["commune_insee"]
    role.select_option(label="ANCT (direction du programme)")
    expect(page.locator("#perimetre")).to_be_hidden()
    expect(page.locator("#perimetre-national")).to_be_visible()
    assert not watched.page_errors, watched.page_errors


def test_the_commune_picker_offers_names_and_warns_without_dossier(page):
    open_invite_form(page)
    page.locator("#role").select_option(label="Commune")
    commune = page.locator("#commune_insee")
    commune.fill("Jonza")
    options = page.locator("#choix-communes option")
    expect(options.first).to_have_attribute("value", "Jonzac (17197)")
    expect(options.first).to_have_text(re.compile("Petite ville de demain"))

    commune.fill("Chabli")  # in the Yonne, no PVD dossier
    expect(page.locator("#choix-communes option[value='Chablis (89068)']")).to_have_count(1)
    commune.fill("Chablis (89068)")
    warning = page.locator("#commune_insee-messages [data-pvd-warning]")
    expect(warning).to_have_text(re.compile(r"Chablis \(89068\) n.a pas de dossier Petites villes de demain"))
    commune.fill("Jonzac (17197)")
    expect(warning).to_have_count(0)


def test_an_invited_commune_without_dossier_is_flagged(page):
    open_invite_form(page)
    email = f"chablis-{time.time_ns()}@exemple.fr"
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Prénom et nom").fill("Agent de Chablis")
    page.locator("#role").select_option(label="Commune")
    page.locator("#commune_insee").fill("Chablis (89068)")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text(f"Invitation envoyée à {email}.")
    expect(messages).to_contain_text("Chablis (89068) n'a pas de dossier Petites villes de demain")
    expect(page.locator("#roles-actifs")).to_contain_text("Commune")


def test_the_lifecycle_diagram_is_readable_at_1280_px(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, demo_email("commune"))
    page.goto("/aide/parcours")
    image = page.locator("#parcours-dossier img")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shown, natural, room = image.evaluate(
        "img => [img.getBoundingClientRect().width, img.naturalWidth, img.parentElement.clientWidth]")
    assert shown <= room + 1
    assert shown >= 0.9 * natural, f"drawn {natural}px wide, shown {shown:.0f}px"
    table, box = page.locator("#parcours-dossier .fr-table").evaluate(
        "el => [el.querySelector('table').getBoundingClientRect().width,"
        " el.querySelector('.fr-table__container').clientWidth]")
    assert table <= box, f"the transitions table is {table:.0f}px wide for {box}px"
    expect(page.locator("#note-declarer_sortie")).to_be_visible()


def test_a_long_file_name_wraps_in_the_documents_tables(page, labellise_dossier, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 800})
    dossier = labellise_dossier
    login(page, dossier.email)
    page.goto(f"/dossiers/{dossier.id}")
    page.get_by_role("link", name="Ajouter un document").click()
    page.get_by_label("Type de document").select_option(label="Autre document")
    page.get_by_label("Titre").fill(LONG_NAME)
    page.get_by_label("Fichier").set_input_files(pdf_file(tmp_path, LONG_NAME, "Délibération"))
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.locator("#messages")).to_contain_text("ajouté")
    for url, table in ((f"/dossiers/{dossier.id}/documents", ".fr-table"),
                       (f"/dossiers/{dossier.id}", "#documents")):
        page.goto(url)
        expect(page.get_by_text(LONG_NAME).first).to_be_visible()
        width, room = page.locator(table).first.evaluate(
            "el => [el.querySelector('table').getBoundingClientRect().width,"
            " el.querySelector('.fr-table__container').clientWidth]")
        assert width <= room, f"{url}: the table is {width:.0f}px wide for {room}px"


def clipped_icon_buttons(page) -> list[str]:
    return page.locator("main .fr-btn[class*='fr-icon-']").evaluate_all(
        "buttons => buttons.filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1)"
        ".map(b => b.textContent.trim())")


def test_every_button_with_an_icon_shows_its_label(page, labellise_dossier):
    """The documents' "Ajouter un document" and every icon button: text visible, not clipped."""
    login(page, labellise_dossier.email)
    for url in (f"/dossiers/{labellise_dossier.id}", f"/dossiers/{labellise_dossier.id}/documents"):
        page.goto(url)
        expect(page.get_by_role("link", name="Ajouter un document")).to_be_visible()
        assert not clipped_icon_buttons(page), url
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, demo_email("admin"))
    page.get_by_role("link", name="Mairie de Jonzac (démo)").click()
    expect(page.get_by_role("link", name="Attribuer un rôle")).to_be_visible()
    assert not clipped_icon_buttons(page), page.url


def test_the_users_list_with_scopes_fits_a_laptop_screen(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, demo_email("admin"))
    expect(page.get_by_text("Préfecture — Charente-Maritime (17)")).to_be_visible()
    width, room = page.locator("#liste-utilisateurs").evaluate(
        "el => [el.querySelector('table').getBoundingClientRect().width,"
        " el.querySelector('.fr-table__container').clientWidth]")
    assert width <= room, f"the users list is {width:.0f}px wide for {room}px"
