"""What to do next is on the dossier page before any click: the checklist of the next
deposit, the préfecture's request while it stands, one expected button, a confirmation for
every step that commits someone, and a message saying who acts next."""
import io
import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from app.auth.roles import Role
from app.core.db import db
from app.dossiers import lifecycle
from app.dossiers.models import DossierEtat as E
from app.workflows.history import HistoryEntry
from tests import factories
from tests.documents import samples

NBSP = "\u00a0"


@pytest.fixture
def dossier():
    dep = factories.departement(code="ZCM", nom="Charente-Test")
    epci = factories.epci(nom="CC de la Haute Saintonge test")
    return factories.dossier([factories.commune(dep, epci, nom="Jonzac-test"),
                              factories.commune(dep, epci, nom="Archiac-test")])


def porteur(dossier):
    return factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)


def prefet(dossier):
    return factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)


def text(response) -> str:
    """The page's text as read: entities decoded, every space run (non-breaking too) one space."""
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def checklist_items(page: str) -> list[str]:
    block = section(page, 'id="pieces"', "</ul>")
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", block)]


def test_the_checklist_of_the_next_deposit_names_each_collectivite_before_any_click(client, login_as, dossier):
    login_as(porteur(dossier))
    page = text(client.get(f"/dossiers/{dossier.id}"))  # still "labellisé"
    assert "Pour déposer la convention d'adhésion" in page
    items = checklist_items(page)
    assert [item.split(" — ")[0] for item in items] == [
        "Manquant : Délibération d'Archiac-test",
        "Manquant : Délibération de Jonzac-test",
        "Manquant : Délibération de la CC de la Haute Saintonge test",
    ]
    assert "0 sur 3 réuni." in page
    for code in dossier.signataires():
        assert code not in section(page, 'id="pieces"', "</ul>").split("href")[0]
    factories.document(dossier, "deliberation", "adhesion", dossier.liens_communes[0].commune_insee)
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "1 sur 3 réuni." in page
    assert sum(item.startswith("Réuni : ") for item in checklist_items(page)) == 1


