"""Large XLSX exports: beyond EXPORT_XLSX_SYNC_CELLS cells they are not written in the request
(a worker is never held a minute) but queued, written by `flask exports generer`, told in the
notifications, downloaded by their requester alone, and served again while the data is the
same; small ones come at once; the CSV is always streamed."""
import io
from html import unescape
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.auth.roles import Role
from app.core.db import db
from app.core.storage import EXTENSION_KEY, LocalStorage
from app.exports import demandes
from app.exports.models import ExportDemande, ExportEtat
from app.notifications.models import Notification
from tests import factories
from tests.exports import programme
from tests.projet import factories as pf


@pytest.fixture(autouse=True)
def storage(app, tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return storage


@pytest.fixture
def world():
    return programme.build()


@pytest.fixture
def small_limit(app, monkeypatch):
    """The national fiches export of the small programme (4 rows × 20 columns) counts as large."""
    monkeypatch.setitem(app.config, "EXPORT_XLSX_SYNC_CELLS", 50)


def rows_of(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_small_xlsx_comes_at_once_from_the_button_and_the_link(world, client, login_as):
    login_as(Role.ANCT)
    posted = client.post("/exports/fiches.xlsx")
    assert posted.status_code == 200 and posted.mimetype.endswith("spreadsheetml.sheet")
    assert rows_of(posted.get_data()) == rows_of(client.get("/exports/fiches.xlsx").get_data())
    assert db.session.query(ExportDemande).count() == 0


def test_a_large_xlsx_is_queued_once_made_by_the_command_told_and_served_to_its_requester(
        app, world, client, login_as, runner, small_limit, monkeypatch):
    user = login_as(Role.ANCT)
    response = client.post("/exports/fiches.xlsx")
    assert response.status_code == 303 and response.location.endswith("/exports/demandes")
    assert "en préparation" in client.get(response.location).get_data(as_text=True)
    assert client.post("/exports/fiches.xlsx").status_code == 303  # asked twice: queued once
    row = db.session.query(ExportDemande).one()
    assert (row.etat, row.kind, row.user_id) == (ExportEtat.EN_ATTENTE, "fiches", user.id)

    result = runner.invoke(args=["exports", "generer"])
    assert "Exports produits\u00a0: 1, en échec\u00a0: 0" in result.output, result.output
    db.session.refresh(row)
    assert row.etat == ExportEtat.PRET and row.lignes == 4 and row.taille > 0
    notification = db.session.query(Notification).filter_by(user_id=user.id, kind="export_pret").one()
    assert notification.url == f"/exports/demandes/{row.id}.xlsx"
    download = client.get(notification.url)
    assert download.status_code == 200 and "jalons-fiches-" in download.headers["Content-Disposition"]
    prepared = rows_of(download.get_data())
    monkeypatch.setitem(app.config, "EXPORT_XLSX_SYNC_CELLS", 10**9)
    assert prepared == rows_of(client.get("/exports/fiches.xlsx").get_data())  # as if written at once
    assert len(prepared) == 1 + 4
    monkeypatch.setitem(app.config, "EXPORT_XLSX_SYNC_CELLS", 50)
    page = client.get("/exports/demandes").get_data(as_text=True)
    assert "Prêt" in page and f"/exports/demandes/{row.id}.xlsx" in page
    assert runner.invoke(args=["exports", "generer"]).output.startswith("Exports produits\u00a0: 0")

    again = client.post("/exports/fiches.xlsx")  # the same data: the same file, at once
    assert again.status_code == 303 and again.location.endswith(f"/exports/demandes/{row.id}.xlsx")
    fiche = pf.fiche(world.adhering, pf.member(Role.COMMUNE, world.adhering))  # the data changes
    assert fiche.id
    assert client.post("/exports/fiches.xlsx").location.endswith("/exports/demandes")
    assert db.session.query(ExportDemande).count() == 2


def test_a_large_xlsx_asked_by_a_link_is_not_written_in_the_request(world, client, login_as, small_limit):
    login_as(Role.ANCT)
    response = client.get("/exports/fiches.xlsx?departement=" + world.departement.code)
    assert response.status_code == 302
    assert response.location.endswith(f"/exports/demandes?departement={world.departement.code}")
    page = client.get(response.location).get_data(as_text=True)
    assert "trop volumineux pour être produit immédiatement" in page
    assert f'action="/exports/fiches.xlsx?departement={world.departement.code}"' in page
    assert db.session.query(ExportDemande).count() == 0
    csv = client.get("/exports/fiches.csv")  # the CSV is streamed whatever its size
    assert csv.status_code == 200 and csv.is_streamed


def test_a_prepared_export_is_its_requester_s_alone(world, client, login_as, storage):
    owner = factories.user_with_role(Role.ANCT)
    row = ExportDemande(user_id=owner.id, kind="dossiers", jour=date(2025, 1, 31), etat=ExportEtat.PRET,
                        fichier=storage.save(b"PK"), lignes=1)
    db.session.add(row)
    db.session.flush()
    login_as(Role.ANCT)
    assert client.get(f"/exports/demandes/{row.id}.xlsx").status_code == 404
    login_as(owner)
    assert client.get(f"/exports/demandes/{row.id}.xlsx").status_code == 200


def test_a_claimed_request_is_not_taken_twice(world):
    user = factories.user_with_role(Role.ANCT)
    row = demandes.request_export(user, "fiches", {}, date(2025, 1, 31))
    assert demandes.QUEUE.claim(row.id) is True and demandes.QUEUE.claim(row.id) is False
    assert demandes.QUEUE.pending_ids() == []


def test_a_request_that_fails_is_marked_failed_with_its_reason_and_the_others_are_produced(world, app, caplog):
    user = factories.user_with_role(Role.ANCT)
    first = demandes.request_export(user, "fiches", {}, date(2025, 1, 31))
    second = demandes.request_export(user, "dossiers", {}, date(2025, 1, 31))
    first_id, second_id = first.id, second.id
    db.session.commit()
    produced = []

    def process(row_id):
        if row_id == first_id:
            raise ValueError("disque plein")
        produced.append(row_id)

    assert demandes.QUEUE.run(process) == (1, 1)
    assert produced == [second_id]
    failed = db.session.get(ExportDemande, first_id)
    assert failed.etat == ExportEtat.ECHEC and failed.erreur == "disque plein"
    assert db.session.get(ExportDemande, second_id).etat == ExportEtat.EN_COURS  # process() writes the rest
    assert "Export %s : échec" % first_id in caplog.text


def test_prepared_files_expire_after_their_days_and_an_old_link_says_so(world, client, login_as, runner, storage):
    owner = login_as(Role.ANCT)
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    def prepared(age_days, etat=ExportEtat.PRET, **kw):
        row = ExportDemande(user_id=owner.id, kind="dossiers", jour=date(2025, 1, 31), etat=etat,
                            fichier=storage.save(b"PK") if etat == ExportEtat.PRET else None, lignes=1,
                            created_at=now - timedelta(days=age_days), **kw)
        if etat == ExportEtat.PRET:
            row.generated_at = now - timedelta(days=age_days)
        db.session.add(row)
        return row

    old, recent, failed, waiting = (prepared(31), prepared(5), prepared(40, ExportEtat.ECHEC, erreur="disque plein"),
                                    prepared(40, ExportEtat.EN_ATTENTE))
    db.session.commit()
    old_file, recent_file = old.fichier, recent.fichier
    assert demandes.QUEUE.expire(30) == 2
    db.session.expire_all()
    assert [(r.etat, r.fichier) for r in (old, recent, failed, waiting)] == [
        (ExportEtat.EXPIRE, None), (ExportEtat.PRET, recent_file), (ExportEtat.EXPIRE, None),
        (ExportEtat.EN_ATTENTE, None)]
    assert not storage.exists(old_file) and storage.exists(recent_file)
    assert demandes.QUEUE.expire(30) == 0  # once only

    expired = client.get(f"/exports/demandes/{old.id}.xlsx")  # the link of its notification
    assert expired.status_code == 303 and expired.location.endswith("/exports/demandes")
    page = unescape(client.get(expired.location).get_data(as_text=True))
    assert "Cet export n'est plus disponible\u00a0: un export préparé est gardé 30\u00a0jours." in page
    assert "Expiré" in page and "vous le retrouvez ici, gardé 30\u00a0jours" in page
    login_as(Role.ANCT)  # someone else
    assert client.get(f"/exports/demandes/{old.id}.xlsx").status_code == 404


def test_the_command_lets_the_old_files_expire_after_its_requests(world, app, runner, storage, monkeypatch):
    user = factories.user_with_role(Role.ANCT)
    row = ExportDemande(user_id=user.id, kind="fiches", jour=date(2025, 1, 31), etat=ExportEtat.PRET,
                        fichier=storage.save(b"PK"), lignes=1, generated_at=datetime(2020, 1, 1))
    db.session.add(row)
    db.session.commit()
    monkeypatch.setitem(app.config, "PREPARED_FILES_DAYS", 7)
    assert "expirés\u00a0: 1." in runner.invoke(args=["exports", "generer"]).output
    db.session.refresh(row)
    assert row.etat == ExportEtat.EXPIRE
