"""The national list's deep pages (`/?page=N`, an OFFSET) are read along the index of the
list's order, not by sorting every dossier first: the plan of the page's own statement says so
(an EXPLAIN, not a timing)."""
from contextlib import contextmanager

from sqlalchemy import event, text

from app.auth.roles import Role
from app.core.db import db
from tests import factories


@contextmanager
def page_statement():
    """The statement (and parameters) that reads the page of dossiers, captured."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if "LIMIT" in statement.upper() and "ORDER BY dossier.departement_code" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def _plan(statement, parameters) -> str:
    connection = db.session.connection()
    if db.engine.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return "\n".join(str(row[-1]) for row in rows)
    # Few rows in a test: PostgreSQL would rightly sort them; forbid what a large table avoids.
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_sort = off"))
    connection.execute(text("SET LOCAL enable_incremental_sort = off"))  # a sort by another name
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return "\n".join(row[0] for row in rows)


def test_the_middle_page_of_the_national_list_walks_the_list_index_without_sorting(client, login_as):
    dep = factories.departement()
    for _ in range(60):
        factories.dossier([factories.commune(dep)])
    login_as(Role.ANCT)
    with page_statement() as seen:
        assert client.get("/?page=2").status_code == 200
    statement, parameters = seen[0]
    plan = _plan(statement, parameters)
    assert "ix_dossier_liste" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort " not in plan and "Sort\n" not in plan, plan
    assert "Incremental Sort" not in plan, plan
