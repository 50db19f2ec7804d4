"""The demo's walk on every core: the programme cut in chunks, walked by processes side by side.

The walk spends its time in Python (the ORM, the machines), not in the database, so a second
core halves it. Each dossier draws from a generator of its own (app/demo/lifecycle.py): it
lives the same life whichever process walks it. The dossiers someone acts on in the demo, or
whose conventions are archived, are walked here; the others are cut in chunks of `CHUNK`,
which this process and its children take in turn until none is left: they finish together
whatever each chunk costs. Each process then writes the projets de territoire of the dossiers
it walked (app/demo/projet.py), their amounts calibrated on the whole programme's: the
children say what their plans grant, this process gives them the factor (`_Calibration`).
The children are forked from this process (the application already imported: they start at
once); each drops the connections it inherited, unused, and opens its own through an
application of its own.

On PostgreSQL the parts write to the same database at once (each dossier's rows are its own).
SQLite has one writer at a time, and a walk holds its transaction for a whole batch: each
other part walks in a copy of the database, merged back here afterwards (`merge`). The copy's
new rows come after this process's own, so their ids and the foreign keys that name them move
by the same offset, in SQL; the history of each merged dossier is sealed again, the ids its
rows name having moved (as `flask demo seed --scale` does for its clones).
"""
import gc
import json
import multiprocessing
import os
import queue
import sqlite3
import tempfile
from collections import Counter
from contextlib import closing, contextmanager
from datetime import date
from decimal import Decimal
from itertools import chain
from pathlib import Path

from flask import current_app
from sqlalchemy import select

import app as jalons  # its create_app, called in a child: the package imports this module (flask demo seed)
from app.core.db import db
from app.demo import echelle
from app.demo.lifecycle import in_batches, seed_lifecycle, to_walk
from app.demo.projet import factor_for, granted_2023, plan_projets, write_projets
from app.dossiers.models import Dossier
from app.workflows.history import HistoryEntry

# Rows the merge writes itself (the history, sealed again) or updates (the dossiers).
BY_HAND = {"dossier", "history_entry", "history_chain"}
# Tables keyed by the dossier whose rows a walk creates (FicheCompteur: FA-01 before the cadre).
BY_DOSSIER = {"fiche_compteur"}
# Dossiers a process takes at a time: the last chunk taken is the most one process walks
# while the others have finished (about a second).
CHUNK = 20


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def walk_programme(today: date, actors_for, archive_for, *, workers: int, seed: int = 2020,
                   projets: int | None = None, progress=None) -> tuple[Counter, Counter]:
    """`seed_lifecycle` for every dossier to walk, in `workers` processes, then (`projets`: their
    seed) the projets de territoire of the dossiers each process walked, calibrated on the whole
    programme's; returns the scenarios used and the projets' counts. Commits (the parts must
    see what is committed, and their work is committed)."""
    with _fewer_collections():
        return _walk_programme(today, actors_for, archive_for, workers, seed, projets, progress)


@contextmanager
def _fewer_collections():
    """The walk makes millions of short-lived objects (the ORM's) and few cycles: the garbage
    collector looks every 50,000 allocations instead of 700 (its time in a walk of 300 dossiers,
    0.7 → 0.2 s); as it was afterwards (make run serves from this process). Forked, the children
    collect alike."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _walk_programme(today: date, actors_for, archive_for, workers: int, seed: int, projets: int | None,
                    progress) -> tuple[Counter, Counter]:
    ids = to_walk()
    walked = progress and (lambda n: progress(n, len(ids)))  # n: the dossiers this process walked
    if workers < 2:
        return _walk(today, actors_for, archive_for, seed, in_batches(ids), projets, factor_for, walked)[:2]
    dossiers = db.session.scalars(select(Dossier).where(Dossier.id.in_(ids))).all()
    here = sorted(d.id for d in dossiers if actors_for(d) or archive_for(d))
    pool = sorted(set(ids) - set(here))
    db.session.commit()
    sqlite = db.engine.dialect.name == "sqlite"
    fork = multiprocessing.get_context("fork")
    chunks = _Chunks(fork, [pool[k:k + CHUNK] for k in range(0, len(pool), CHUNK)])
    calibration = _Calibration(fork)
    with tempfile.TemporaryDirectory(prefix="jalons-marche-") as folder:
        urls = [_copy(os.path.join(folder, f"partie-{n}.sqlite3")) if sqlite else db.engine.url.render_as_string(False)
                for n in range(workers - 1)]
        before = _max_ids() if sqlite else {}
        results = [Path(folder) / f"partie-{n}.json" for n in range(workers - 1)]
        processes = [fork.Process(target=_walk_part, args=(_settings(url), chunks, today, seed, projets,
                                                             calibration, result))
                     for url, result in zip(urls, results)]
        for process in processes:
            process.start()
        try:
            used, made, _ = _walk(today, actors_for, archive_for, seed, chain(in_batches(here), chunks), projets,
                                  lambda granted: calibration.give(granted, processes), walked)
        except BaseException:
            for process in processes:
                process.terminate()
            raise
        finally:
            for process in processes:
                process.join()
        codes = [process.exitcode for process in processes]
        if any(codes):
            raise RuntimeError(f"Une partie de la marche a échoué (codes de sortie {codes})\u00a0: la "
                               "démonstration est incomplète, repartez d'une base vide.")
        for url, result in zip(urls, results):
            part = json.loads(result.read_text())
            used.update(part["used"])
            made.update(part["made"])
            if sqlite and part["ids"]:
                merge(url.removeprefix("sqlite:///"), part["ids"], before)
    return used, made


def _walk(today: date, actors_for, archive_for, seed: int, batches, projets: int | None, calibrate,
          progress=None) -> tuple[Counter, Counter, list[int]]:
    """What each process does: walk the batches, then plan the projets of the dossiers walked,
    have their amounts calibrated (`calibrate(granted)` gives the factor) and write them.
    Returns the scenarios used, the projets' counts and the dossiers walked."""
    walked = []

    def taken():
        for batch in batches:
            walked.extend(batch)
            yield batch

    used = seed_lifecycle(today, actors_for, archive_for, seed=seed, batches=taken(), progress=progress)
    made = Counter()
    if projets is not None:
        plans = plan_projets(today, projets, walked)
        made.update(write_projets(plans, today, calibrate(granted_2023(plans))))
        db.session.commit()
    return used, made, walked


