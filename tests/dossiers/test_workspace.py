"""The préfecture's workspace and the 18-month filter of the lists."""
from datetime import datetime, timedelta

import re

import json

import pytest
from sqlalchemy import event, text

from app.auth.roles import Role
from app.avenants.models import Avenant, AvenantEtat
from app.core.db import db
from app.dossiers.echeance import StatutEcheance as S, add_months
from app.dossiers.models import DossierEtat as E
from app.core.formatting import today_in_paris
from app.workflows import history
from tests import factories
from tests.dossiers.test_list_plan import _sqlite_keys_plan


@pytest.fixture
def departement_with_deadlines():
    today = today_in_paris()
    dep = factories.departement()
    epci = factories.epci()

    def make(nom, etat, **dates):
        return factories.dossier([factories.commune(dep, epci, nom=nom)], etat=etat, **dates)

    return dep, {
        "depassee": make("Ville-Dépassée", E.CADRE_REDACTION, adhesion_signee_le=add_months(today, -20),
                         echeance_cadre=today - timedelta(days=3)),
        "un_mois": make("Ville-Un-Mois", E.CADRE_REDACTION, adhesion_signee_le=add_months(today, -18),
                        echeance_cadre=today + timedelta(days=10)),
        "loin": make("Ville-Loin", E.ADHESION_SIGNEE, adhesion_signee_le=today,
                     echeance_cadre=add_months(today, 18)),
        "signee": make("Ville-Signée", E.MISE_EN_OEUVRE, adhesion_signee_le=add_months(today, -30),
                       echeance_cadre=add_months(today, -12), cadre_signee_le=add_months(today, -14)),
        "sortie": make("Ville-Sortie", E.SORTI, adhesion_signee_le=add_months(today, -30),
                       echeance_cadre=add_months(today, -12)),
        "deposee_ancienne": make("Ville-Ancienne", E.CADRE_DEPOSEE, adhesion_signee_le=add_months(today, -10),
                                 echeance_cadre=add_months(today, 8), cadre_deposee_le=today - timedelta(days=40)),
        "deposee_recente": make("Ville-Récente", E.ADHESION_DEPOSEE, adhesion_deposee_le=today - timedelta(days=2)),
    }


def test_list_filters_on_the_18_month_status(client, login_as, departement_with_deadlines):
    dep, d = departement_with_deadlines
    login_as(Role.PREFECTURE, departement_code=dep.code)
    page = client.get("/?echeance=depassee").get_data(as_text=True)
    assert "Ville-Dépassée" in page and "Ville-Sortie" not in page and "Ville-Un-Mois" not in page
    page = client.get("/?echeance=moins_1_mois").get_data(as_text=True)
    assert "Ville-Un-Mois" in page and "Ville-Dépassée" not in page
    page = client.get("/?echeance=respectee").get_data(as_text=True)
    assert "Ville-Signée" in page and "Ville-Loin" not in page
    page = client.get("/").get_data(as_text=True)
    assert "Échéance dépassée" in page and "Délai respecté" in page


def test_workspace_shows_waiting_oldest_first_deadlines_and_counts(client, login_as, app, monkeypatch,
                                                                   departement_with_deadlines):
    dep, d = departement_with_deadlines
    # The programme ends in a year: Ancienne (8 months) is within it, Loin (18 months) is not.
    monkeypatch.setitem(app.config, "PROGRAMME_END", add_months(today_in_paris(), 12).isoformat())
    login_as(Role.PREFECTURE, departement_code=dep.code)
    page = client.get("/instruction").get_data(as_text=True)
    waiting = page[page.index('id="en-attente"'):page.index('id="titre-proches"')]
    assert waiting.index("Ville-Ancienne") < waiting.index("Ville-Récente")
    assert "40\u00a0jours" in waiting and "2\u00a0jours" in waiting
    near = page[page.index('id="echeances-proches"'):]
    assert near.index("Ville-Dépassée") < near.index("Ville-Un-Mois")
    assert "Ville-Loin" not in near.split('id="activite"')[0] and "Ville-Sortie" not in near
    counts = page[page.index('id="compteurs-echeance"'):page.index('id="titre-attente"')]
    # dépassée, moins d'1 mois, moins de 3, moins de 6, dans les délais (Ancienne), au-delà de
    # la fin du programme (Loin); the signed and the withdrawn dossiers are not counted.
    assert [int(n) for n in re.findall(r">(\d+)</a>", counts)] == [1, 1, 0, 0, 1, 1]


def test_workspace_is_for_the_prefecture(client, login_as):
    login_as(Role.ANCT)
    assert client.get("/instruction").status_code == 403


