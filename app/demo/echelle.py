"""`flask demo seed --scale N`: a programme N times larger, for load tests.

Walking 15,000 dossiers through the real services would take half an hour; instead the walked
programme is cloned N - 1 times, as several programmes on the same territories would be: each
clone dossier has the same communes, a reference of its own (`pvd-75-17-4~2`), and a copy of
every row that hangs from the dossier (avenants, documents, conventions' contents, the projet,
the chef de projet posts, ORT and OPAH rows, history).

Ids are offsets: the rows of clone k get `id + k × max(id)` of their table, and every foreign
key to a cloned table the same shift, so each table is copied by one INSERT … SELECT inside the
database (no row goes through Python); PostgreSQL's sequences are moved past them afterwards.
Only what cannot be computed in SQL goes through Python: the history (each row is sealed again
with the audit key, for its own chain: its content names the dossier, the subject and the
documents' ids) and the documents' files (`storage.copy`, a hard link on a local disk: every
version keeps a key of its own).

Not cloned: what belongs to a person or is a cache (notifications, alerts sent, role grants,
API tokens, the convention PDF cache): the clones have no accounts of their own.
"""
import json
import time
from types import SimpleNamespace
from typing import Iterator

from flask import current_app
from sqlalchemy import func, insert, literal, select, text

from app.core.db import db, insert_many
from app.core.storage import get_storage
from app.dossiers.models import Dossier
from app.workflows import history
from app.workflows.history import HistoryChain, HistoryEntry

SEPARATOR = "~"
# Tables that hang from a dossier but are not copied (a person's, or a cache).
NOT_CLONED = {"notification", "alert_sent", "role_grant", "convention_pdf", "api_token"}
IN_PYTHON = {"history_entry", "history_chain", "document_version"}
# Ids a history payload names (app/documents/services._record, app/conventions/services._record).
PAYLOAD_IDS = {"document_id": "document", "version_id": "document_version"}


def cloned_tables() -> list:
    """The tables holding a dossier's rows, parents first: dossier, then every table with a
    foreign key to one already in the list."""
    cloned = []
    names = {"dossier"}
    for table in db.metadata.sorted_tables:
        if table.name == "dossier" or (table.name not in NOT_CLONED and any(
                fk.column.table.name in names for fk in table.foreign_keys)):
            cloned.append(table)
            names.add(table.name)
    return cloned


def clones_exist() -> bool:
    return bool(db.session.scalar(select(func.count(Dossier.id)).where(Dossier.reference.contains(SEPARATOR))))


def clone_programme(scale: int, progress=None) -> dict[str, float]:
    """Copy every dossier and what hangs from it `scale - 1` times; returns seconds per phase.
    Does nothing when clones exist already. Commits."""
    if scale <= 1 or clones_exist():
        return {}
    say = progress or (lambda message: None)
    tables = cloned_tables()
    offsets = {t.name: db.session.scalar(select(func.coalesce(func.max(t.c.id), 0)))
               for t in tables if "id" in t.c}
    times = {}
    started = time.perf_counter()
    for k in range(1, scale):
        for table in tables:
            if table.name not in IN_PYTHON:
                db.session.execute(_copy(table, k, offsets))
    db.session.flush()
    times["lignes copiées en SQL"] = time.perf_counter() - started
    say(f"  {len(tables) - len(IN_PYTHON)} tables copiées {scale - 1} fois : {times['lignes copiées en SQL']:.1f} s")

    started = time.perf_counter()
    files = _clone_versions(scale, offsets)
    times["versions de documents"] = time.perf_counter() - started
    say(f"  {files} versions de documents (fichiers liés) : {times['versions de documents']:.1f} s")

    started = time.perf_counter()
    rows = _clone_history(scale, offsets)
    times["historique rescellé"] = time.perf_counter() - started
    say(f"  {rows} lignes d'historique scellées : {times['historique rescellé']:.1f} s")

    started = time.perf_counter()
    _move_sequences(tables)
    db.session.commit()
    times["validation"] = time.perf_counter() - started
    return times


def _target(column) -> str | None:
    """The cloned table whose id this column holds, if any."""
    for fk in column.foreign_keys:
        return fk.column.table.name
    return None


