"""The partner's lists read their page's ids along the index of their order, without sorting
the partner's whole territory first: the walk stops at the page (or the count's bound) however
large the list. The plan of the ids' statement says so (an EXPLAIN, not a timing)."""
import pytest

from app.core.db import db
from app.workflows.states import FinancementStatut as S
from tests.comite.factories import Comite
from tests.comite.test_partner_lists import DAY, _line
from tests.dossiers.test_list_plan import _postgres_keys_plan, statements_where

LISTS = {
    "avis": ("SELECT fiche_action.id", "fiche_action", "ix_fiche_action_etat_soumission"),
    "financements": ("SELECT ligne_financement.id", "ligne_financement", "ix_ligne_financement_attente"),
}


def ids_statement(start: str):
    """The statement (and parameters) that reads the list's ids, captured."""
    return statements_where(lambda statement: statement.startswith(start) and "LIMIT" in statement.upper())


@pytest.mark.parametrize("liste", LISTS)
def test_the_partners_list_reads_its_ids_along_the_index_of_its_order(app, client, login_as, liste):
    start, table, index = LISTS[liste]
    comite = Comite()
    for n in range(3):
        _line(comite.fiche_soumise(f"Fiche {n}"), S.SOLLICITE, DAY)
    db.session.commit()
    login_as(comite.partner)
    with ids_statement(start) as seen:
        assert client.get(f"/partenaire?liste={liste}").status_code == 200
    (statement, parameters), = seen
    if db.engine.dialect.name == "sqlite":
        steps = [row[3] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters).all()]
        assert steps[0].startswith(f"SEARCH {table} USING COVERING INDEX {index} "), steps
        assert not any("TEMP B-TREE" in step for step in steps), steps
    else:
        steps = _postgres_keys_plan(statement, parameters)
        scans = [node for node in steps if node.get("Relation Name") == table]
        assert [(node["Node Type"], node.get("Index Name")) for node in scans] == [("Index Only Scan", index)], steps
        assert not any("Sort" in node["Node Type"] for node in steps), steps
