"""The "Contenu de la convention" page: the porteurs write who signs, the partners, the cadre's
sections; everyone in scope reads it; the deposit waits for every piece, named."""
from datetime import date

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.conventions import contenu as contenus
from app.conventions.models import ConventionContenu
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers import lifecycle
from app.dossiers.models import DossierEtat as E
from app.workflows.history import HistoryEntry
from app.documents.models import Document
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def jonzac():
    """Jonzac and its intercommunalité, the adhésion being written."""
    dep = factories.departement(nom="Charente-Maritime")
    epci = factories.epci(nom="CC de la Haute-Saintonge")
    dossier = factories.dossier([factories.commune(dep, epci, nom="Jonzac"),
                                 factories.commune(dep, epci, nom="Montendre")])
    dossier.etat = E.ADHESION_REDACTION
    db.session.flush()
    return dossier


def porteur_of(dossier):
    return factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)


def prefet_of(dossier):
    return factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)


def test_every_missing_piece_is_named(jonzac):
    factories.deliberations(jonzac, dated=False)
    missing = contenus.read(jonzac, "adhesion").missing
    assert missing == [
        "Signataire de la commune de Jonzac", "Signataire de la commune de Montendre",
        "Signataire de la CC de la Haute-Saintonge", "Signataire de l'État (préfet)",
        "Date de la délibération de la commune de Jonzac", "Numéro de la délibération de la commune de Jonzac",
        "Date de la délibération de la commune de Montendre",
        "Numéro de la délibération de la commune de Montendre",
        "Date de la délibération de la CC de la Haute-Saintonge",
        "Numéro de la délibération de la CC de la Haute-Saintonge",
    ]
    factories.contenu(jonzac, "adhesion", partenaires=())
    for document in Document.query.filter_by(dossier_id=jonzac.id):
        document.deliberation_date, document.deliberation_numero = TODAY, "12"
    db.session.flush()
    assert contenus.read(jonzac, "adhesion").missing == []  # partners are optional in an adhésion


def test_the_cadre_needs_a_partner_its_sections_and_each_secteur(jonzac):
    jonzac.etat = E.CADRE_REDACTION
    factories.deliberations(jonzac, "cadre")
    stored = factories.contenu(jonzac, "cadre", partenaires=())
    stored.strategie = None
    stored.secteurs = stored.secteurs[1:]
    db.session.flush()
    assert contenus.read(jonzac, "cadre").missing == [
        "Partenaires signataires (au moins un)", "Stratégie de revitalisation",
        "Secteur d'intervention de la commune de Jonzac",
    ]


def test_the_deposit_is_refused_with_the_list_of_what_is_missing(jonzac):
    porteur = porteur_of(jonzac)
    factories.deliberations(jonzac)
    epci_deliberation = Document.query.filter_by(collectivite_code=jonzac.epci_siren).one()
    epci_deliberation.deliberation_date = None
    stored = factories.contenu(jonzac, "adhesion")
    stored.signataires = [s for s in stored.signataires if s.code != jonzac.communes[0].insee]
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        lifecycle.fire(jonzac, "deposer_adhesion", porteur, today=TODAY)
    assert str(refused.value) == (
        "Le contenu de la convention n'est pas complet. Il manque\u00a0: Signataire de la commune "
        "de Jonzac\u00a0; Date de la délibération de la CC de la Haute-Saintonge. Complétez-le sur la page "
        "«\u00a0Contenu de la convention\u00a0»."
    )
    assert jonzac.etat == E.ADHESION_REDACTION
    choices = {c.event: c for c in lifecycle.available_actions(jonzac, porteur, today=TODAY)}
    assert "Signataire de la commune de Jonzac" in choices["deposer_adhesion"].refused


def url(dossier, kind="adhesion", edit=False):
    return f"/dossiers/{dossier.id}/conventions/{kind}/contenu" + ("/modifier" if edit else "")


def test_the_prefecture_reads_the_content_and_what_is_missing_but_cannot_edit(client, login_as, jonzac):
    login_as(prefet_of(jonzac))
    page = client.get(url(jonzac)).get_data(as_text=True)
    assert "<h1>Contenu de la convention d&#39;adhésion</h1>" in page
    assert "Signataire de la commune de Jonzac" in page and "Délibération de la commune de Montendre" in page
    assert "Modifier le contenu" not in page
    response = client.get(url(jonzac, edit=True))
    assert response.status_code == 403
    assert "Seuls la commune, l&#39;EPCI ou le chef de projet du dossier rédigent" in response.get_data(as_text=True)