def test_workspace_sql_does_not_grow(client, login_as, count_queries):
    counts = []
    for size in (2, 25):
        dep = factories.departement()
        for n in range(size):
            dossier = factories.dossier([factories.commune(dep)], etat=E.CADRE_DEPOSEE,
                                        cadre_deposee_le=today_in_paris(),
                                        echeance_cadre=today_in_paris() + timedelta(days=n))
        login_as(Role.PREFECTURE, departement_code=dep.code)
        with count_queries() as counter:
            assert client.get("/instruction").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_waiting_days_are_singular_for_zero_and_one(client, login_as):
    today = today_in_paris()
    dep = factories.departement()
    factories.dossier([factories.commune(dep, None, nom="Ville-Du-Jour")], etat=E.ADHESION_DEPOSEE,
                      adhesion_deposee_le=today)
    signed = factories.dossier([factories.commune(dep, None, nom="Ville-Avenant")], etat=E.MISE_EN_OEUVRE)
    db.session.add(Avenant(dossier_id=signed.id, numero=1, objet="Halles", etat=AvenantEtat.DEPOSE,
                           depose_le=today - timedelta(days=1)))
    login_as(Role.PREFECTURE, departement_code=dep.code)
    page = client.get("/instruction").get_data(as_text=True)
    waiting = page[page.index('id="en-attente"'):page.index('id="titre-proches"')]
    rows = re.findall(r"<tr>.*?</tr>", waiting, re.S)
    assert "0\u00a0jour<" in next(r for r in rows if "Ville-Du-Jour" in r)
    assert "1\u00a0jour<" in next(r for r in rows if "Ville-Avenant" in r)
    assert "jours" not in waiting


def _steps(dossier, count, start, every):
    """`count` rows of the dossier's history, `every` apart from `start`, labelled by their time."""
    for n in range(count):
        at = start + n * every
        history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
                       event="reprise", label=f"Étape {at:%d/%m %H:%M}", from_state=None, to_state=dossier.etat, at=at)


def test_recent_activity_is_the_latest_15_rows_of_the_departement_newest_first(client, login_as):
    dep = factories.departement()
    ici = factories.dossier([factories.commune(dep, None, nom="Ville-Ici")])
    la = factories.dossier([factories.commune(dep, None, nom="Ville-Là")])
    ailleurs = factories.dossier([factories.commune(factories.departement(), None, nom="Ville-Ailleurs")])
    start = datetime(2026, 3, 2, 8, 0)
    _steps(ici, 12, start, timedelta(hours=2))
    _steps(la, 12, start + timedelta(hours=1), timedelta(hours=2))  # the two dossiers interleaved
    _steps(ailleurs, 5, start + timedelta(days=5), timedelta(hours=1))  # later, but elsewhere
    login_as(Role.PREFECTURE, departement_code=dep.code)
    page = client.get("/instruction").get_data(as_text=True)
    activity = page[page.index('id="activite"'):]
    shown = re.findall(r"Étape (\d\d/\d\d \d\d:\d\d)", activity)
    latest = sorted((start + n * timedelta(hours=1) for n in range(24)), reverse=True)[:15]
    assert shown == [f"{at:%d/%m %H:%M}" for at in latest]
    assert "Ville-Ici" in activity and "Ville-Là" in activity and "Ville-Ailleurs" not in activity



def _plan_nodes(statement, parameters) -> list[dict]:
    """Every node of the statement's PostgreSQL plan, each with `under_limit`: inside the Limit."""
    connection = db.session.connection()
    # Few rows in a test: PostgreSQL would rightly read the table's one page.
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_bitmapscan = off"))
    plan, = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).one()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    out = []

    def walk(node, under_limit):
        out.append({**node, "under_limit": under_limit})
        for child in node.get("Plans", ()):
            walk(child, under_limit or node["Node Type"] == "Limit")

    walk(plan[0]["Plan"], False)
    return out


def test_recent_activity_picks_15_ids_among_index_entries_then_reads_those_rows(client, login_as):
    """A deferred join: the latest ids are picked among the entries of the history's index on
    (dossier, date, id), then only those rows are read, not every row of the département's
    history read and sorted. On SQLite the index is read alone (covering). On PostgreSQL, which
    index and how the 15 rows are then reached depend on the table's statistics and on the
    visibility map VACUUM keeps, which a test's few rolled-back rows do not show (at ten times
    the programme: Index Only Scan of ix_history_entry_dossier_at, Heap Fetches 0, then 15 rows
    by primary key, bench/README.md); here, the shape: the ids picked under the LIMIT from an
    index, the rows read above it."""
    dep = factories.departement()
    for n in range(3):
        _steps(factories.dossier([factories.commune(dep)]), 20, datetime(2026, 3, 2, 8, 0), timedelta(hours=1))
    login_as(Role.PREFECTURE, departement_code=dep.code)
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT history_entry.id") and "LIMIT" in statement.upper():
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/instruction").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    (statement, parameters), = seen
    if db.engine.dialect.name == "sqlite":
        steps = _sqlite_keys_plan(statement, parameters)
        assert any("COVERING INDEX ix_history_entry_dossier_at" in step for step in steps), steps
        return
    scans = [(node["under_limit"], node["Node Type"], node.get("Index Name"))
             for node in _plan_nodes(statement, parameters) if node.get("Relation Name") == "history_entry"]
    picked, read = [s for s in scans if s[0]], [s for s in scans if not s[0]]
    assert len(picked) == 1 and picked[0][1] in ("Index Scan", "Index Only Scan"), scans
    assert len(read) == 1, scans
