"""Error pages after a database failure: the transaction is rolled back before the page reads
the current user, and a concurrency failure reads as "modifié entre-temps", never a 500."""
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from app import create_app
from app.auth.roles import Role
from app.auth.signin import session_data
from app.core.db import db
from app.core.errors import ConflictError, is_concurrency_failure
from app.dossiers import lifecycle
from tests import factories


def locked() -> OperationalError:
    return OperationalError("UPDATE dossier …", {}, sqlite3.OperationalError("database is locked"))


class _Psycopg(Exception):
    sqlstate = "40P01"


def test_lock_and_serialization_failures_are_recognised():
    assert is_concurrency_failure(locked())
    assert is_concurrency_failure(OperationalError("x", {}, _Psycopg("deadlock detected")))
    assert not is_concurrency_failure(OperationalError("x", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_concurrency_failure(ValueError("database is locked"))


def test_a_locked_database_during_a_transition_is_a_conflict(monkeypatch):
    dossier = factories.dossier()

    def flush(*args, **kwargs):
        raise locked()

    monkeypatch.setattr(db.session, "flush", flush)
    with pytest.raises(ConflictError, match="modifié entre-temps"):
        lifecycle.fire(dossier, "demarrer_adhesion", None)


@pytest.fixture
def failing_app(app):
    """An application of its own (the suite's must keep only real routes: the authorization
    matrix walks them), with two routes that fail the way a lost race does."""
    other = create_app({key: app.config[key] for key in (
        "JALONS_ENV", "TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "WTF_CSRF_ENABLED",
        "SERVER_NAME", "MAIL_SERVER", "ARCHIVE_CONVENTIONS")})
    other.test_client_class = type(app.test_client())

    def locked_view():
        raise locked()

    def broken_flush():
        # A flush that fails leaves the session needing a rollback; the page then reads the user.
        db.session.add(factories.User(email=None, nom="x"))
        db.session.flush()

    other.add_url_rule("/_test/verrou", "test_failing.locked", locked_view, methods=["POST"])
    other.add_url_rule("/_test/flush", "test_failing.flush", broken_flush, methods=["POST"])
    return other


@pytest.fixture
def failing_client(failing_app):
    client = failing_app.test_client()
    record = factories.user_session(factories.user_with_role(Role.ANCT))
    db.session.commit()
    with client.session_transaction() as session:
        session.update(session_data(record))
    return client


def test_a_locked_database_answers_the_conflict_page_with_its_headers(failing_client):
    response = failing_client.post("/_test/verrou")
    assert response.status_code == 409
    assert "modifié entre-temps" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_failed_flush_gives_the_french_500_page_not_a_crash(failing_client, failing_app):
    failing_app.testing = False
    failing_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = failing_client.post("/_test/flush")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur inattendue" in page
    assert "X-Frame-Options" in response.headers
