"""The "point d'avancement" PDF: its text carries the figures; quick ones come at once, the others
through `flask rapports generer` and a notification; a ready one is the cache of its level and
day until the data changes."""
import io
import re
from html import unescape
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from app.auth.roles import Role
from app.core.db import db
from app.core.storage import EXTENSION_KEY, LocalStorage
from app.notifications.models import Notification
from app.tableaux import rapports
from app.tableaux.models import RapportDemande, RapportEtat
from app.tableaux.niveaux import resolve
from tests.tableaux import programme


@pytest.fixture(autouse=True)
def storage(app, tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return storage


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"- ", "-", re.sub(r"[\s\u00a0\u202f]+", " ", text))


def test_the_pdf_carries_the_key_figures_of_its_level_and_day(app, prog, anct):
    with app.test_request_context():
        pdf = rapports.render_pdf(resolve(anct, "region", prog.region.code), date(2022, 12, 15), anct)
    text = pdf_text(pdf)
    assert "Point d'avancement" in text and "Données au 15 décembre 2022" in text
    assert "4 communes Petites villes de demain (3 dossiers)" in text
    assert "75 % des communes ont signé leur convention d'adhésion (3 communes, 2 conventions)" in text
    assert "2 communes ont signé leur convention-cadre (50 %, 1 convention-cadre)" in text
    assert "1 dossier en retard sur la règle des 18 mois" in text
    assert prog.d2.reference in text and "01/12/2022" in text  # the late dossier and its deadline
    assert "10 000 € versés" in text
    assert prog.dep_a.nom in text and prog.dep_b.nom in text  # the table by département


def test_a_departement_report_comes_at_once_then_from_the_cache(app, client, login_as, prog):
    login_as(Role.PREFECTURE, departement_code=prog.dep_a.code)
    url = f"/tableaux/departement/{prog.dep_a.code}/rapport"
    first = client.post(url, data={"au": "2022-12-15"})
    assert first.status_code == 302 and first.location.endswith(".pdf")
    download = client.get(first.location)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert prog.d2.reference in pdf_text(download.data)
    again = client.post(url, data={"au": "2022-12-15"})
    assert again.location == first.location  # the same PDF: nothing changed
    assert db.session.query(RapportDemande).count() == 1
    programme.sign(prog.d4, "signer_adhesion", date(2022, 1, 5), programme.E.ADHESION_SIGNEE,
                   programme.E.ADHESION_VALIDEE)  # a backdated signature changes the figures
    assert client.post(url, data={"au": "2022-12-15"}).location != first.location


def test_a_slow_report_is_queued_then_made_by_the_command_and_notified(app, client, login_as, runner, prog):
    user = login_as(Role.ANCT)
    response = client.post("/tableaux/national/rapport", data={"au": "2022-12-15"}, follow_redirects=True)
    assert "en préparation" in response.get_data(as_text=True)
    row = db.session.query(RapportDemande).one()
    assert row.etat == RapportEtat.EN_ATTENTE and row.niveau == "national"
    result = runner.invoke(args=["rapports", "generer"])
    assert "Rapports produits\u00a0: 1" in result.output, result.output
    db.session.refresh(row)
    assert row.etat == RapportEtat.PRET and row.duree_ms is not None
    notification = db.session.query(Notification).filter_by(user_id=user.id, kind="rapport_pret").one()
    assert notification.url == f"/tableaux/rapports/{row.id}.pdf"
    pdf = client.get(notification.url)
    assert pdf.status_code == 200 and "Données au 15 décembre 2022" in pdf_text(pdf.data)
    assert runner.invoke(args=["rapports", "generer"]).output.startswith("Rapports produits\u00a0: 0")


def test_a_claimed_request_is_not_taken_twice(app, prog, anct):
    row = RapportDemande(user_id=anct.id, niveau="national", au=date(2022, 12, 15))
    db.session.add(row)
    db.session.flush()
    assert rapports.QUEUE.claim(row.id) is True
    assert rapports.QUEUE.claim(row.id) is False
    row.claimed_at = datetime(2020, 1, 1)  # its worker vanished long ago: taken again
    db.session.flush()
    assert rapports.QUEUE.claim(row.id) is True


def test_another_departement_s_report_is_not_served(app, client, login_as, storage, prog, anct):
    row = RapportDemande(user_id=anct.id, niveau="departement", code=prog.dep_b.code, au=date(2022, 12, 15),
                         etat=RapportEtat.PRET, fichier=storage.save(b"%PDF-1.4"))
    db.session.add(row)
    db.session.flush()
    login_as(Role.PREFECTURE, departement_code=prog.dep_a.code)
    assert client.get(f"/tableaux/rapports/{row.id}.pdf").status_code == 404
    login_as(Role.PREFECTURE, departement_code=prog.dep_b.code)
    assert client.get(f"/tableaux/rapports/{row.id}.pdf").status_code == 200


def test_an_expired_report_is_asked_again_from_its_dashboard(app, client, login_as, storage, prog, anct):
    row = RapportDemande(user_id=anct.id, niveau="departement", code=prog.dep_b.code, au=date(2022, 12, 15),
                         etat=RapportEtat.PRET, fichier=storage.save(b"%PDF-1.4"), generated_at=datetime(2020, 1, 1))
    db.session.add(row)
    db.session.commit()
    key = row.fichier
    assert rapports.QUEUE.expire(30) == 1
    db.session.refresh(row)
    assert (row.etat, row.fichier) == (RapportEtat.EXPIRE, None) and not storage.exists(key)
    login_as(Role.PREFECTURE, departement_code=prog.dep_a.code)
    assert client.get(f"/tableaux/rapports/{row.id}.pdf").status_code == 404  # still not theirs
    login_as(Role.PREFECTURE, departement_code=prog.dep_b.code)
    response = client.get(f"/tableaux/rapports/{row.id}.pdf")
    assert response.status_code == 303
    assert response.location.endswith(f"/tableaux/departement/{prog.dep_b.code}?au=2022-12-15")
    page = unescape(client.get(response.location).get_data(as_text=True))
    assert "Ce rapport n'est plus disponible\u00a0: un rapport préparé est gardé 30\u00a0jours." in page
