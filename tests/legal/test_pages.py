"""The pages every State website must have: public, linked from every footer, filled from
the operator's settings, and saying plainly what the operator still has to complete."""
import html

import pytest

from app import create_app
from app.auth.roles import Role

PAGES = {
    "/accessibilite": "Déclaration d'accessibilité",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_legal_pages_are_public(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="fr-mt-4w">{title}</h1>' in text(response)


def test_every_footer_links_the_three_pages(client, login_as):
    for page in (text(client.get("/connexion")), None):
        if page is None:
            login_as(Role.ANCT)
            page = text(client.get("/"))
        footer = page[page.index('id="pied-de-page"'):]
        assert '<a class="fr-footer__bottom-link" href="/accessibilite">Accessibilité\u00a0: partiellement conforme</a>' in footer
        assert 'href="/mentions-legales">Mentions légales</a>' in footer
        assert 'href="/donnees-personnelles">Données personnelles</a>' in footer


def test_the_accessibility_statement_says_partially_compliant_and_how_to_complain(client):
    page = text(client.get("/accessibilite"))
    assert "Jalons est <strong>partiellement conforme</strong> avec le référentiel général" in page
    assert "Défenseur des droits" in page and "Libre réponse 71120" in page


def test_the_operator_settings_fill_the_pages(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_NAME", "Préfecture test")
    monkeypatch.setitem(app.config, "OPERATOR_ADDRESS", "1 rue de la Paix, 17000 La Rochelle")
    monkeypatch.setitem(app.config, "OPERATOR_CONTACT", "jalons@exemple.gouv.fr")
    monkeypatch.setitem(app.config, "PUBLICATION_DIRECTOR", "Camille Martin, directrice")
    monkeypatch.setitem(app.config, "HOSTING_PROVIDER", "Hébergeur SAS, 2 quai Test, Paris")
    monkeypatch.setitem(app.config, "DPO_CONTACT", "dpd@exemple.gouv.fr")
    mentions = text(client.get("/mentions-legales"))
    for value in ("Préfecture test", "1 rue de la Paix, 17000 La Rochelle", "Camille Martin, directrice",
                  "Hébergeur SAS, 2 quai Test, Paris"):
        assert value in mentions
    assert '<a href="mailto:jalons@exemple.gouv.fr">jalons@exemple.gouv.fr</a>' in mentions
    assert "à compléter" not in mentions
    donnees = text(client.get("/donnees-personnelles"))
    assert "dpd@exemple.gouv.fr" in donnees and "réglage <code>DPO_CONTACT</code>" not in donnees
    assert "mailto:jalons@exemple.gouv.fr" in text(client.get("/accessibilite"))


def test_unset_settings_show_what_to_complete(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_CONTACT", None)
    page = text(client.get("/mentions-legales"))
    assert "[à compléter par l'exploitant\u00a0: l'adresse de contact, réglage <code>OPERATOR_CONTACT</code>]" in page
    assert "Agence nationale de la cohésion des territoires (ANCT)" in page  # the default operator


def test_the_operator_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPERATOR_CONTACT", "contact@jalons.example")
    app = create_app({"JALONS_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["OPERATOR_CONTACT"] == "contact@jalons.example"
