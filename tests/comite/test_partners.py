"""The partners: avis on fiches soumises, their financeur's decisions on its own lines, and
the page of what waits for them; scoped like every page (404 out of scope, 403 with a reason)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.comite import avis, partenaires
from app.comite.models import AvisSens
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.notifications.models import Notification
from app.projet import lifecycle
from app.projet.maquette import maquette
from app.workflows.history import HistoryEntry
from app.workflows.states import FinancementStatut as S
from tests import factories
from tests.comite.factories import Comite
from tests.projet import factories as pf


@pytest.fixture
def comite(app):
    return Comite()


def _sollicitee(comite, fiche, source, montant="40000.00"):
    line = pf.line(fiche, source, montant=montant, user=comite.chef)
    lifecycle.fire_line(line, "solliciter", comite.chef, effective_date=today_in_paris() - timedelta(days=30))
    return line


def test_a_partner_gives_an_avis_the_porteurs_are_told_and_the_comite_sees_it(app, comite, client, login_as):
    fiche = comite.fiche_soumise()
    reunion = comite.reunion([fiche])
    db.session.commit()
    login_as(comite.partner)
    url = f"/dossiers/{comite.dossier.id}/fiches/{fiche.numero}/avis"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"sens": "favorable", "commentaire": "Projet structurant",
                                      "conditions": "Étude thermique préalable"})
    assert response.status_code == 302
    told = db.session.scalars(select(Notification).where(Notification.kind == "avis_partenaire")).all()
    assert {n.user_id for n in told} == {comite.commune.id, comite.epci.id, comite.chef.id}
    assert "Anah" in told[0].title and "Projet structurant" in told[0].body
    login_as(comite.chef)
    page = client.get(f"/dossiers/{comite.dossier.id}/comite/reunions/{reunion.id}")
    assert "Anah\xa0: avis favorable" in page.text.replace("&nbsp;", "\xa0")
    assert "Étude thermique préalable" in page.text


def test_an_avis_only_on_a_fiche_soumise_and_only_from_a_partner(app, comite, client, login_as):
    draft = pf.fiche(comite.dossier, comite.chef, titre="Brouillon")
    db.session.commit()
    login_as(comite.partner)
    assert client.get(f"/dossiers/{comite.dossier.id}/fiches/{draft.numero}/avis").status_code == 403
    with pytest.raises(DomainError, match="partenaires"):
        avis.give_avis(comite.fiche_soumise(), comite.commune, sens=AvisSens.FAVORABLE, commentaire="Oui")


def test_a_partner_out_of_scope_gets_404(app, comite, client, login_as):
    fiche = comite.fiche_soumise()
    line = _sollicitee(comite, fiche, "anah")
    db.session.commit()
    elsewhere = factories.user_with_role(Role.PARTENAIRE, organisation="Anah",
                                         departement_code=factories.departement().code)
    login_as(elsewhere)
    assert client.get(f"/dossiers/{comite.dossier.id}/fiches/{fiche.numero}/avis").status_code == 404
    assert client.get(f"/partenaire/financements/{line.id}").status_code == 404
    assert client.post(f"/partenaire/financements/{line.id}", data={"event": "accorder"}).status_code == 404
    page = client.get("/partenaire")
    assert page.status_code == 200 and fiche.titre not in page.text


def test_a_partner_cannot_decide_another_financeurs_line(app, comite, client, login_as):
    fiche = comite.fiche_soumise()
    ademe = _sollicitee(comite, fiche, "ademe")
    detr = _sollicitee(comite, fiche, "etat_detr")
    db.session.commit()
    login_as(comite.partner)
    for line in (ademe, detr):
        assert client.get(f"/partenaire/financements/{line.id}").status_code == 403
        response = client.post(f"/partenaire/financements/{line.id}", data={
            "event": "accorder", "effective_date": date.today().isoformat(), "montant": "1000", "version": line.version})
        assert response.status_code == 403
        assert "autre financeur" in response.text
    # nor through the fiche page's own step form
    response = client.post(f"/dossiers/{comite.dossier.id}/fiches/{fiche.numero}/financements/{ademe.id}/etape",
                           data={"event": "accorder", "effective_date": date.today().isoformat(), "version": ademe.version})
    assert response.status_code == 403
    db.session.expire_all()
    assert (ademe.statut, detr.statut) == (S.SOLLICITE, S.SOLLICITE)
    with pytest.raises(DomainError, match="autre financeur"):
        partenaires.decide(ademe, comite.partner, "accorder", effective_date=today_in_paris(), montant=Decimal("10"))


def test_a_partner_grants_then_pays_its_line_the_fiche_and_the_maquette_follow(app, comite, client, login_as):
    fiche = comite.fiche_soumise()
    line = _sollicitee(comite, fiche, "anah", montant="40000.00")
    db.session.commit()
    before = lifecycle.couverture(fiche)
    login_as(comite.partner)
    page = client.get("/partenaire?liste=financements")
    assert f"/partenaire/financements/{line.id}" in page.text
    day = today_in_paris() - timedelta(days=3)
    response = client.post(f"/partenaire/financements/{line.id}", data={
        "event": "accorder", "effective_date": day.isoformat(), "montant": "35 000,00", "version": line.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert (line.statut, line.montant, line.decide_le) == (S.ACCORDE, Decimal("35000.00"), day)
    assert lifecycle.couverture(fiche) == before + Decimal("35000.00")
    result = maquette(comite.dossier, statuts=[S.ACCORDE.value])
    assert result.column_totals["anah"] == Decimal("35000.00")
    told = db.session.scalars(select(Notification).where(Notification.kind == "decision_financement")).all()
    assert {n.user_id for n in told} == {comite.commune.id, comite.epci.id, comite.chef.id}
    response = client.post(f"/partenaire/financements/{line.id}", data={
        "event": "verser", "effective_date": today_in_paris().isoformat(), "montant": "20000", "version": line.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert (line.statut, line.montant) == (S.VERSE, Decimal("20000.00"))
    rows = db.session.scalars(select(HistoryEntry).where(HistoryEntry.subject_type == "ligne_financement",
                                                        HistoryEntry.subject_id == line.id)
                              .order_by(HistoryEntry.seq)).all()
    assert [(r.event, r.payload_dict["montant"]) for r in rows] == [
        ("creer", "40000.00"), ("solliciter", "40000.00"), ("accorder", "35000.00"), ("verser", "20000.00")]
    assert rows[2].role == "partenaire"


def test_a_refusal_needs_its_reason(app, comite):
    line = _sollicitee(comite, comite.fiche_soumise(), "anah")
    with pytest.raises(DomainError, match="motif"):
        partenaires.decide(line, comite.partner, "refuser", effective_date=today_in_paris())
    partenaires.decide(line, comite.partner, "refuser", effective_date=today_in_paris(), reason="Hors critères")
    assert line.statut == S.REFUSE
    row = db.session.scalar(select(HistoryEntry).where(HistoryEntry.event == "refuser",
                                                      HistoryEntry.subject_id == line.id))
    assert row.reason == "Hors critères"


def test_the_partners_page_lists_what_waits_across_its_scope_paginated(app, comite, client, login_as, count_queries):
    fiches = [comite.fiche_soumise(f"Fiche {n}") for n in range(3)]
    avis.give_avis(fiches[0], comite.partner, sens=AvisSens.FAVORABLE, commentaire="Vu")
    other = Comite()  # another département: out of the partner's scope
    other.fiche_soumise("Ailleurs")
    db.session.commit()
    login_as(comite.partner)
    page = client.get("/partenaire")
    assert "Fiche 1" in page.text and "Fiche 2" in page.text
    assert "Fiche 0" not in page.text and "Ailleurs" not in page.text  # avis given; out of scope
    with count_queries() as few:
        client.get("/partenaire")
    for n in range(30):
        comite.fiche_soumise(f"Encore {n}")
    db.session.commit()
    with count_queries() as many:
        page = client.get("/partenaire")
    assert many.count == few.count
    assert "Page suivante" in page.text
    assert client.get("/partenaire?page=2").status_code == 200


def test_the_partners_page_is_for_partners(app, comite, client, login_as):
    login_as(comite.commune)
    assert client.get("/partenaire").status_code == 403
