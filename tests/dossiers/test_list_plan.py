"""The national list's deep pages (`/?page=N`, an OFFSET) are read along the index of the
list's order, not by sorting every dossier first, and as a deferred join: the page's ids come
from the index alone, then only those rows are read (and their 25 sorted). The plan of the
page's own statement says so (an EXPLAIN, not a timing)."""
import json
from contextlib import contextmanager

from sqlalchemy import event, text

from app.auth.roles import Role
from app.core.db import db
from tests import factories


@contextmanager
def statements_where(keep):
    """The statements (and their parameters) sent meanwhile that `keep(statement)` picks."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if keep(statement):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def page_statement():
    """The statement (and parameters) that reads the page of dossiers, captured."""
    return statements_where(lambda statement: "LIMIT" in statement.upper()
                            and "ORDER BY dossier.departement_code" in statement)


def _sqlite_keys_plan(statement, parameters) -> list[str]:
    """The steps of the subquery that picks the page's ids (EXPLAIN QUERY PLAN is a tree:
    id, parent, detail)."""
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    children = {}
    for node, parent, _, detail in rows:
        children.setdefault(parent, []).append((node, detail))
    roots = [node for node, detail in children.get(0, []) if detail.startswith("LIST SUBQUERY")]
    assert len(roots) == 1, rows
    steps, todo = [], list(roots)
    while todo:
        for node, detail in children.get(todo.pop(), []):
            steps.append(detail)
            todo.append(node)
    return steps


def _postgres_keys_plan(statement, parameters) -> list[dict]:
    """The nodes under the Limit of the subquery that picks the page's ids."""
    connection = db.session.connection()
    # Few rows in a test: PostgreSQL would rightly sort them; forbid what a large table avoids.
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_sort = off"))
    connection.execute(text("SET LOCAL enable_incremental_sort = off"))  # a sort by another name
    plan, = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).one()
    plan = plan if isinstance(plan, list) else json.loads(plan)

    def nodes(node):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    limits = [node for node in nodes(plan[0]["Plan"]) if node["Node Type"] == "Limit"]
    assert len(limits) == 1, plan
    return list(nodes(limits[0]))[1:]


def test_the_middle_page_of_the_national_list_reads_its_ids_from_the_list_index_without_sorting(
        client, login_as):
    dep = factories.departement()
    for _ in range(60):
        factories.dossier([factories.commune(dep)])
    login_as(Role.ANCT)
    with page_statement() as seen:
        assert client.get("/?page=2").status_code == 200
    (statement, parameters), = seen
    if db.engine.dialect.name == "sqlite":
        steps = _sqlite_keys_plan(statement, parameters)
        assert any("COVERING INDEX ix_dossier_liste" in step for step in steps), steps
        assert not any("TEMP B-TREE" in step for step in steps), steps
    else:
        steps = _postgres_keys_plan(statement, parameters)
        scans = [node for node in steps if node.get("Relation Name") == "dossier"]
        assert [(node["Node Type"], node.get("Index Name")) for node in scans] == [("Index Only Scan", "ix_dossier_liste")], steps
        assert not any("Sort" in node["Node Type"] for node in steps), steps
