"""The comité de projet from end to end: a chef de projet of the demo département schedules a meeting with
two fiches soumises, the demo partner (Banque des territoires) gives its avis, the séance
records one validation and one "à revoir", the procès-verbal is downloaded; axe-core finds
nothing on the way."""
import io
import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import ROOT, Watched, assert_accessible, demo_email, login, logout

RUN = datetime.now().strftime("%Y%m%d-%H%M%S")


def scenario(env, *args) -> dict:
    result = subprocess.run([sys.executable, "-m", "tests.browser.comite_scenario", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def numero(code: str) -> str:
    return str(int(code.removeprefix("FA-")))


def tick(scope, text: str) -> None:
    """A DSFR checkbox or radio button is ticked through its label (which covers the input)."""
    scope.locator("label.fr-label").filter(has_text=re.compile(f"^{re.escape(text)}$")).click()


def test_a_comite_reviews_two_fiches_and_archives_its_proces_verbal(axe_page, server_env):
    page = axe_page
    watched = Watched(page)
    prepared = scenario(server_env, "prepare", RUN)
    (first, first_title), (second, second_title) = prepared["fiches"]
    comite_url = f"/dossiers/{prepared['dossier_id']}/comite"

    login(page, prepared["email"])
    page.goto(f"/dossiers/{prepared['dossier_id']}/projet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Projet de territoire")
    page.locator("main").get_by_role("link", name="Comité de projet", exact=True).click()
    expect(page.get_by_role("heading", name="Comité de projet", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Planifier une réunion").click()
    page.get_by_label("Date").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_label("Heure de début").fill("14:30")
    page.get_by_label("Durée (minutes)").fill("120")
    page.get_by_role("textbox", name=re.compile("^Lieu")).fill(f"Salle du conseil ({RUN})")
    tick(page, f"{first} — {first_title}")
    tick(page, f"{second} — {second_title}")
    expect(page.get_by_label(f"{first} — {first_title}")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Planifier et inviter").click()
    expect(page.locator("#etat-reunion")).to_have_text("Planifiée")
    expect(page.locator("#points")).to_contain_text(first_title)
    expect(page.locator("#points")).to_contain_text(second_title)
    assert_accessible(page)
    reunion_id = int(re.search(r"/reunions/(\d+)", page.url).group(1))
    logout(page)

    login(page, demo_email("partenaire"))
    page.goto("/partenaire")
    assert_accessible(page)
    expect(page.locator("#fiches-attente")).to_be_visible()  # the demo's own fiches soumises wait too
    page.goto(f"/dossiers/{prepared['dossier_id']}/fiches/{numero(first)}")
    page.locator("#avis-partenaires").get_by_role("link", name="Donner un avis").click()
    tick(page, "Réservé")
    page.get_by_label("Commentaire").fill(f"Plan de financement à consolider ({RUN})")
    page.get_by_label("Conditions (facultatif)", exact=False).fill("Un second devis")
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre l'avis").click()
    expect(page.locator("#avis-partenaires")).to_contain_text("Banque des territoires")
    logout(page)

    scenario(server_env, "held", str(reunion_id))  # the meeting's day has come
    login(page, prepared["email"])
    page.goto(f"{comite_url}/reunions/{reunion_id}")
    expect(page.locator("#points")).to_contain_text(f"Plan de financement à consolider ({RUN})")
    page.get_by_role("link", name="Enregistrer la séance").click()
    first_set = page.locator("fieldset", has=page.get_by_text(f"Fiche {first} — {first_title}"))
    second_set = page.locator("fieldset", has=page.get_by_text(f"Fiche {second} — {second_title}"))
    tick(first_set, "Validée")
    tick(second_set, "À revoir")
    second_set.get_by_label(re.compile("^Motif")).fill("Chiffrage des acquisitions à reprendre")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Enregistrer la séance")).click()
    expect(page.locator("#etat-reunion")).to_have_text("Tenue")
    expect(page.locator("#points")).to_contain_text("Décision\u00a0: Validée")
    expect(page.locator("#points")).to_contain_text("Chiffrage des acquisitions à reprendre")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le procès-verbal").click()
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (first_title, "Validée", second_title, "À revoir", "Chiffrage des acquisitions à reprendre",
                     "Banque des territoires, avis réservé", "Présent"):
        assert expected in text, expected
    page.goto(f"/dossiers/{prepared['dossier_id']}/fiches/{numero(first)}")
    expect(page.locator("#etat-fiche")).to_have_text("Validée")
    assert not watched.page_errors, watched.page_errors
