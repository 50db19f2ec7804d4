"""The adhésion of a dossier from end to end, as the commune and the préfecture live it.

A commune drafts its convention d'adhésion from the checklist of its délibérations (their
date and number; it withdraws a document put at the wrong place), writes its content (who
signs), submits it; the préfecture asks for completion; the commune reads why in « Prochaine
étape », brings a new version and says what changed; the préfecture validates and records the
signature; the 18-month deadline then appears on the dossier, the signed convention is frozen,
and after an extension the signed adhésion still prints the deadline counted from its
signature. Every step goes through the pages (buttons, confirmation pages, uploads), two
accounts taking turns in one browser.
"""
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from app.config import Defaults
from app.core.formatting import de_nom
from app.dossiers.echeance import add_months
from tests.browser.helpers import Watched, assert_accessible, demo_email, login, logout

MOTIF = "La délibération du conseil communautaire doit porter la date de la séance."
MAIRE, PRESIDENT, PREFET = "Claude Belot", "Jean-Pierre Raffarin", "Brice Blondel"
CHANGE = "La délibération du conseil communautaire, datée du jour de la séance, remplace la première."


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


def act(page, label: str, done: str):
    """Click an action of the dossier page that needs no confirmation, and see it recorded."""
    page.locator("#actions").get_by_role("button", name=label, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(done)


def confirm(page, label: str, done: str, **fields):
    """Open an action's confirmation page from the dossier page, fill it, confirm, see it done."""
    page.locator("#actions").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=label)).to_be_visible()
    for name, value in fields.items():
        page.get_by_label(name).fill(value)
    page.get_by_role("button", name=label).click()
    expect(page.locator("#messages")).to_contain_text(done)


def expect_etat(page, label: str):
    expect(page.locator("main .fr-badge").first).to_have_text(label)


def upload_from_checklist(page, item: str, path, titre: str, numero: str):
    """From the dossier page's checklist: the upload form comes filled in, and goes back."""
    page.locator("#pieces").get_by_role("link", name=f"Ajouter : {item}").click()
    expect(page.get_by_role("heading", level=1, name="Ajouter un document")).to_be_visible()
    expect(page.get_by_label("Type de document").locator("option[value=convention_signee]")).to_have_count(0)
    expect(page.get_by_label("Type de document")).to_have_value("deliberation")
    expect(page.get_by_label("Étape du dossier")).to_have_value("adhesion")
    page.get_by_label("Date de la délibération").fill(today_in_paris().replace(day=1).isoformat())
    page.get_by_label("Numéro de la délibération").fill(numero)
    page.get_by_label("Fichier").set_input_files(path)
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.locator("#messages")).to_contain_text(f"Document « {titre} » ajouté.")
    expect(page.locator("#pieces")).to_contain_text(f"Réuni : {item}")


PREFECTURE = "La préfecture de la Charente-Maritime l'instruit désormais."


def unread(page) -> int:
    """The bell's unread count (the badge is absent at zero)."""
    badge = page.locator("#cloche .fr-sr-only")
    if not badge.count():
        return 0
    return int(re.search(r"\d+", badge.inner_text()).group())