class _Chunks:
    """The chunks of dossiers, each taken by one process (shared by the forked children:
    the count of chunks taken sits in shared memory, under its lock)."""

    def __init__(self, context, chunks: list[list[int]]):
        self.chunks = chunks
        self.taken = context.Value("i", 0)

    def __iter__(self):
        while True:
            with self.taken.get_lock():
                k = self.taken.value
                self.taken.value = k + 1
            if k >= len(self.chunks):
                return
            yield self.chunks[k]


class _Calibration:
    """The projets' amounts are calibrated on the whole programme's (app/demo/projet.py): each
    child says what its plans grant and waits; this process adds its own and gives every child
    the factor (as text: a Decimal, exact)."""

    def __init__(self, context):
        self.granted = context.Queue()
        self.factor = context.Array("c", 64)
        self.given = context.Event()

    def wait(self, granted: Decimal) -> Decimal:
        """In a child: the factor, once this process has given it."""
        self.granted.put(str(granted))
        parent = os.getppid()
        while not self.given.wait(1):
            if os.getppid() != parent:
                raise RuntimeError("flask demo seed s'est arrêté avant de calibrer les projets.")
        return Decimal(self.factor.value.decode())

    def give(self, granted: Decimal, processes) -> Decimal:
        """In this process: every child's sum and its own make the factor, given to all."""
        total = granted
        for _ in processes:
            while True:
                try:
                    total += Decimal(self.granted.get(timeout=1))
                    break
                except queue.Empty:
                    if any(process.exitcode for process in processes):
                        raise RuntimeError("Une partie de la marche a échoué avant de calibrer les projets\u00a0: "
                                           "la démonstration est incomplète, repartez d'une base vide.") from None
        factor = factor_for(total)
        self.factor.value = str(factor).encode()
        self.given.set()
        return factor


def _walk_part(settings: dict, chunks: _Chunks, today: date, seed: int, projets: int | None,
               calibration: _Calibration, result: Path) -> None:
    """A child's walk: the chunks it takes, then their projets, in its own database connections
    (those inherited from the parent are dropped unused, never closed: they are the parent's).
    Writes the scenarios used, the projets' counts and the dossiers walked to `result`."""
    db.engine.dispose(close=False)
    application = jalons.create_app(settings)
    with application.app_context():
        used, made, walked = _walk(today, lambda d: {}, lambda d: False, seed, chunks, projets, calibration.wait)
        db.engine.dispose()
    result.write_text(json.dumps({"used": dict(used), "made": dict(made), "ids": walked}))


def _settings(url: str) -> dict:
    """This application's settings, for a part's own (the same, but its database)."""
    settings = {key: value for key, value in current_app.config.items() if key.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=url, DATABASE_URL=url)
    return settings


def _copy(path: str) -> str:
    """A copy of this SQLite database (its committed state) at `path`; its URL."""
    source = db.engine.raw_connection()
    try:
        with closing(sqlite3.connect(path)) as target:
            source.driver_connection.backup(target)
    finally:
        source.close()
    return f"sqlite:///{path}"


def _tables():
    return [t for t in db.metadata.sorted_tables if "id" in t.c and t.c.id.primary_key]


def _max_ids() -> dict[str, int]:
    return {t.name: db.session.scalar(select(db.func.coalesce(db.func.max(t.c.id), 0))) for t in _tables()}