def form_data(dossier, **extra):
    data = {"version": ""}
    for n, commune in enumerate(dossier.communes):
        data[f"s_commune_{commune.insee}_nom"] = f"Maire {n}"
        data[f"s_commune_{commune.insee}_qualite"] = "Maire"
    data[f"s_epci_{dossier.epci_siren}_nom"] = "Claude Belot"
    data[f"s_epci_{dossier.epci_siren}_qualite"] = "Président"
    data["s_etat_etat_nom"] = "Brice Blondel"
    data["s_etat_etat_qualite"] = "Préfet de la Charente-Maritime"
    data.update(extra)
    return data


def test_a_porteur_writes_the_content_and_the_history_says_what_changed(client, login_as, jonzac):
    porteur = login_as(porteur_of(jonzac))
    page = client.get(url(jonzac, edit=True)).get_data(as_text=True)
    assert 'id="s_commune_' in page and 'value="Maire"' in page  # the qualité the programme proposes
    assert "Banque des territoires signe la convention" in page and "Action Logement" in page
    assert "Synthèse du diagnostic" not in page  # the cadre's sections only
    response = client.post(url(jonzac, edit=True), data=form_data(
        jonzac, p_anah="y", s_partenaire_anah_nom="Sophie Durand", s_partenaire_anah_qualite="Déléguée locale"))
    assert response.status_code == 302 and response.location.endswith(url(jonzac))
    stored = db.session.scalar(select(ConventionContenu).where(ConventionContenu.dossier_id == jonzac.id))
    assert {(s.partie, s.nom) for s in stored.signataires} >= {("epci", "Claude Belot"), ("partenaire", "Sophie Durand")}
    entry = db.session.scalar(select(HistoryEntry).where(HistoryEntry.dossier_id == jonzac.id)
                              .order_by(HistoryEntry.seq.desc()))
    assert entry.event == "modifier_contenu_adhesion" and entry.user_id == porteur.id
    assert entry.from_state == entry.to_state == "adhesion_redaction"
    assert "Signataire de la CC de la Haute-Saintonge" in entry.payload_dict["modifications"]
    assert "Partenaires signataires" in entry.payload_dict["modifications"]
    page = client.get(url(jonzac)).get_data(as_text=True)
    assert "Claude Belot" in page and "Agence nationale de l&#39;habitat (Anah)" in page
    assert "Délibération de la commune de Jonzac" in page  # still missing: its délibération
    assert "Signataire de la commune de Jonzac" not in page
    # The same form again changes nothing and writes no row.
    count = HistoryEntry.query.filter_by(dossier_id=jonzac.id).count()
    client.post(url(jonzac, edit=True), data=form_data(
        jonzac, version=stored.version, p_anah="y", s_partenaire_anah_nom="Sophie Durand",
        s_partenaire_anah_qualite="Déléguée locale"))
    assert HistoryEntry.query.filter_by(dossier_id=jonzac.id).count() == count


def test_a_representative_typed_for_an_unticked_partner_is_an_error(client, login_as, jonzac):
    login_as(porteur_of(jonzac))
    page = client.post(url(jonzac, edit=True), data=form_data(jonzac, s_partenaire_cerema_nom="Jean Dupont"))
    assert page.status_code == 200
    assert "Cochez cette case pour que Cerema signe la convention" in page.get_data(as_text=True)
    assert ConventionContenu.query.filter_by(dossier_id=jonzac.id).count() == 0


def test_saving_over_a_newer_content_is_a_conflict(client, login_as, jonzac):
    login_as(porteur_of(jonzac))
    client.post(url(jonzac, edit=True), data=form_data(jonzac))
    stored = ConventionContenu.query.filter_by(dossier_id=jonzac.id).one()
    seen = stored.version
    client.post(url(jonzac, edit=True), data=form_data(jonzac, version=seen, s_etat_etat_nom="Autre préfet"))
    response = client.post(url(jonzac, edit=True), follow_redirects=True,
                           data=form_data(jonzac, version=seen, s_etat_etat_nom="Troisième préfet"))
    assert "modifié entre-temps" in response.get_data(as_text=True)
    db.session.refresh(stored)
    assert stored.signataire("etat", "etat").nom == "Autre préfet"


