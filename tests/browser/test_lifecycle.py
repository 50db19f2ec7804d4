"""The adhésion of a dossier from end to end, as the commune and the préfecture live it.

A commune drafts its convention d'adhésion (its délibérations with their date and number, the
content page: who signs), submits it, the préfecture asks for completion, the commune
completes, the préfecture validates and records the signature; the 18-month deadline then
appears on the dossier, the signed convention is frozen, and after an extension the signed
adhésion still prints the deadline counted from its signature. Every step goes through the
pages (buttons, forms, uploads), two accounts taking turns in one browser.
"""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from app.dossiers.echeance import add_months
from tests.browser.helpers import Watched, assert_accessible, demo_email, login, logout

MOTIF = "La délibération du conseil communautaire doit porter la date de la séance."
MAIRE, PRESIDENT, PREFET = "Claude Belot", "Jean-Pierre Raffarin", "Brice Blondel"


def pdf_file(folder, name: str, title: str):
    """A small valid PDF (one blank A4 page), as a person would attach a scan."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    path = folder / name
    path.write_bytes(out.getvalue())
    return path


def today_in_paris():
    """The application's today (app.core.formatting.today_in_paris)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def open_dossier(page, dossier):
    page.goto(f"/dossiers/{dossier.id}")
    expect(page.get_by_role("heading", level=1, name=dossier.nom)).to_be_visible()


def act(page, label: str):
    """Click an action of the dossier page that needs no form, and see it recorded."""
    page.locator("#actions").get_by_role("button", name=label, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(f"« {label} » est enregistré.")


def expect_etat(page, label: str):
    expect(page.locator("main .fr-badge").first).to_have_text(label)


def upload_deliberation(page, kind: str, nom: str, path, numero: str):
    """From the dossier page: the délibération of the collectivité `nom` (a `kind`)."""
    page.get_by_role("link", name="Ajouter un document").click()
    expect(page.get_by_role("heading", level=1, name="Ajouter un document")).to_be_visible()
    expect(page.get_by_label("Type de document").locator("option[value=convention_signee]")).to_have_count(0)
    page.get_by_label("Type de document").select_option(label="Délibération")
    expect(page.get_by_label("Étape du dossier")).to_have_value("adhesion")
    page.get_by_label("Collectivité qui a délibéré").select_option(label=f"{nom} ({kind})")
    page.get_by_label("Date de la délibération").fill(today_in_paris().replace(day=1).isoformat())
    page.get_by_label("Numéro de la délibération").fill(numero)
    page.get_by_label("Fichier").set_input_files(path)
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.locator("#messages")).to_contain_text(
        f"Document « Délibération — {nom} » ajouté.")