def merge(path: str, ids: list[int], before: dict[str, int]) -> None:
    """Bring the rows a part wrote in its copy at `path` (the walk of the dossiers `ids`) into
    this database. `before`: each table's highest id when the copy was made. Commits."""
    now = _max_ids()
    shift = {name: now[name] - before[name] for name in before}
    # this session's transaction ends first: begun before the merge, its snapshot could not
    # write after it (SQLite's WAL refuses a read transaction older than the last commit)
    db.session.commit()

    def moved(table: str, value: int) -> int:
        return value + shift[table] if value is not None and value > before[table] else value

    connection = db.engine.raw_connection()
    try:
        sqlite_connection = connection.driver_connection
        sqlite_connection.execute("ATTACH DATABASE :path AS part", {"path": path})
        try:
            sqlite_connection.execute("BEGIN IMMEDIATE")
            _check_untouched(sqlite_connection)
            for table in _tables():
                if table.name not in BY_HAND:
                    sqlite_connection.execute(_copy_rows(table, before, shift))
            for name in BY_DOSSIER:
                sqlite_connection.execute(f'INSERT INTO main."{name}" SELECT * FROM part."{name}" '
                                          f"WHERE dossier_id IN ({_list(ids)})")
            _update_dossiers(sqlite_connection, ids)
            _history(sqlite_connection, ids, moved)
            sqlite_connection.execute("COMMIT")
        except BaseException:
            sqlite_connection.execute("ROLLBACK")
            raise
        finally:
            sqlite_connection.execute("DETACH DATABASE part")
    finally:
        connection.close()
    db.session.expire_all()


def _copy_rows(table, before: dict, shift: dict) -> str:
    """INSERT … SELECT of the part's new rows of `table`: its id and the foreign keys to the
    tables whose rows moved, moved; the rest as it is."""
    values = []
    for column in table.columns:
        name = f'"{column.name}"'
        targets = [fk.column.table.name for fk in column.foreign_keys
                   if fk.column.table.name in shift and fk.column.name == "id"]
        if column.name == "id":
            values.append(f"{name} + {shift[table.name]}")
        elif targets:
            values.append(f"CASE WHEN {name} > {before[targets[0]]} THEN {name} + {shift[targets[0]]} ELSE {name} END")
        else:
            values.append(name)
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return (f'INSERT INTO main."{table.name}" ({columns}) SELECT {", ".join(values)} '
            f'FROM part."{table.name}" WHERE id > {before[table.name]} ORDER BY id')


def _check_untouched(connection) -> None:
    """The tables with no id of their own are reference data (communes, the dossiers' communes):
    a walk writes nothing there but the chain heads and fiche counters of its own dossiers,
    copied apart. Anything else would be lost by the merge: refused."""
    keyed = {t.name for t in _tables()} | BY_HAND | BY_DOSSIER
    for table in db.metadata.sorted_tables:
        if table.name in keyed:
            continue
        mine, theirs = (connection.execute(f'SELECT count(*) FROM {schema}."{table.name}"').fetchone()[0]
                        for schema in ("main", "part"))
        if mine != theirs:
            raise RuntimeError(f"La marche en parallèle a écrit dans la table {table.name}\u00a0: fusion impossible.")


def _update_dossiers(connection, ids: list[int]) -> None:
    table = Dossier.__table__
    assignments = ", ".join(f'"{c.name}" = theirs."{c.name}"' for c in table.columns if c.name != "id")
    connection.execute(f'UPDATE main.dossier SET {assignments} FROM part.dossier AS theirs '
                       f'WHERE main.dossier.id = theirs.id AND theirs.id IN ({_list(ids)})')


def _history(connection, ids: list[int], moved) -> None:
    """The part's chains, their rows naming the moved subjects and documents, sealed again."""
    table = HistoryEntry.__table__
    columns = [c.name for c in table.columns if c.name != "id"]
    cursor = connection.execute(
        f'SELECT {", ".join(columns)} FROM part.history_entry WHERE dossier_id IN ({_list(ids)}) '
        f'ORDER BY dossier_id, seq')
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    # the values as SQLAlchemy reads them (dates, not SQLite's strings): the seal reads those
    dialect = db.engine.dialect
    processors = {c.name: c.type.dialect_impl(dialect).result_processor(dialect, None) for c in table.columns}
    rows = ({name: processors[name](value) if processors[name] else value for name, value in row.items()}
            for row in rows)

    def changes(row):
        return {"subject_id": moved(row["subject_type"], row["subject_id"]),
                "payload": echelle.shift_payload(row["payload"], moved)}

    chains = []
    binds = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns}
    sql = f'INSERT INTO main.history_entry ({", ".join(columns)}) VALUES ({", ".join(":" + n for n in columns)})'
    connection.executemany(sql, ({n: binds[n](row[n]) if binds[n] else row[n] for n in columns}
                                 for row in echelle.reseal(rows, changes, chains)))
    connection.executemany("INSERT INTO main.history_chain (dossier_id, head, length) "
                           "VALUES (:dossier_id, :head, :length)", chains)


def _list(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)
