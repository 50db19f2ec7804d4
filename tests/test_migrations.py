"""The migrations build exactly the schema the models describe, and undo it.

They run on an empty database of their own, never on the suite's schema (which
`db.create_all()` made): a temporary SQLite file, or, when TEST_DATABASE_URL points to
PostgreSQL, a database created for the test on the same server and dropped after it.
"""
import os
import secrets
import tempfile
from pprint import pformat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url

from app import create_app
from app.core.db import db

pytestmark = pytest.mark.no_transaction


@pytest.fixture
def empty_database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        with tempfile.TemporaryDirectory(prefix="jalons-migrations-") as folder:
            yield "sqlite:///" + os.path.join(folder, "migrations.sqlite3")
        return
    server = make_url(url)
    if server.get_backend_name() != "postgresql":
        pytest.fail(f"TEST_DATABASE_URL : base non prise en charge ({server.get_backend_name()})")
    name = f"jalons_migrations_{secrets.token_hex(4)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def migrations_app(empty_database_url):
    app = create_app({
        "JALONS_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": empty_database_url,
    })
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_have_a_single_head(migrations_app):
    script = ScriptDirectory.from_config(migrations_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, script.get_heads()


def test_upgrade_builds_the_schema_of_the_models(migrations_app):
    upgrade()
    differences = schema_differences()
    assert differences == [], (
        "The migrations and the models differ; write a migration "
        "(or, before the first deployment, run scripts/regen-initial-migration):\n"
        + pformat(differences)
    )


def test_downgrade_to_base_removes_every_table_and_upgrade_again_works(migrations_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