def test_the_content_is_fixed_once_deposited_and_open_again_when_completion_is_asked(client, login_as, jonzac):
    porteur, prefet = porteur_of(jonzac), prefet_of(jonzac)
    factories.ready_to_deposit(jonzac)
    lifecycle.fire(jonzac, "deposer_adhesion", porteur, today=TODAY)
    login_as(porteur)
    response = client.post(url(jonzac, edit=True), data=form_data(jonzac))
    assert response.status_code == 403
    assert "se modifie pendant sa rédaction" in response.get_data(as_text=True)
    assert "Modifier le contenu" not in client.get(url(jonzac)).get_data(as_text=True)
    lifecycle.fire(jonzac, "demander_complements_adhesion", prefet, today=TODAY, reason="Nom du préfet")
    db.session.commit()
    assert client.get(url(jonzac, edit=True)).status_code == 200
    assert client.get(url(jonzac, "cadre", edit=True)).status_code == 403  # not the cadre's turn


def test_the_cadre_form_asks_for_the_sections_and_the_secteurs(client, login_as, jonzac):
    jonzac.etat = E.CADRE_REDACTION
    login_as(porteur_of(jonzac))
    page = client.get(url(jonzac, "cadre", edit=True)).get_data(as_text=True)
    for label in ("Synthèse du diagnostic", "Stratégie de revitalisation", "Périmètre de l&#39;ORT",
                  "Secteur d&#39;intervention à Jonzac", "Secteur d&#39;intervention à Montendre"):
        assert label in page
    response = client.post(url(jonzac, "cadre", edit=True), data=form_data(
        jonzac, p_region="y", s_partenaire_region_nom="Alain Rousset", s_partenaire_region_qualite="Président",
        synthese_diagnostic="Un centre ancien.\n\nDes commerces vacants.", strategie="Habiter",
        perimetre_ort="Le centre", **{f"secteur_{c.insee}": f"Cœur de {c.nom}" for c in jonzac.communes}))
    assert response.status_code == 302
    read = contenus.read(jonzac, "cadre")
    assert read.sections["synthese_diagnostic"] == "Un centre ancien.\nDes commerces vacants."
    assert read.secteurs[jonzac.communes[0].insee] == "Cœur de Jonzac"
    assert [p.nom for p in read.partenaires] == [f"Région {jonzac.departement.region.nom}"]
    assert read.missing == [f"Délibération {p.de}" for p in read.collectivites]


@pytest.mark.parametrize("path", ["/dossiers/{id}/conventions/avenant/contenu",
                                  "/dossiers/{id}/conventions/avenant/contenu/modifier"])
def test_an_unknown_kind_is_not_found(client, login_as, jonzac, path):
    login_as(porteur_of(jonzac))
    assert client.get(path.format(id=jonzac.id)).status_code == 404


def test_the_dossier_page_links_to_the_content(client, login_as, jonzac):
    login_as(porteur_of(jonzac))
    page = client.get(f"/dossiers/{jonzac.id}").get_data(as_text=True)
    assert f'href="{url(jonzac)}">Contenu de la convention d\'adhésion' in page


def test_a_deposit_from_a_page_older_than_the_last_save_is_a_conflict(client, login_as, jonzac):
    porteur = porteur_of(jonzac)
    factories.deliberations(jonzac)
    factories.contenu(jonzac, partenaires=())
    db.session.commit()
    seen = jonzac.version
    login_as(porteur)
    saved = client.post(url(jonzac, edit=True), data=form_data(jonzac, s_etat_etat_nom="Préfet nommé hier"))
    assert saved.status_code == 302
    response = client.post(f"/dossiers/{jonzac.id}/actions/deposer_adhesion", data={"version": seen},
                           follow_redirects=True)
    assert "modifié entre-temps" in response.get_data(as_text=True)
    db.session.refresh(jonzac)
    assert jonzac.etat == E.ADHESION_REDACTION
