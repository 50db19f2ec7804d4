"""The help pages: diagrams drawn from the machines, the table of every action, guides by role."""
import html
import re

import pytest

from app.auth.roles import Role
from app.help.views import GUIDES
from app.workflows.avenant import EVENTS as AVENANT_EVENTS
from app.workflows.dossier import EVENTS
from app.workflows.fiche import EVENTS as FICHE_EVENTS
from app.workflows.financement import EVENTS as FINANCEMENT_EVENTS


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def user(login_as):
    return login_as(Role.COMMUNE, commune_insee=None)


def test_help_page_lists_every_event_and_shows_generated_diagrams(client, user):
    page = text(client.get("/aide/parcours"))
    for label in (rule.label for rule in EVENTS.values()):
        assert label in page
    svg = client.get("/aide/parcours/dossier.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    body = text(svg)
    assert "<svg" in body and "Convention-cadre en rédaction" in body  # drawn from the code
    assert "Déposer la convention-cadre" in body  # the events carry their French names
    assert client.get("/aide/parcours/avenant.svg").status_code == 200
    assert client.get("/aide/parcours/inconnu.svg").status_code == 404


def test_the_dossier_diagram_says_sortie_and_prolongation_in_notes_not_arrows(client, user):
    body = text(client.get("/aide/parcours/dossier.svg"))
    assert "Déclarer la sortie du programme" not in body
    assert "Prolonger le délai" not in body
    assert "Sorti du programme" not in body  # only the sortie arrows lead there
    assert "Clôturé" in body
    # French only: the graph is titled in French, not by its class name.
    assert "DossierWorkflow" not in body and "Le dossier, du label à la clôture" in body
    page = text(client.get("/aide/parcours"))
    note = re.search(r'<p class="fr-mb-1w" id="note-declarer_sortie">([^<]+)</p>', page).group(1)
    assert note.startswith("«\u00a0Déclarer la sortie du programme\u00a0» (Préfecture)\u00a0: possible "
                           "depuis toutes les étapes sauf «\u00a0Clôturé\u00a0» et «\u00a0Sorti du programme\u00a0»")
    assert "le dossier passe à «\u00a0Sorti du programme\u00a0»" in note
    assert 'id="note-prolonger_delai"' in page and "le dossier reste à la même étape" in page
    # The table still lists every transition, sorties included, and wraps instead of scrolling.
    assert page.count("<td>Déclarer la sortie du programme</td>") == 11
    assert 'class="fr-table fr-table--multiline"' in page


def test_the_diagrams_are_drawn_large_enough_to_read_at_1280_px(client, user):
    for name in ("dossier", "avenant"):
        body = text(client.get(f"/aide/parcours/{name}.svg"))
        width_pt = float(re.search(r'<svg width="([\d.]+)pt"', body).group(1))
        sizes = {float(size) for size in re.findall(r'font-size="([\d.]+)"', body)}
        # Shown at its size in a 1,200 px column, at most slightly narrowed: text of 13 pt or more.
        assert width_pt * 4 / 3 <= 1300, (name, width_pt)
        assert min(sizes) >= 13, (name, sizes)


def test_the_help_index_links_the_parcours_and_every_guide(client, user):
    page = text(client.get("/aide"))
    assert 'href="/aide/parcours"' in page
    for slug, (title, _, _) in GUIDES.items():
        assert f'href="/aide/guides/{slug}">{title}</a>' in page
    assert set(GUIDES) == {"commune-epci", "chef-de-projet", "prefecture", "partenaire", "anct"}
    assert 'href="/aide" aria-current="page">Aide</a>' in page  # the menu entry


@pytest.mark.parametrize("slug", list(GUIDES))
def test_each_guide_says_the_steps_documents_rule_and_who_does_what(client, user, slug):
    page = text(client.get(f"/aide/guides/{slug}"))
    assert f"<h1>{GUIDES[slug][0]}</h1>" in page
    for heading in ("La règle des 18 mois", "Les documents à fournir", "Qui fait quoi",
                    "Les actions qui vous reviennent dans Jalons"):
        assert heading in page, heading
    assert "La délibération de chaque collectivité signataire" in page
    assert "dans les 18 mois qui suivent la signature de la convention d'adhésion" in page


def test_the_guides_list_the_actions_the_machines_give_each_role(client, user):
    prefecture = text(client.get("/aide/guides/prefecture"))
    table = prefecture[prefecture.index('id="actions-du-role"'):]
    actions = re.findall(r"<tr><td>([^<]+)</td><td>", table[:table.index("</table>")])
    expected = [r.label for r in EVENTS.values() if Role.PREFECTURE in r.roles]
    expected += [r.label for r in AVENANT_EVENTS.values() if Role.PREFECTURE in r.roles]
    expected += [r.label for events in (FICHE_EVENTS, FINANCEMENT_EVENTS) for r in events.values()
                 if Role.PREFECTURE in r.roles]
    assert actions == expected
    porteurs = text(client.get("/aide/guides/commune-epci"))
    assert "<td>Déposer la convention d'adhésion</td>" in porteurs
    assert "<td>Valider la convention d'adhésion</td>" not in porteurs
    partenaire = text(client.get("/aide/guides/partenaire"))
    partner_actions = [r.label for r in FINANCEMENT_EVENTS.values() if Role.PARTENAIRE in r.roles]
    assert partner_actions and all(f"<td>{label}</td>" in partenaire for label in partner_actions)


def test_an_unknown_guide_is_404(client, user):
    assert client.get("/aide/guides/maire").status_code == 404


def test_help_needs_a_login(client):
    for url in ("/aide", "/aide/parcours", "/aide/guides/prefecture"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location
