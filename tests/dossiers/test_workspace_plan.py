"""The préfecture's recent activity picks its 15 rows among the entries of the history index
(dossier, date, id) alone, then reads those rows: not every history row of the département.

An index-only scan is chosen once VACUUM has marked the table's pages all-visible (as autovacuum
does in production); rows of a rolled-back test transaction never are, so these rows are
committed, the table vacuumed, then everything removed."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from app.core.db import db
from app.dossiers.models import Dossier
from app.instruction.views import latest_entries
from tests import factories
from tests.dossiers.test_workspace import _steps

pytestmark = pytest.mark.no_transaction
CLEANUP = (
    "DELETE FROM history_entry WHERE dossier_id IN (SELECT id FROM dossier WHERE departement_code = :dep)",
    "DELETE FROM history_chain WHERE dossier_id IN (SELECT id FROM dossier WHERE departement_code = :dep)",
    "DELETE FROM dossier_commune WHERE dossier_id IN (SELECT id FROM dossier WHERE departement_code = :dep)",
    "DELETE FROM dossier WHERE departement_code = :dep",
    "DELETE FROM commune WHERE departement_code = :dep",
    "DELETE FROM departement WHERE code = :dep",
    "DELETE FROM region WHERE code = :region",
)


def _plan(statement) -> list[str]:
    """The scans of the statement's plan: (node type, index) on SQLite's words or PostgreSQL's."""
    compiled = statement.compile(db.engine)
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), tuple(compiled.params.values()))
        return [row[3] for row in rows]
    # A few rows in a test: PostgreSQL would rightly read the table's one page; forbid what a
    # large table avoids (reading its pages).
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_bitmapscan = off"))
    (plan,), = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).all()

    def nodes(node):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    return [f"{node['Node Type']} {node.get('Index Name')}" for node in nodes(plan[0]["Plan"])
            if node.get("Relation Name") == "history_entry"]


def test_the_latest_rows_of_a_departement_come_from_the_history_index_alone(app):
    with app.app_context():
        dep = factories.departement()
        codes = {"dep": dep.code, "region": dep.region_code}
        try:
            for _ in range(3):
                _steps(factories.dossier([factories.commune(dep)]), 20, datetime(2026, 3, 2, 8, 0), timedelta(hours=1))
            db.session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("VACUUM ANALYZE history_entry")
            scans = _plan(latest_entries(Dossier.departement_code == dep.code, 15))
            if db.engine.dialect.name == "sqlite":
                assert any("COVERING INDEX ix_history_entry_dossier_at" in step for step in scans), scans
            else:
                assert scans == ["Index Only Scan ix_history_entry_dossier_at"], scans
        finally:
            db.session.rollback()
            for statement in CLEANUP:
                db.session.execute(text(statement), codes)
            db.session.commit()
            db.session.remove()