def test_adhesion_from_draft_to_signature(axe_page, labellise_dossier, tmp_path):
    page, dossier = axe_page, labellise_dossier
    watched = Watched(page)
    today = today_in_paris()
    commune_item = f"Délibération {de_nom(dossier.commune_nom)}"
    epci_item = f"Délibération {de_nom(dossier.epci_nom)}"

    # The commune starts its convention d'adhésion: the checklist names what the deposit needs.
    login(page, dossier.email)
    open_dossier(page, dossier)
    expect_etat(page, "Labellisé")
    expect(page.locator("#pieces li")).to_have_count(2)
    act(page, "Commencer la convention d'adhésion", "Convention d'adhésion commencée.")
    expect_etat(page, "Convention d'adhésion en rédaction")
    submit = page.locator("#actions").get_by_role(
        "button", name="Déposer la convention d'adhésion", exact=True)
    expect(submit).to_be_disabled()
    expect(page.locator("#refus-deposer_adhesion")).to_have_text(
        f"Déposer la convention d'adhésion : Avant de déposer, il manque : {commune_item} ; {epci_item}."
    )
    expect(submit).to_have_accessible_description(re.compile("il manque"))
    expect(page.locator("#pieces")).to_contain_text(f"Manquant : {commune_item}")
    assert_accessible(page)

    # A document put at the wrong place is withdrawn by the commune, before the deposit.
    page.get_by_role("link", name="Ajouter un document", exact=True).click()
    page.get_by_label("Type de document").select_option(label="Étude")
    page.get_by_label("Fichier").set_input_files(pdf_file(tmp_path, "etude.pdf", "Étude"))
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.locator("#messages")).to_contain_text("Document « Étude » ajouté.")
    page.get_by_role("link", name="Retirer ce document : « Étude »").click()
    page.get_by_label("Motif du retrait (facultatif)").fill("Ajoutée par erreur à l'adhésion.")
    page.get_by_role("button", name="Retirer le document").click()
    expect(page.locator("#messages")).to_contain_text("Document « Étude » retiré.")
    expect(page.locator("#liste-documents-retires")).to_contain_text("Étude")
    assert_accessible(page)

    # One délibération per signatory collectivité, each from its line of the checklist.
    open_dossier(page, dossier)
    upload_from_checklist(page, commune_item, pdf_file(tmp_path, "deliberation-commune.pdf", "Délibération"),
                          f"Délibération — {dossier.commune_nom}", "2025-041")
    assert_accessible(page)
    upload_from_checklist(page, epci_item, pdf_file(tmp_path, "deliberation-epci.pdf", "Délibération"),
                          f"Délibération — {dossier.epci_nom}", "CC-2025-118")
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
    page.locator("#actions").get_by_role("link", name="Déposer la convention d'adhésion", exact=True).click()
    expect(page.locator("#ce-que-fait-l-action")).to_contain_text(
        "auprès de la préfecture de la Charente-Maritime, qui l'instruit")
    expect(page.locator("#pieces-action-compte")).to_have_text("2 sur 2 réunis.")
    assert_accessible(page)
    page.get_by_role("button", name="Déposer la convention d'adhésion").click()
    expect(page.locator("#messages")).to_contain_text(f"Convention d'adhésion déposée. {PREFECTURE}")
    expect(page.locator("#historique li").first).to_contain_text("Documents déposés")
    expect(page.locator("#historique li").first).to_contain_text(f"Délibération — {dossier.epci_nom}")
    expect_etat(page, "Convention d'adhésion déposée (en instruction)")
    unread_before = unread(page)
    logout(page)

    # The préfecture finds it in its list and asks for completion: a motif is required.
    login(page, demo_email("prefecture"))
    page.get_by_role("searchbox", name="Rechercher").fill(dossier.reference)
    page.get_by_role("button", name="Filtrer").click()
    page.locator("#liste-dossiers").get_by_role("link", name=dossier.nom, exact=True).click()
    expect(page.get_by_text(dossier.reference, exact=True)).to_be_visible()
    expect(page.locator("#actions").get_by_role("link", name="Valider la convention d'adhésion")).to_have_class(
        "fr-btn")  # the expected step: the one primary button
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
        "Compléments demandés. La commune, l'EPCI ou le chef de projet complète le dossier")
    expect_etat(page, "Convention d'adhésion à compléter")
    logout(page)

    # The commune's bell counts one more unread notification: the request, with its reason;
    # opening it leads to the dossier and the count goes back.
    login(page, dossier.email)
    expect(page.locator("#cloche")).to_contain_text(f"({unread_before + 1} non lue")
    page.locator("#cloche").click()
    told = page.locator("#notifications > li").first
    expect(told).to_contain_text("Convention d'adhésion à compléter")
    expect(told).to_contain_text(MOTIF)
    assert_accessible(page)
    told.get_by_role("button", name=re.compile("^Ouvrir")).click()
    expect(page).to_have_url(re.compile(rf"/dossiers/{dossier.id}$"))
    assert unread(page) == unread_before

    # The commune reads the préfecture's reason in « Prochaine étape », before any click.
    open_dossier(page, dossier)
    expect(page.locator("#complements-demandes")).to_contain_text(f"« {MOTIF} »")
    expect(page.locator("#pieces")).to_contain_text(
        "Manquant : Au moins un document ajouté ou remplacé depuis la demande de compléments")
    assert_accessible(page)
    # Re-depositing asks what changed, and a document newer than the request.
    redeposit = "Déposer à nouveau la convention d'adhésion"
    page.locator("#actions").get_by_role("button", name=redeposit, exact=True).wait_for()
    expect(page.locator("#actions").get_by_role("button", name=redeposit, exact=True)).to_be_disabled()
    page.locator("#pieces").get_by_role("link", name=re.compile("^Ajouter ou remplacer un document")).click()
    page.get_by_role("link", name=f"Ajouter une version de « Délibération — {dossier.epci_nom} »").click()
    page.get_by_label("Fichier").set_input_files(
        pdf_file(tmp_path, "deliberation-epci-datee.pdf", "Délibération datée"))
    page.get_by_role("button", name="Ajouter la version").click()
    expect(page.locator("#messages")).to_contain_text("Version 2 de")
    open_dossier(page, dossier)
    expect(page.locator("#pieces")).to_contain_text("Réuni : Au moins un document ajouté ou remplacé")
    page.locator("#actions").get_by_role("link", name=redeposit, exact=True).click()
    page.get_by_role("button", name=redeposit).click()
    expect(page.get_by_text("Indiquez ce qui a changé depuis la demande de compléments")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ce qui a changé depuis la demande de compléments").fill(CHANGE)
    page.get_by_role("button", name=redeposit).click()
    expect(page.locator("#messages")).to_contain_text(f"Convention d'adhésion déposée à nouveau. {PREFECTURE}")
    expect_etat(page, "Convention d'adhésion déposée (en instruction)")
    expect(page.locator("#complements-demandes")).to_have_count(0)
    expect(page.locator("#historique")).to_contain_text(f"Ce qui a changé : {CHANGE}")
    logout(page)

    # The préfecture validates, then records the signature: a definitive action.
    login(page, demo_email("prefecture"))
    open_dossier(page, dossier)
    confirm(page, "Valider la convention d'adhésion", "Convention d'adhésion validée.")
    expect_etat(page, "Convention d'adhésion validée, en signature")
    page.locator("#actions").get_by_role(
        "link", name="Enregistrer la signature de la convention d'adhésion").click()
    expect(page.get_by_role("heading", name="Cette action est définitive")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date de signature").fill(today.isoformat())
    page.get_by_label("Convention d'adhésion signée (PDF)").set_input_files(
        pdf_file(tmp_path, "convention-adhesion-signee.pdf", "Convention d'adhésion signée"))
    page.get_by_role(
        "button", name="Confirmer : Enregistrer la signature de la convention d'adhésion").click()

    # Signed: the 18-month deadline for the convention-cadre is running, or the programme's end.
    deadline, end = add_months(today, 18), date.fromisoformat(Defaults.PROGRAMME_END)
    long_deadline = format_date(deadline, format="long", locale="fr_FR")
    by = (f"{format_date(end, format='long', locale='fr_FR')}, fin du programme (les 18 mois courraient "
          f"jusqu'au {long_deadline})" if deadline > end else long_deadline)
    expect(page.locator("#messages")).to_contain_text(
        f"Signature de la convention d'adhésion enregistrée. La convention-cadre doit être signée au plus "
        f"tard le {by}.")
    expect_etat(page, "Convention d'adhésion signée")
    expect(page.locator("#echeance-cadre")).to_have_text(long_deadline)
    if deadline > end:
        expect(page.locator("#statut-echeance")).to_have_text("Échéance au-delà de la fin du programme")
        expect(page.locator("#echeance-explication")).to_have_text(
            f"Échéance au-delà de la fin du programme ({end:%d/%m/%Y}) : la convention-cadre doit être "
            "signée avant la fin du programme.")
    else:
        expect(page.locator("#statut-echeance")).to_have_text("Dans les délais")
    expect(page.locator("#documents")).to_contain_text("Convention signée")
    history = page.locator("#historique li")
    expect(history).to_have_count(8)  # the six steps, the withdrawal and the content saved
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

    # Signed today, its 18 months run past the programme's end: no extension is possible (the
    # button says why), and the signed adhésion keeps the date counted from its signature.
    # (tests/conventions/test_services.py checks the text after an extension, at other dates.)
    open_dossier(page, dossier)
    expect(page.locator("#actions").get_by_role("button", name="Prolonger le délai de 18 mois")).to_be_disabled()
    extended = add_months(today, 30)
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