def _copy(table, k: int, offsets: dict):
    """INSERT INTO table SELECT … FROM table: the original rows, ids and foreign keys shifted."""
    columns, values = [], []
    for column in table.columns:
        target = "dossier" if column.primary_key and table.name == "dossier" else _target(column)
        if column.name == "id" and target is None:
            target = table.name
        if target in offsets:
            value = column + offsets[target] * k
        elif table.name == "dossier" and column.name == "reference":
            value = column.concat(literal(f"{SEPARATOR}{k + 1}"))
        else:
            value = column
        columns.append(column.name)
        values.append(value.label(column.name))
    if "id" in table.c:
        original = table.c.id <= offsets[table.name]
    else:  # keyed by its parent's id (dossier_commune, fiche_compteur)
        parent = next(c for c in table.columns if _target(c) in offsets)
        original = parent <= offsets[_target(parent)]
    return insert(table).from_select(columns, select(*values).where(original))


def _clone_versions(scale: int, offsets: dict) -> int:
    """Every original document version again per clone, its file under a key of its own."""
    table = db.metadata.tables["document_version"]
    rows = [dict(r) for r in db.session.execute(
        select(table).where(table.c.id <= offsets["document_version"])).mappings()]
    storage = get_storage()
    made = 0
    for k in range(1, scale):
        batch = []
        for row in rows:
            batch.append({**row, "id": row["id"] + offsets["document_version"] * k,
                          "document_id": row["document_id"] + offsets["document"] * k,
                          "storage_key": storage.copy(row["storage_key"])})
        if batch:
            db.session.execute(insert(table), batch)
        made += len(batch)
    return made


def shift_payload(payload: str | None, shift) -> str | None:
    """The JSON payload of a history row with the ids it names (PAYLOAD_IDS) moved by
    `shift(table, id)`."""
    if payload is None or "_id" not in payload:
        return payload

    def moved(value):
        if isinstance(value, dict):
            return {key: (shift(PAYLOAD_IDS[key], item) if key in PAYLOAD_IDS and isinstance(item, int)
                          else moved(item)) for key, item in value.items()}
        if isinstance(value, list):
            return [moved(item) for item in value]
        return value

    return json.dumps(moved(json.loads(payload)), sort_keys=True, ensure_ascii=False, default=str)


def reseal(rows, changes, chains: list) -> Iterator[dict]:
    """Rows of whole chains (mappings of history_entry's columns but its id, in dossier then seq
    order), each changed by `changes(row)` (a dict of new values: the dossier, the subject,
    the payload) and sealed again for its new chain with the current audit key. Yields the new
    rows; appends each chain's head to `chains` once its last row is out."""
    key_id = current_app.config["AUDIT_KEY_ID"]
    key = history.audit_keys()[key_id]
    head, current, length = history.GENESIS, None, 0
    for row in rows:
        entry = SimpleNamespace(**{**row, **changes(row), "key_id": key_id})
        if entry.dossier_id != current:
            if current is not None:
                chains.append({"dossier_id": current, "head": head, "length": length})
            current, head = entry.dossier_id, history.GENESIS
        entry.prev_hash = head
        entry.hash = head = history.sign(key, HistoryEntry.content(entry))
        length = entry.seq
        yield vars(entry)
    if current is not None:
        chains.append({"dossier_id": current, "head": head, "length": length})


def _clone_history(scale: int, offsets: dict) -> int:
    """The original chains again per clone, each row sealed anew for its clone's chain (with
    the current audit key)."""
    table = HistoryEntry.__table__
    columns = [c.name for c in table.columns if c.name != "id"]
    rows = db.session.execute(
        select(*(table.c[name] for name in columns))
        .where(table.c.dossier_id <= offsets["dossier"])
        .order_by(table.c.dossier_id, table.c.seq)).mappings().all()
    made = 0
    for k in range(1, scale):
        def changes(row, k=k):
            return {"dossier_id": row["dossier_id"] + offsets["dossier"] * k,
                    "subject_id": row["subject_id"] + offsets[row["subject_type"]] * k,
                    "payload": shift_payload(row["payload"], lambda name, value: value + offsets[name] * k)}
        chains = []
        made += insert_many(db.session.connection(), table, columns,
                            (tuple(row[name] for name in columns) for row in reseal(rows, changes, chains)))
        if chains:
            db.session.execute(insert(HistoryChain), chains)
    return made


def _move_sequences(tables) -> None:
    """PostgreSQL hands out ids from a sequence, which the explicit ids above did not move;
    SQLite takes max(id) + 1."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"(SELECT max(id) FROM \"{table.name}\"))"))