def test_adhesion_from_draft_to_signature(axe_page, labellise_dossier, tmp_path):
    page, dossier = axe_page, labellise_dossier
    watched = Watched(page)
    today = today_in_paris()

    # The commune starts its convention d'adhésion: submitting needs the délibérations.
    login(page, dossier.email)
    open_dossier(page, dossier)
    expect_etat(page, "Labellisé")
    act(page, "Commencer la convention d'adhésion")
    expect_etat(page, "Convention d'adhésion en rédaction")
    submit = page.locator("#actions").get_by_role(
        "button", name="Déposer la convention d'adhésion", exact=True)
    expect(submit).to_be_disabled()
    expect(page.locator("#refus-deposer_adhesion")).to_have_text(
        "Déposer la convention d'adhésion : Il manque la délibération de chaque collectivité "
        f"signataire : {dossier.commune_insee}, {dossier.epci_siren}. "
        "Ajoutez-la dans les documents du dossier."
    )
    expect(submit).to_have_accessible_description(re.compile("Il manque la délibération"))
    assert_accessible(page)

    # One délibération per signatory collectivité: the commune, then its intercommunalité.
    upload_deliberation(page, "commune", dossier.commune_nom,
                        pdf_file(tmp_path, "deliberation-commune.pdf", "Délibération"), "2025-041")
    assert_accessible(page)
    open_dossier(page, dossier)
    upload_deliberation(page, "intercommunalité", dossier.epci_nom,
                        pdf_file(tmp_path, "deliberation-epci.pdf", "Délibération"), "CC-2025-118")
    open_dossier(page, dossier)

    # The content is still to write: the deposit names each missing piece.
    expect(page.locator("#refus-deposer_adhesion")).to_contain_text(
        f"Il manque\u00a0: Signataire de la commune de {dossier.commune_nom}\u00a0; "
        f"Signataire de la {dossier.epci_nom}\u00a0; Signataire de l'État (préfet).")
    page.locator("#conventions").get_by_role("link", name="Contenu de la convention d'adhésion").click()
    expect(page.get_by_role("heading", level=1, name="Contenu de la convention d'adhésion")).to_be_visible()
    expect(page.locator("#contenu-manquant")).to_contain_text(f"Signataire de la commune de {dossier.commune_nom}")
    expect(page.locator("#deliberations")).to_contain_text("CC-2025-118")
    assert_accessible(page)
    page.get_by_role("link", name="Modifier le contenu").click()
    expect(page.get_by_label("Nom et prénom du maire")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nom et prénom du maire").fill(MAIRE)
    page.get_by_label("Nom et prénom du président ou de la présidente").fill(PRESIDENT)
    page.get_by_label("Nom et prénom du préfet ou de la préfète").fill(PREFET)
    page.get_by_label("Banque des territoires signe la convention").check(force=True)
    page.locator("#s_partenaire_banque_des_territoires_nom").fill("Odile Ferrand")
    page.locator("#s_partenaire_banque_des_territoires_qualite").fill("Directrice régionale")
    page.get_by_role("button", name="Enregistrer le contenu").click()
    expect(page.locator("#messages")).to_contain_text("Contenu de la convention d'adhésion enregistré.")
    expect(page.locator("#contenu-complet")).to_be_visible()
    expect(page.locator("#signataires")).to_contain_text(PREFET)
    assert_accessible(page)
    open_dossier(page, dossier)
    expect(page.locator("#refus-deposer_adhesion")).to_have_count(0)
    act(page, "Déposer la convention d'adhésion")
    expect(page.locator("#historique li").first).to_contain_text("Documents déposés")
    expect(page.locator("#historique li").first).to_contain_text(f"Délibération — {dossier.epci_nom}")
    expect_etat(page, "Convention d'adhésion déposée (en instruction)")
    logout(page)

    # The préfecture finds it in its list and asks for completion: a motif is required.
    login(page, demo_email("prefecture"))
    page.get_by_role("searchbox", name="Rechercher").fill(dossier.reference)
    page.get_by_role("button", name="Filtrer").click()
    page.locator("#liste-dossiers").get_by_role("link", name=dossier.nom, exact=True).click()
    expect(page.get_by_text(dossier.reference, exact=True)).to_be_visible()
    page.locator("#actions").get_by_role("link", name="Demander des compléments").click()
    expect(page.get_by_role("heading", level=1, name="Demander des compléments")).to_be_visible()
    page.get_by_role("button", name="Demander des compléments").click()
    error = "Indiquez le motif\u00a0: il sera conservé dans l'historique du dossier."
    expect(page.get_by_text(error)).to_be_visible()
    motif = page.get_by_label("Motif")
    expect(motif).to_have_accessible_description(re.compile(re.escape(error)))
    assert_accessible(page)
    motif.fill(MOTIF)
    page.get_by_role("button", name="Demander des compléments").click()
    expect(page.locator("#messages")).to_contain_text(
        "« Demander des compléments » est enregistré.")
    expect_etat(page, "Convention d'adhésion à compléter")
    logout(page)

    # The commune reads the motif in the history and submits again.
    login(page, dossier.email)
    open_dossier(page, dossier)
    expect(page.locator("#historique")).to_contain_text(f"Motif : {MOTIF}")
    act(page, "Déposer à nouveau la convention d'adhésion")
    expect_etat(page, "Convention d'adhésion déposée (en instruction)")
    logout(page)

    # The préfecture validates, then records the signature: a definitive action.
    login(page, demo_email("prefecture"))
    open_dossier(page, dossier)
    act(page, "Valider la convention d'adhésion")
    expect_etat(page, "Convention d'adhésion validée, en signature")
    page.locator("#actions").get_by_role(
        "link", name="Enregistrer la signature de la convention d'adhésion").click()
    expect(page.get_by_role("heading", name="Cette action est définitive")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date de signature").fill(today.isoformat())
    page.get_by_label("Convention signée (PDF)").set_input_files(
        pdf_file(tmp_path, "convention-adhesion-signee.pdf", "Convention d'adhésion signée"))
    page.get_by_role(
        "button", name="Confirmer : Enregistrer la signature de la convention d'adhésion").click()

    # Signed: the 18-month deadline for the convention-cadre is running.
    expect(page.locator("#messages")).to_contain_text(
        "« Enregistrer la signature de la convention d'adhésion » est enregistré.")
    expect_etat(page, "Convention d'adhésion signée")
    expect(page.locator("#echeance-cadre")).to_have_text(
        format_date(add_months(today, 18), format="long", locale="fr_FR"))
    expect(page.locator("#statut-echeance")).to_have_text("Dans les délais")
    expect(page.locator("#documents")).to_contain_text("Convention signée")
    history = page.locator("#historique li")
    expect(history).to_have_count(7)  # the six steps and the content saved
    expect(history.first).to_contain_text("Enregistrer la signature de la convention d'adhésion")
    expect(history.first).to_contain_text("Convention signée : Convention signée (version 1")
    assert_accessible(page)

    # The signed convention is frozen: no new version, neither offered nor accepted.
    page.get_by_role("link", name="Tous les documents et leurs versions").click()
    signed = page.locator("div[id^=document-]", has=page.get_by_role("heading", name="Convention signée"))
    expect(signed).to_contain_text("la convention signée est figée")
    expect(signed.get_by_role("link", name=re.compile("Ajouter une version"))).to_have_count(0)
    document_id = signed.get_attribute("id").removeprefix("document-")
    refused = page.goto(f"/dossiers/{dossier.id}/documents/{document_id}/versions")
    assert refused.status == 403
    expect(page.get_by_text("la convention signée est figée")).to_be_visible()

    # An extension moves the deadline; the signed adhésion keeps the one counted from its signature.
    open_dossier(page, dossier)
    page.locator("#actions").get_by_role("link", name="Prolonger le délai de 18 mois").click()
    extended = add_months(today, 30)
    page.get_by_label("Motif").fill("Fusion de communes en cours.")
    page.get_by_label("Nouvelle date limite de signature de la convention-cadre").fill(extended.isoformat())
    page.get_by_role("button", name="Prolonger le délai de 18 mois").click()
    expect(page.locator("#echeance-cadre")).to_contain_text(format_date(extended, format="long", locale="fr_FR"))
    response = page.request.get(f"/dossiers/{dossier.id}/conventions/adhesion.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "Convention signée le " + format_date(today, format="long", locale="fr_FR") in text
    assert "au plus tard le " + format_date(add_months(today, 18), format="long", locale="fr_FR") in text
    assert format_date(extended, format="long", locale="fr_FR") not in text
    assert MAIRE in text and PREFET in text and "PROJET" not in text
    assert not watched.page_errors, "JavaScript errors:\n" + "\n".join(watched.page_errors)


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed and hyphenation at line ends undone."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"- ", "-", re.sub(r"[\s\u00a0\u202f]+", " ", text))
