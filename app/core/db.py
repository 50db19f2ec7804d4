"""The SQLAlchemy handle, with a naming convention so Alembic can name every constraint."""
import sqlite3

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, MetaData, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from app.core.signals import rows_written

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Far past any list's end, yet an OFFSET that every database accepts (the number in `?page=`
# is any size a visitor types; SQLite overflows past 2**63).
MAX_PAGE = 100_000


def requested_page() -> int:
    """`?page=` as a page number from 1 to MAX_PAGE; anything else is the first page."""
    page = request.args.get("page", 1, type=int) if has_request_context() else 1
    return min(max(page, 1), MAX_PAGE)


class Database(SQLAlchemy):
    def paginate(self, select, *, page=None, **kwargs):
        """Every list reads its page number through `requested_page`."""
        return super().paginate(select, page=requested_page() if page is None else page, **kwargs)


db = Database(model_class=Base)


# Rows per INSERT … RETURNING of `insert_returning_ids`.
RETURNING_CHUNK = 500
# Rows per executemany of `insert_many` on SQLite.
MANY_BATCH = 5000


def insert_many(connection, table, columns: tuple[str, ...], rows) -> int:
    """INSERT hundreds of thousands of rows (tuples in the order of `columns`) through the
    driver: PostgreSQL's COPY, SQLite's executemany. Each value goes through its column type's
    bind processor, as SQLAlchemy would send it (a date as SQLite's text, an enum as its
    value), without SQLAlchemy's per-row work, which took most of a large insert's time.
    The columns' Python-side defaults are not applied: name every column the rows need.
    `connection`: a SQLAlchemy connection (`db.session.connection()`). Tells `rows_written`
    first (the dashboards' register counts some tables). Returns how many."""
    rows_written.send(table)
    dialect = connection.dialect
    processors = [(i, p) for i, p in enumerate(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns) if p]

    def processed(row):
        if not processors:
            return row
        row = list(row)
        for i, process in processors:
            row[i] = process(row[i])
        return row

    names = ", ".join(f'"{name}"' for name in columns)
    made = 0
    if dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(processed(row))
                    made += 1
        return made
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    batch = []
    for row in rows:
        batch.append(tuple(processed(row)))
        if len(batch) == MANY_BATCH:
            connection.exec_driver_sql(sql, batch)
            made, batch = made + len(batch), []
    if batch:
        connection.exec_driver_sql(sql, batch)
        made += len(batch)
    return made


def insert_returning_ids(model, rows: list[dict], chunk: int = RETURNING_CHUNK) -> list[int]:
    """INSERT `rows` (executemany) and return their primary keys, in the rows' order.

    In chunks: SQLAlchemy sends many rows as batches of one multi-row INSERT … RETURNING and
    splices each batch's result onto the rows returned before it, which grows as the square of
    the number of batches (25,000 fiches took minutes in one statement, not seconds).

    SQLite cannot promise RETURNING's order for a multi-row INSERT, so SQLAlchemy sends it one
    INSERT per row. There, the first row of a chunk is inserted alone: that takes the database's
    write lock until the commit, and gives the table's next id (SQLite's max + 1); the others
    follow it with explicit ids, in one executemany. Nobody can insert in between."""
    table = getattr(model, "__table__", model)
    key, = table.primary_key.columns
    statement = insert(table).returning(key, sort_by_parameter_order=True)
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    ids = []
    for start in range(0, len(rows), chunk):
        batch = rows[start:start + chunk]
        if sqlite and len(batch) > 1 and key.name not in batch[0]:
            first = db.session.execute(statement, batch[0]).scalar_one()
            following = list(range(first + 1, first + len(batch)))
            db.session.execute(insert(table), [dict(row, **{key.name: i}) for row, i in zip(batch[1:], following)])
            ids += [first, *following]
        else:
            ids += db.session.execute(statement, batch).scalars().all()
    return ids


def value_enum(cls, length: int) -> Enum:
    """A Python enum stored as its value in a plain string column.

    No native type and no CHECK: adding a state later needs no migration.
    """
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


# How long a SQLite writer waits for another one before "database is locked" (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _lower(value):
    return None if value is None else (value if isinstance(value, bytes) else str(value)).lower()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, let SQLAlchemy drive transactions, and let readers and a
    writer work at once (WAL), a second writer waiting its turn (busy timeout).

    pysqlite's own BEGIN handling breaks SAVEPOINT (which the tests and nested
    operations rely on); the documented recipe turns it off and emits BEGIN ourselves.

    SQLite's lower() folds ASCII letters only (« HÉLÈNE » → « hÉlÈne »); Python's, as
    PostgreSQL's, folds every letter: the same names compare alike on both databases and in
    Python (the dashboards count a chef de projet by name in SQL and in Python).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not ":memory:"
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
