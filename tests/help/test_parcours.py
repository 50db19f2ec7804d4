import html

from app.auth.roles import Role
from app.workflows.dossier import EVENTS


def test_help_page_lists_every_event_and_shows_generated_diagrams(client, login_as):
    login_as(Role.COMMUNE, commune_insee=None)
    page = client.get("/aide/parcours").get_data(as_text=True)
    for label in (rule.label for rule in EVENTS.values()):
        assert label.replace("'", "&#39;") in page
    svg = client.get("/aide/parcours/dossier.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    body = html.unescape(body)
    assert "<svg" in body and "Convention-cadre en rédaction" in body  # drawn from the code
    assert "Déposer la convention-cadre" in body  # the events carry their French names
    assert client.get("/aide/parcours/avenant.svg").status_code == 200
    assert client.get("/aide/parcours/inconnu.svg").status_code == 404
