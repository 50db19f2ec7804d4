"""The avenant's pages speak of the avenant: its documents, its checklist, its signature."""
import io
import re
from html import unescape

import pytest

from app.auth.roles import Role
from app.avenants import lifecycle, services
from app.avenants.models import AvenantEtat as A
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers.models import DossierEtat as E
from tests import factories
from tests.documents import samples


@pytest.fixture
def avenant():
    dep = factories.departement(code="ZAV", nom="Avenant-Test")
    dossier = factories.dossier(departement_obj=dep, etat=E.MISE_EN_OEUVRE)
    return services.create_avenant(dossier, "Fiche action des halles", porteur(dossier))


def porteur(dossier):
    return factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)


def prefet(dossier):
    return factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(response.get_data(as_text=True))))


def url(avenant, tail=""):
    return f"/dossiers/{avenant.dossier_id}/avenants/{avenant.numero}{tail}"


def test_adding_a_document_from_the_avenant_page_files_it_there_and_comes_back(client, login_as, avenant):
    login_as(porteur(avenant.dossier))
    page = client.get(url(avenant)).get_data(as_text=True)
    assert "Pour déposer l'avenant" in page and "Projet d&#39;avenant" in page
    link = unescape(re.search(r'href="([^"]*/documents/nouveau\?[^"]*)"[^>]*>Ajouter un document à', page)[1])
    form = client.get(link).get_data(as_text=True)
    assert re.search(rf'<option selected value="avenant-{avenant.id}"|value="avenant-{avenant.id}" selected', form)
    assert f'href="{url(avenant)}">Annuler' in form
    response = client.post(link, data={
        "type": "projet_convention", "etape": f"avenant-{avenant.id}", "collectivite": "", "titre": "",
        "retour": "avenant", "fichier": (io.BytesIO(samples.pdf()), "projet-avenant.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith(url(avenant))
    page = text(client.get(response.location))
    assert "Réuni : Projet d'avenant" in page


def deposited(avenant):
    factories.document(avenant.dossier, "projet_convention", "avenant", avenant_id=avenant.id)
    lifecycle.fire(avenant, "deposer", porteur(avenant.dossier))


def test_the_signature_page_asks_for_the_signed_avenant_and_requires_it(client, login_as, avenant):
    deposited(avenant)
    login_as(prefet(avenant.dossier))
    response = client.get(url(avenant, "/actions/signer"))
    assert f'<a class="fr-breadcrumb__link" href="{url(avenant)}">Avenant n° 1</a>' in response.get_data(as_text=True)
    page = text(response)
    assert "Enregistrer la signature de l'avenant n° 1" in page
    assert "étape actuelle : Avenant déposé (en instruction)" in page
    assert "Avenant signé (PDF) (obligatoire)" in page and "Convention" not in page.split("Avenant signé")[0][-200:]
    assert "Convention signée (PDF)" not in page
    refused = text(client.post(url(avenant, "/actions/signer"),
                               data={"version": avenant.version, "signature_date": today_in_paris().isoformat()}))
    assert "Joignez le fichier : Avenant signé (PDF)." in refused
    db.session.refresh(avenant)
    assert avenant.etat == A.DEPOSE
    response = client.post(url(avenant, "/actions/signer"), data={
        "version": avenant.version, "signature_date": today_in_paris().isoformat(),
        "signed_file": (io.BytesIO(samples.pdf()), "avenant-signe.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert ("Signature de l'avenant n° 1 enregistrée. Il modifie désormais la convention-cadre."
            in text(client.get(response.location)))


def test_a_signed_avenant_already_among_the_documents_makes_the_file_optional(client, login_as, avenant):
    deposited(avenant)
    factories.document(avenant.dossier, "convention_signee", "avenant", avenant_id=avenant.id)
    login_as(prefet(avenant.dossier))
    page = text(client.get(url(avenant, "/actions/signer")))
    assert "Avenant signé (PDF) (obligatoire)" not in page
    assert "Facultatif : l'avenant signé est déjà parmi ses documents." in page


def test_the_deposit_confirms_and_says_who_instructs(client, login_as, avenant):
    factories.document(avenant.dossier, "projet_convention", "avenant", avenant_id=avenant.id)
    login_as(porteur(avenant.dossier))
    page = client.get(url(avenant)).get_data(as_text=True)
    assert re.search(rf'<a class="fr-btn" href="{url(avenant, "/actions/deposer")}"', page)
    confirm = text(client.get(url(avenant, "/actions/deposer")))
    assert "Vous déposez l'avenant n° 1 auprès de la préfecture d'Avenant-Test, qui l'instruit." in confirm
    response = client.post(url(avenant, "/actions/deposer"), data={"version": avenant.version},
                           follow_redirects=True)
    assert "Avenant n° 1 déposé. La préfecture d'Avenant-Test l'instruit désormais." in text(response)


def test_the_reason_for_completion_shows_on_the_avenant_page(client, login_as, avenant):
    deposited(avenant)
    lifecycle.fire(avenant, "demander_complements", prefet(avenant.dossier), reason="Préciser le coût.")
    login_as(porteur(avenant.dossier))
    page = text(client.get(url(avenant)))
    assert "Compléments demandés par la préfecture le" in page and "« Préciser le coût. »" in page
    assert "Au moins un document ajouté ou remplacé depuis la demande de compléments" in page