def test_a_missing_document_links_to_the_upload_form_filled_in(client, login_as, dossier):
    login_as(porteur(dossier))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    links = re.findall(r'href="([^"]*/documents/nouveau[^"]*)"', section(page, 'id="pieces"', "</ul>"))
    assert len(links) == 3
    query = parse_qs(urlparse(unescape(links[-1])).query)
    assert query == {"type": ["deliberation"], "collectivite": [dossier.epci_siren],
                     "etape": ["adhesion"], "retour": ["dossier"]}
    form = client.get(unescape(links[-1])).get_data(as_text=True)
    assert re.search(r'<option selected value="deliberation">|<option value="deliberation" selected', form)
    assert re.search(rf'<option selected value="{dossier.epci_siren}"|value="{dossier.epci_siren}" selected', form)
    response = client.post(unescape(links[-1]), data={
        "type": "deliberation", "etape": "adhesion", "collectivite": dossier.epci_siren, "titre": "",
        "retour": "dossier", "fichier": (io.BytesIO(samples.pdf()), "deliberation.pdf"),
        "deliberation_date": "2026-02-03", "deliberation_numero": "D-9",
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith(f"/dossiers/{dossier.id}")
    assert "Réuni : Délibération de la CC de la Haute Saintonge test" in checklist_items(
        text(client.get(response.location)))


def test_the_cadre_checklist_asks_the_diagnostic_and_the_projet_too(client, login_as, dossier):
    dossier.etat = E.CADRE_REDACTION
    factories.contenu(dossier, "cadre")  # the content complete: the checklist lists the documents
    factories.document(dossier, "diagnostic", "cadre")
    db.session.flush()
    login_as(factories.user_with_role(Role.PARTENAIRE, organisation="Anah",
                                      departement_code=dossier.departement_code))
    page = text(client.get(f"/dossiers/{dossier.id}"))
    items = checklist_items(page)
    assert items[0] == "Réuni : Diagnostic du territoire"
    assert items[1].startswith("Manquant : Projet de convention-cadre")
    # the documents, then what the convention-cadre's content still lacks
    facts = lifecycle.facts_of(dossier)
    assert len(items) == 5 + len(facts.contenu_manquant) + len(facts.projet_manquant)
    assert len(facts.projet_manquant) == 2  # no axe with an indicator, no fiche validée
    # A partner reads the dossier but adds nothing to it: no link to the upload form.
    assert "/documents/nouveau" not in section(client.get(f"/dossiers/{dossier.id}").get_data(as_text=True),
                                               'id="pieces"', "</ul>")


def submitted(dossier):
    user = porteur(dossier)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", user)
    lifecycle.fire(dossier, "deposer_adhesion", user)
    return user


def test_the_prefecture_reason_shows_in_the_next_step_until_the_redeposit(client, login_as, dossier):
    user = submitted(dossier)
    lifecycle.fire(dossier, "demander_complements_adhesion", prefet(dossier),
                   reason="La délibération n'est pas datée.")
    login_as(user)
    page = text(client.get(f"/dossiers/{dossier.id}"))
    box = section(page, 'id="prochaine-etape"', "</div>")
    assert "Compléments demandés par la préfecture le" in box and "« La délibération n'est pas datée. »" in box
    assert "Pour déposer à nouveau la convention d'adhésion" in page
    assert checklist_items(page)[-1].startswith(
        "Manquant : Au moins un document ajouté ou remplacé depuis la demande de compléments du")

    # The re-deposit asks what changed, and for a document newer than the request.
    form = text(client.get(f"/dossiers/{dossier.id}/actions/redeposer_adhesion"))
    assert "Ce qui a changé depuis la demande de compléments" in form
    refused = text(client.post(f"/dossiers/{dossier.id}/actions/redeposer_adhesion",
                               data={"version": dossier.version, "reason": ""}))
    assert "Indiquez ce qui a changé depuis la demande de compléments" in refused
    refused = text(client.post(f"/dossiers/{dossier.id}/actions/redeposer_adhesion",
                               data={"version": dossier.version, "reason": "Datée"}))
    assert "Au moins un document ajouté ou remplacé" in refused and "Datée</textarea>" in refused
    factories.document(dossier, "deliberation", "adhesion", dossier.signataires()[0], titre="Datée",
                       deliberation_date=date(2026, 1, 20), deliberation_numero="D-2")
    db.session.commit()
    response = client.post(f"/dossiers/{dossier.id}/actions/redeposer_adhesion",
                           data={"version": dossier.version, "reason": "La délibération datée est jointe."})
    assert response.status_code == 302
    page = text(client.get(f"/dossiers/{dossier.id}"))
    assert "Convention d'adhésion déposée à nouveau. La préfecture de Charente-Test l'instruit désormais." in page
    assert 'id="complements-demandes"' not in page
    assert "Ce qui a changé : La délibération datée est jointe." in section(page, 'id="historique"', "</ol>")
    row = HistoryEntry.query.filter_by(dossier_id=dossier.id, event="redeposer_adhesion").one()
    assert row.reason == "La délibération datée est jointe."


def buttons(page: str) -> list[tuple[str, str]]:
    """(class, text) of each action of the page's action list."""
    block = section(page, 'id="actions"', "</ul>")
    return [(css, re.sub(r"<[^>]+>", "", label).strip())
            for css, label in re.findall(r'<(?:a|button) class="([^"]+)"[^>]*>(.*?)</(?:a|button)>', block)]


def test_one_primary_button_the_expected_step_the_sortie_least_prominent(client, login_as, dossier):
    submitted(dossier)
    login_as(prefet(dossier))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert dict((unescape(label), css) for css, label in buttons(page)) == {
        "Demander des compléments": "fr-btn fr-btn--secondary",
        "Valider la convention d'adhésion": "fr-btn",
        "Déclarer la sortie du programme": "fr-btn fr-btn--tertiary",
    }
    assert len(re.findall(r'class="fr-btn"', section(page, "<main", "</main>"))) == 1


def test_every_step_that_commits_goes_through_the_confirmation_page(client, login_as, dossier):
    user = porteur(dossier)
    factories.ready_to_deposit(dossier)
    login_as(user)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    # Beginning a draft commits nobody: a plain button.
    assert f'action="/dossiers/{dossier.id}/actions/demarrer_adhesion"' in page
    assert client.post(f"/dossiers/{dossier.id}/actions/demarrer_adhesion",
                       data={"version": dossier.version}).status_code == 302
    db.session.refresh(dossier)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f'href="/dossiers/{dossier.id}/actions/deposer_adhesion"' in page
    assert f'action="/dossiers/{dossier.id}/actions/deposer_adhesion"' not in page
    confirm = text(client.get(f"/dossiers/{dossier.id}/actions/deposer_adhesion"))
    assert ("Vous déposez la convention d'adhésion et ses pièces auprès de la préfecture de "
            "Charente-Test, qui l'instruit.") in confirm
    assert "3 sur 3 réunis." in confirm
    response = client.post(f"/dossiers/{dossier.id}/actions/deposer_adhesion", data={"version": dossier.version},
                           follow_redirects=True)
    assert ("Convention d'adhésion déposée. La préfecture de Charente-Test l'instruit désormais."
            in text(response))


@pytest.mark.parametrize("event, expected", [
    ("valider_adhesion", "Convention d'adhésion validée. Les parties la signent ; la préfecture de "
                         "Charente-Test enregistre ensuite la convention signée."),
    ("demander_complements_adhesion", "Compléments demandés. La commune, l'EPCI ou le chef de projet complète "
                                      "le dossier et dépose à nouveau la convention d'adhésion."),
    ("declarer_sortie", "Sortie du programme enregistrée. Plus aucune action n'est attendue sur ce dossier."),
])
def test_the_message_says_what_happened_and_who_acts_next(client, login_as, dossier, event, expected):
    submitted(dossier)
    login_as(prefet(dossier))
    response = client.post(f"/dossiers/{dossier.id}/actions/{event}",
                           data={"version": dossier.version, "reason": "Motif"}, follow_redirects=True)
    assert expected in text(response)


def test_a_conflict_keeps_what_the_user_typed(client, login_as, dossier):
    submitted(dossier)
    seen = dossier.version
    agent = prefet(dossier)
    lifecycle.fire(dossier, "valider_adhesion", prefet(dossier))
    db.session.commit()
    login_as(agent)
    response = client.post(f"/dossiers/{dossier.id}/actions/declarer_sortie",
                           data={"version": seen, "reason": "La commune quitte le programme."})
    assert response.status_code == 409
    page = text(response)
    assert ("Le dossier a été modifié entre-temps par une autre personne : il est maintenant à l'étape "
            "« Convention d'adhésion validée, en signature ».") in page
    assert "La commune quitte le programme.</textarea>" in page
    assert f'name="version" type="hidden" value="{dossier.version}"' in page
    db.session.refresh(dossier)
    assert dossier.etat == E.ADHESION_VALIDEE
    # Confirmed again against what the user now sees: recorded.
    assert client.post(f"/dossiers/{dossier.id}/actions/declarer_sortie",
                       data={"version": dossier.version, "reason": "La commune quitte le programme."}
                       ).status_code == 302
    db.session.refresh(dossier)
    assert dossier.etat == E.SORTI


@pytest.mark.parametrize("months, expected", [
    (24, "La convention-cadre doit être signée au plus tard le {deadline}."),
    (6, "La convention-cadre doit être signée au plus tard le {end}, fin du programme (les 18 mois "
        "courraient jusqu'au {deadline})."),
])
def test_the_signature_message_gives_the_deadline_the_programme_allows(client, login_as, app, monkeypatch,
                                                                     dossier, months, expected):
    from app.core.formatting import date_fr, today_in_paris
    from app.dossiers.echeance import add_months

    today = today_in_paris()
    end = add_months(today, months)
    monkeypatch.setitem(app.config, "PROGRAMME_END", end.isoformat())
    submitted(dossier)
    agent = prefet(dossier)
    lifecycle.fire(dossier, "valider_adhesion", agent)
    factories.document(dossier, "convention_signee", "adhesion")
    login_as(agent)
    response = client.post(f"/dossiers/{dossier.id}/actions/signer_adhesion",
                           data={"version": dossier.version, "signature_date": today.isoformat()},
                           follow_redirects=True)
    assert expected.format(deadline=date_fr(add_months(today, 18)), end=date_fr(end)) in text(response)
