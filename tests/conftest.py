"""Test fixtures: one schema per run, one rolled-back transaction per test.

The database is SQLite (a temporary file) unless TEST_DATABASE_URL points to PostgreSQL;
`make test` runs the suite on both.
"""
import os
import tempfile
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from app import create_app
from app.auth.signin import session_data
from app.core.db import db
from app.tableaux import registre
from tests import factories
from tests.fixtures_referentiel import referentiel  # noqa: F401  (the real geography, on demand)
from tests.mail_fixtures import closed_smtp_port, smtp_server  # noqa: F401  (a real SMTP server)
from tests.s3_fixtures import bucket, s3, s3_app, s3_settings  # noqa: F401  (a real S3 server)


class BoundSession(FlaskSession):
    """A session that always uses the test's connection (Flask-SQLAlchemy would pick the engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class RequestClient(FlaskClient):
    """Each request gets its own application context, as in production.

    Tests run inside an app context (for factories); without this, requests would share
    the test's `g` (Flask-Login caches the user there) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="jalons-test-") as folder:
        yield "sqlite:///" + os.path.join(folder, "test.sqlite3")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "JALONS_ENV": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "jalons.test",
        "BASE_URL": "http://jalons.test",
        "MAIL_SERVER": None,
        "ARCHIVE_CONVENTIONS": False,  # WeasyPrint at every submission: enabled where tested
        # the tests' transaction is not seen by other processes (tests/demo/test_parallele.py has its own)
        "DEMO_WORKERS": 1,
    })
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = RequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        registre.reconstruire()  # the dashboards' register, kept in step from here on, as in production
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test runs inside a transaction that is rolled back at the end.

    Code under test may commit: with create_savepoint, a commit only releases a SAVEPOINT.
    """
    if "no_transaction" in request.keywords:
        yield None
        # Such a test commits and cleans up by raw SQL, around the dashboards' register: rebuilt
        # for the next tests (as `flask tableaux reconstruire` after a write that goes around it).
        with app.app_context():
            registre.reconstruire()
            db.session.commit()
            db.session.remove()
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({
            "class_": BoundSession,
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
        })
        try:
            yield connection
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt is slow by design and tests hash many passwords; checking reads the method from
    the stored hash, so verification is unchanged."""
    from functools import partial

    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "app.auth.models.generate_password_hash",
        partial(generate_password_hash, method="pbkdf2:sha256:1000"),
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """`login_as(user)` or `login_as(Role.X, scope…)`: the client is then that user, with an
    open session row as a login through the form makes."""

    def login(user_or_role, **scope):
        user = user_or_role
        if not isinstance(user_or_role, factories.User):
            user = factories.user_with_role(user_or_role, **scope)
        record = factories.user_session(user)
        db.session.commit()
        with client.session_transaction() as session:
            session.clear()
            session.update(session_data(record))
        return user

    return login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(_transaction):
    """`with count_queries() as counter:` counts the SQL statements sent in the block."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def listener(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counting
