"""The comité's pages through the client: scheduling with the agenda's checkboxes, the meeting
page, the list of meetings at a bounded number of queries."""
import re
from datetime import date, timedelta

from app.comite.models import ReunionComite
from app.core.db import db
from app.core.outbox import OutboxMessage
from tests.comite.factories import Comite


def test_the_chef_de_projet_schedules_a_meeting_from_the_form(app, client, login_as):
    comite = Comite()
    first, second = comite.fiche_soumise("Halles"), comite.fiche_soumise("Maison de santé")
    db.session.commit()
    login_as(comite.chef)
    url = f"/dossiers/{comite.dossier.id}/comite/reunions/nouvelle"
    page = client.get(url)
    assert "FA-01 — Halles" in page.text and "FA-02 — Maison de santé" in page.text
    day = date.today() + timedelta(days=20)
    response = client.post(url, data={"jour": day.isoformat(), "heure": "18:30", "duree": "90",
                                      "lieu": "Salle des fêtes", "fiches": [str(second.id), str(first.id)],
                                      "autres_points": "Calendrier 2027\n\nQuestions diverses"})
    assert response.status_code == 302
    reunion = db.session.query(ReunionComite).one()
    assert [p.intitule for p in reunion.points] == ["FA-02 — Maison de santé", "FA-01 — Halles",
                                                   "Calendrier 2027", "Questions diverses"]
    page = client.get(response.location)
    assert "18:30" in page.text and "Salle des fêtes" in page.text and "Enregistrer la séance" in page.text
    assert db.session.query(OutboxMessage).filter(OutboxMessage.subject.contains("invitation")).count() == 5


def test_an_empty_agenda_is_refused_with_its_reason(app, client, login_as):
    comite = Comite()
    db.session.commit()
    login_as(comite.chef)
    response = client.post(f"/dossiers/{comite.dossier.id}/comite/reunions/nouvelle", data={
        "jour": (date.today() + timedelta(days=3)).isoformat(), "heure": "10:00", "duree": "60", "lieu": "Mairie"})
    assert response.status_code == 200 and "ordre du jour est vide" in response.text


def test_the_list_of_meetings_costs_the_same_queries_for_1_or_8_meetings(app, client, login_as, count_queries):
    comite = Comite()
    fiche = comite.fiche_soumise()
    comite.reunion([fiche])
    db.session.commit()
    login_as(comite.commune)
    url = f"/dossiers/{comite.dossier.id}/comite"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(7):
        comite.reunion([fiche], day=date(2027, 4, 1 + n))
    db.session.commit()
    with count_queries() as many:
        page = client.get(url)
    assert many.count == few.count
    assert page.text.count("/comite/reunions/") >= 8


def test_guests_are_added_and_withdrawn_and_a_cancellation_asks_its_reason(app, client, login_as):
    comite = Comite()
    reunion = comite.reunion([comite.fiche_soumise()])
    db.session.commit()
    login_as(comite.chef)
    base = f"/dossiers/{comite.dossier.id}/comite"
    response = client.post(f"{base}/invites/nouveau", data={"nom": "Alix Durand", "email": "alix@caue.example",
                                                           "organisation": "CAUE 17"})
    assert response.status_code == 302
    page = client.get(base)
    assert "Alix Durand (CAUE 17, alix@caue.example)" in page.text
    guest_id = int(re.search(r"/invites/(\d+)/retirer", page.text).group(1))
    assert client.post(f"{base}/invites/{guest_id}/retirer").status_code == 302
    assert "alix@caue.example" not in client.get(base).text
    url = f"{base}/reunions/{reunion.id}/annuler"
    page = client.get(url)
    assert "Cette annulation est définitive" in page.text
    assert "Indiquez le motif" in client.post(url, data={"motif": ""}).text
    assert client.post(url, data={"motif": "Élections municipales"}).status_code == 302
    db.session.expire_all()
    assert reunion.etat.value == "annulee" and reunion.motif_annulation == "Élections municipales"
    assert client.get(f"{base}/reunions/{reunion.id}/modifier").status_code == 403
