"""The projet de territoire from end to end, as the chef de projet of Jonzac lives it: an axe
with an indicator, two fiches with their financing, one submitted to the comité de projet, a
measured value, the maquette downloaded as a spreadsheet; axe-core finds nothing on the way."""
import io
import re
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.helpers import Watched, assert_accessible, demo_email, login

# Names of this run (a reused database, BROWSER_DATABASE_URL, keeps those of earlier runs).
RUN = datetime.now().strftime("%Y%m%d-%H%M%S")
AXE = f"Habiter le centre (test navigateur {RUN})"
INDICATEUR = f"Logements remis sur le marché (test navigateur {RUN})"
HALLES, BERGES = f"Halles {RUN}", f"Berges {RUN}"


def open_fiche(page, code: str) -> None:
    """Its link in the projet's list of fiches, page after page: Jonzac's projet holds more than
    a page of them, the newest last."""
    while not page.get_by_role("link", name=code, exact=True).count():
        page.locator("a.fr-pagination__link--next[href]").first.click()
    page.get_by_role("link", name=code, exact=True).click()


def create_fiche(page, titre: str, montant: str) -> str:
    page.get_by_role("link", name="Nouvelle fiche action").first.click()
    page.get_by_label("Titre", exact=False).first.fill(titre)
    axe = page.get_by_label("Axe stratégique").locator("option", has_text=AXE).inner_text()
    page.get_by_label("Axe stratégique").select_option(label=axe)
    page.get_by_label("Description").fill("Étude, acquisition et travaux.")
    page.get_by_label("Maître d'ouvrage", exact=False).first.select_option(label="Jonzac")
    page.get_by_label("Date de début").fill("2025-03-01")
    page.get_by_label("Date de fin").fill("2027-06-30")
    page.get_by_label("Coût total HT (€)").fill("250 000")
    page.get_by_label("Coût total TTC (€)").fill("300 000")
    page.get_by_role("button", name="Créer la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(titre)
    code = re.search(r"FA-\d+", page.get_by_role("heading", level=1).inner_text()).group(0)
    page.get_by_role("link", name="Ajouter un financement").click()
    page.get_by_label("Financeur et dispositif").select_option(label="État — DETR")
    page.get_by_label("Année").fill("2025")
    page.get_by_label("Montant (€)").fill(montant)
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator("#lignes")).to_contain_text("État — DETR")
    return code


def test_a_chef_de_projet_builds_the_plan_d_action(axe_page):
    page = axe_page
    watched = Watched(page)
    login(page, demo_email("chef-de-projet"))
    page.get_by_role("link", name=re.compile("Jonzac")).first.click()
    expect(page.locator("#projet-de-territoire")).to_be_visible()
    assert_accessible(page)
    page.locator("#projet-liens").get_by_role("link", name="Axes et plan d'action").click()
    expect(page.get_by_role("heading", name="Projet de territoire", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Nouvel axe stratégique").click()
    page.get_by_label("Titre de l'axe").fill(AXE)
    page.get_by_label("Enjeux").fill("Vacance des logements anciens du centre.")
    page.get_by_role("button", name="Créer l'axe").click()
    section = page.locator("section", has=page.get_by_role("heading", name=re.compile(re.escape(AXE))))
    section.get_by_role("link", name=re.compile("Ajouter un indicateur")).click()
    page.get_by_label("Nom de l'indicateur").fill(INDICATEUR)
    page.get_by_label("Type").select_option(label="Résultat")
    page.get_by_label("Unité").fill("logements")
    page.get_by_label("Valeur initiale", exact=True).fill("0")
    page.get_by_label("Valeur cible", exact=True).fill("40")
    page.get_by_role("button", name="Créer l'indicateur").click()
    expect(page.get_by_role("heading", name=INDICATEUR)).to_be_visible()
    page.get_by_label("Date de la mesure").fill("2025-12-31")
    page.get_by_label("Valeur mesurée").fill("12,5")
    page.get_by_label("Source", exact=False).fill("Fichier LOVAC")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    expect(page.locator("#mesures")).to_contain_text("Fichier LOVAC")
    assert_accessible(page)

    page.get_by_role("link", name="Projet de territoire").first.click()
    first = create_fiche(page, HALLES, "150 000")
    assert_accessible(page)
    page.get_by_role("link", name="Projet de territoire").first.click()
    create_fiche(page, BERGES, "80 000,50")

    page.get_by_role("link", name="Projet de territoire").first.click()
    open_fiche(page, first)
    page.get_by_role("link", name="Soumettre au comité de projet").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Soumettre au comité de projet")).click()
    expect(page.locator("#etat-fiche")).to_have_text("Soumise au comité de projet")
    expect(page.get_by_text("enregistrées par le chef de projet")).to_be_visible()

    page.get_by_role("link", name="Projet de territoire").first.click()
    page.get_by_role("link", name="Maquette financière").first.click()
    expect(page.locator("#maquette")).to_contain_text(HALLES)
    assert_accessible(page)
    total = page.locator("#maquette-total").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("XLSX")).click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Fiche" and rows[-1][0] == "Total"
    titles = [r[1] for r in rows[1:-1]]
    assert HALLES in titles and BERGES in titles
    shown = Decimal(re.sub(r"[^\d,]", "", total).replace(",", "."))
    assert Decimal(str(rows[-1][-1])).quantize(Decimal("0.01")) == shown
    assert not watched.page_errors, watched.page_errors
