"""Two préfecture agents validate the same dossier at the same instant, through HTTP on a
served application: one validation, one "modifié entre-temps", never a 500. Runs on the
suite's database (SQLite in WAL mode with a busy timeout, or PostgreSQL)."""
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest
from sqlalchemy import select, text
from werkzeug.serving import make_server

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import Dossier, DossierEtat as E
from app.workflows.history import HistoryEntry
from tests import factories

pytestmark = pytest.mark.no_transaction
PASSWORD = "une phrase de passe pour la course"


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def deposited(app):
    with app.app_context():
        dep = factories.departement()
        dossier = factories.dossier(departement_obj=dep, etat=E.ADHESION_DEPOSEE,
                                    adhesion_deposee_le=date(2026, 11, 2))
        agents = [factories.user_with_role(Role.PREFECTURE, factories.user(password=PASSWORD),
                                           departement_code=dep.code) for _ in range(2)]
        db.session.commit()
        ids = dossier.id, dossier.version, [a.email for a in agents], [a.id for a in agents]
        geo = dossier.liens_communes[0].commune_insee, dossier.epci_siren, dep.code, dep.region_code
    yield ids[:3]
    with app.app_context():
        params = {"d": ids[0], "a": ids[3][0], "b": ids[3][1], "c": geo[0], "e": geo[1], "dep": geo[2],
                  "r": geo[3], "ea": ids[2][0], "eb": ids[2][1]}
        for statement in (
            "DELETE FROM notification WHERE dossier_id = :d",
            "DELETE FROM history_entry WHERE dossier_id = :d",
            "DELETE FROM history_chain WHERE dossier_id = :d",
            "DELETE FROM user_session WHERE user_id IN (:a, :b)",
            "DELETE FROM role_grant WHERE user_id IN (:a, :b)",
            "DELETE FROM notification WHERE user_id IN (:a, :b)",
            'DELETE FROM "user" WHERE id IN (:a, :b)',
            "DELETE FROM login_attempt WHERE email IN (:ea, :eb)",
            "DELETE FROM dossier_commune WHERE dossier_id = :d",
            "DELETE FROM dossier WHERE id = :d",
            "DELETE FROM commune WHERE insee = :c",
            "DELETE FROM epci WHERE siren = :e",
            "DELETE FROM departement WHERE code = :dep",
            "DELETE FROM region WHERE code = :r",
        ):
            db.session.execute(text(statement), params)
        db.session.commit()


class Browser:
    """A person's browser: its own cookies; the Host the application is configured for."""

    def __init__(self, base, host):
        self.base, self.host = base, host
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def post(self, path, data):
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(data).encode(),
                                         headers={"Host": self.host}, method="POST")
        return self._open(request)

    def get(self, path):
        return self._open(urllib.request.Request(self.base + path, headers={"Host": self.host}))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_two_simultaneous_validations_give_one_success_and_one_conflict(app, served, deposited):
    dossier_id, version, emails = deposited
    host = app.config["SERVER_NAME"]
    browsers = [Browser(served, host) for _ in emails]
    for browser, email in zip(browsers, emails):
        status, _ = browser.post("/connexion", {"email": email, "password": PASSWORD})
        assert status == 302
        assert browser.get(f"/dossiers/{dossier_id}")[0] == 200

    barrier, answers = threading.Barrier(2), [None, None]

    def validate(i):
        barrier.wait()
        answers[i] = browsers[i].post(f"/dossiers/{dossier_id}/actions/valider_adhesion", {"version": version})

    threads = [threading.Thread(target=validate, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    statuses = sorted(status for status, _ in answers)
    assert all(status < 500 for status in statuses), answers
    pages = [browser.get(f"/dossiers/{dossier_id}")[1] for browser in browsers]
    told = [i for i, (status, body) in enumerate(answers)
            if status == 409 and "modifié entre-temps" in body or "modifié entre-temps" in pages[i]]
    assert len(told) == 1, (statuses, answers)
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).etat == E.ADHESION_VALIDEE
        events = db.session.scalars(select(HistoryEntry.event).where(HistoryEntry.dossier_id == dossier_id)).all()
        assert events == ["valider_adhesion"]
