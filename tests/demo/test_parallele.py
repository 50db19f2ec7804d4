"""The demo walked in two processes writes what one process writes: the same lives, dossier by
dossier, the same projets de territoire to the cent (calibrated on the whole programme, not
on each process's part), its chains sealed, nothing lost in the merge (SQLite) or the shared
database (PostgreSQL)."""
import gc
import shutil
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from app import create_app
from app.core.db import db
from app.demo.lifecycle import seed_lifecycle
from app.demo import parallele
from app.demo.parallele import walk_programme
from app.demo.projet import TARGET_GRANTED_2023, seed_projets
from app.dossiers.models import Dossier
from app.projet.models import FicheAction, LigneFinancement
from app.workflows.states import FinancementStatut
from app.historique.verify import verify_chains
from tests import factories
from tests.demo.test_seed import FORCED, TODAY, snapshot
from tests.exploitation.databases import create_database, drop_database

AUDIT_KEYS = "k1:une-cle-d-audit-de-test-assez-longue"
WALK = dict(actors_for=lambda d: {}, archive_for=lambda d: False, seed=11)
PROJETS = 7


def _app(url: str, documents: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "JALONS_ENV": "test", "SECRET_KEY": "x", "MAIL_SERVER": None,
                       "AUDIT_KEYS": AUDIT_KEYS, "DOCUMENTS_DIR": documents, "ARCHIVE_CONVENTIONS": False,
                       "DEMO_MODE": True})


@pytest.fixture
def programmes(database_url, tmp_path):
    """Two databases holding the same 40 dossiers, not yet walked: one for each way (the
    second a copy of the first)."""
    postgresql = database_url.startswith("postgresql")
    names = [f"jalons_marche_{uuid.uuid4().hex[:6]}" for _ in range(2)]
    first = create_database(database_url, names[0]) if postgresql else f"sqlite:///{tmp_path}/un.sqlite3"
    app = _app(first, str(tmp_path / "documents-0"))
    with app.app_context():
        db.create_all()
        dep = factories.departement(code="17")
        epci = factories.epci(siren="200041523")
        for n, reference in enumerate(FORCED):
            factories.dossier([factories.commune(dep, epci, insee=f"17{n:03d}")], reference=reference)
        for n in range(27):
            factories.dossier([factories.commune(dep, epci, insee=f"17{100 + 2 * n + k:03d}")
                               for k in range(1 + n % 2)], reference=f"pvd-test-{n}")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    if postgresql:
        with create_engine(database_url, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"'))
        second = make_url(first).set(database=names[1]).render_as_string(hide_password=False)
    else:
        shutil.copy(tmp_path / "un.sqlite3", tmp_path / "deux.sqlite3")
        second = f"sqlite:///{tmp_path}/deux.sqlite3"
    apps = [app, _app(second, str(tmp_path / "documents-1"))]
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if postgresql:
        for name in names:
            drop_database(database_url, name)


def _per_dossier(rows):
    """Rows ordered by dossier, the order within each dossier kept (their ids interleave
    differently when two processes write)."""
    return sorted(rows, key=lambda row: row[0])


def _written():
    ids = db.session.scalars(select(Dossier.id).order_by(Dossier.id)).all()
    history, seals, documents, dossiers, avenants = snapshot(ids)
    counts = {}
    for table in db.metadata.sorted_tables:
        if "dossier_id" in table.c and table.name not in ("history_entry",):
            counts[table.name] = Counter(dict(db.session.execute(
                select(table.c.dossier_id, func.count()).group_by(table.c.dossier_id)).all()))
    fiches = db.session.execute(
        select(FicheAction.dossier_id, FicheAction.numero, FicheAction.titre, FicheAction.etat, FicheAction.cout_ht,
               FicheAction.date_debut, FicheAction.engagee_le, LigneFinancement.source, LigneFinancement.annee,
               LigneFinancement.montant, LigneFinancement.statut)
        .join(LigneFinancement).order_by(FicheAction.dossier_id, FicheAction.numero, LigneFinancement.id)).all()
    return history, seals, _per_dossier(documents), dossiers, _per_dossier(avenants), counts, fiches


def _granted() -> Decimal:
    return db.session.scalar(select(func.sum(LigneFinancement.montant)).where(
        LigneFinancement.statut.in_([FinancementStatut.ACCORDE, FinancementStatut.VERSE]),
        LigneFinancement.annee <= 2023, ~LigneFinancement.source.like("autofinancement%")))


@pytest.mark.no_transaction
def test_two_processes_walk_the_programme_as_one_does(programmes):
    one, two = programmes
    with one.app_context():
        used_one = seed_lifecycle(TODAY, **WALK)
        made_one = seed_projets(TODAY, PROJETS)
        db.session.commit()
        expected = _written()
    with two.app_context():
        used_two, made_two = walk_programme(TODAY, **WALK, workers=2, projets=PROJETS)
        got = _written()
        assert abs(_granted() - TARGET_GRANTED_2023) / TARGET_GRANTED_2023 < Decimal("0.01")
        assert list(verify_chains()) == []
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    assert used_two == used_one and sum(used_one.values()) == 40
    assert made_two == made_one and made_one["fiches"] > 100
    for name, a, b in zip(("history", "seals", "documents", "dossiers", "avenants", "rows", "fiches"), got, expected):
        assert len(a) == len(b), name
        for row, (x, y) in enumerate(zip(a, b)):
            assert x == y, f"{name}, row {row}"
    assert len(expected[0]) > 300 and expected[4]


@pytest.mark.no_transaction
def test_the_walk_in_parts_leaves_nothing_behind_and_walks_nobody_twice(programmes):
    _, two = programmes
    with two.app_context():
        walk_programme(TODAY, **WALK, workers=3, projets=PROJETS)
        rows = db.session.scalar(text("SELECT count(*) FROM history_entry"))
        # walked once: only Courçon, which stays "labellisé" without history, is left to walk
        assert walk_programme(TODAY, **WALK, workers=3, projets=PROJETS) == (Counter({"labellise": 1}),
                                                                             Counter({"dossiers": 0}))
        assert db.session.scalar(text("SELECT count(*) FROM history_entry")) == rows
        chains = db.session.execute(text("SELECT count(*), count(DISTINCT dossier_id) FROM history_chain")).one()
        assert chains[0] == chains[1] == 39  # Courçon stays "labellisé", without history
        assert list(verify_chains()) == []


@pytest.mark.no_transaction
def test_a_part_that_fails_is_told_and_nothing_waits_for_it(programmes, monkeypatch):
    _, two = programmes

    def broken(settings):
        raise RuntimeError("une partie qui ne démarre pas")

    monkeypatch.setattr(parallele.jalons, "create_app", broken)  # called in the children only
    with two.app_context():
        with pytest.raises(RuntimeError, match="a échoué avant de calibrer les projets"):
            walk_programme(TODAY, **WALK, workers=2, projets=PROJETS)


def test_the_walk_gives_the_collector_back_its_thresholds(monkeypatch):
    """make run serves from the process that walked: its collector as before the walk."""
    before = gc.get_threshold()
    seen = []
    monkeypatch.setattr(parallele, "_walk_programme", lambda *args: seen.append(gc.get_threshold()) or (Counter(), Counter()))
    parallele.walk_programme(TODAY, **WALK, workers=1)
    assert seen == [(50_000, 20, 100)] and gc.get_threshold() == before
