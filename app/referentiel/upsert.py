"""Bulk "insert or update" of plain rows, portable between SQLite and PostgreSQL.

Only the rows that are new or differ from the database are sent, so a re-run of an
unchanged source writes nothing and the counts (created / updated / unchanged) are exact;
the writes themselves are INSERT … ON CONFLICT DO UPDATE, so a row that appeared meanwhile
is updated rather than duplicated.

Everything goes through db.session: the caller's transaction (and the tests' rolled-back
one) holds the writes.
"""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite

from app.core.db import db
from app.core.errors import DomainError

BATCH_SIZE = 5000
INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass
class TableCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _insert_for_session():
    dialect = db.session.get_bind().dialect.name
    try:
        return INSERTS[dialect]
    except KeyError:
        raise DomainError(f"Base de données non prise en charge pour l'import : {dialect}.") from None


def upsert_rows(table: Table, key: str, rows: list[dict], label: str,
                progress: Callable[[str], None] = lambda message: None) -> TableCount:
    """Write `rows` (dicts of column values, unique on `key`) into `table`."""
    columns = [name for name in rows[0] if name != key] if rows else []
    existing = {
        found[0]: tuple(found[1:])
        for found in db.session.execute(select(table.c[key], *(table.c[c] for c in columns)))
    }
    count = TableCount()
    to_write = []
    for row in rows:
        before = existing.get(row[key])
        if before is None:
            count.created += 1
        elif before != tuple(row[c] for c in columns):
            count.updated += 1
        else:
            count.unchanged += 1
            continue
        to_write.append(row)

    progress(f"{label} : {len(rows)} lus, {len(to_write)} à écrire.")
    if not to_write:
        return count
    insert = _insert_for_session()(table)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c[key]],
        set_={c: insert.excluded[c] for c in columns},
    )
    for start in range(0, len(to_write), BATCH_SIZE):
        batch = to_write[start:start + BATCH_SIZE]
        db.session.execute(statement, batch)
        if len(to_write) > BATCH_SIZE:
            progress(f"  {label} : {start + len(batch)}/{len(to_write)}")
    return count
