"""historique par sujet

One history table for every machine (subject_type, subject_id, machine, effective_on, a
JSON payload), its chain keyed with an HMAC (AUDIT_KEYS) and its head in `history_chain`
instead of the dossier row.

The existing rows are carried over: the old chains (plain SHA-256, head on the dossier) are
verified first, and the migration refuses to run on an altered history; then every row is
rewritten in the new shape, chained and sealed again with the current audit key, and the new
chains are verified before the transaction ends. The hashing of both formats is frozen here:
this file must keep working whatever app/ becomes.

Revision ID: 4bf2fb9abb7e
Revises: 9daaed33e8c9
Create Date: 2026-12-01 19:34:56.004096

"""
import hashlib
import hmac
import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = '4bf2fb9abb7e'
down_revision = '9daaed33e8c9'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
PARIS = ZoneInfo("Europe/Paris")
DEPOSITS = {"deposer_adhesion", "redeposer_adhesion", "deposer_cadre", "redeposer_cadre",
            "deposer", "redeposer"}

OLD_COLUMNS = ("id", "dossier_id", "avenant_id", "user_id", "role", "at", "event", "label",
               "from_state", "to_state", "reason", "details", "prev_hash", "hash")
NEW_COLUMNS = ("id", "dossier_id", "seq", "subject_type", "subject_id", "machine", "event", "label",
               "from_state", "to_state", "user_id", "role", "at", "effective_on", "reason",
               "payload", "key_id", "prev_hash", "hash")


def _table(name, columns):
    types = {"at": sa.DateTime(), "effective_on": sa.Date()}
    return sa.table(name, *(sa.column(c, types.get(c)) for c in columns))


def _json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _old_hash(row: dict) -> str:
    content = {k: row[k] for k in OLD_COLUMNS if k not in ("id", "hash")}
    content["at"] = row["at"].isoformat(timespec="microseconds")
    return hashlib.sha256(_json(content).encode()).hexdigest()


def _new_hash(key: str, row: dict) -> str:
    content = {k: row[k] for k in NEW_COLUMNS if k not in ("id", "hash")}
    content["at"] = row["at"].isoformat(timespec="microseconds")
    content["effective_on"] = row["effective_on"].isoformat() if row["effective_on"] else None
    message = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _paris_day(at: datetime) -> date:
    return at.replace(tzinfo=timezone.utc).astimezone(PARIS).date()


def _verify_old(rows, heads):
    last = {}
    for row in rows:
        if row["prev_hash"] != last.get(row["dossier_id"], GENESIS) or _old_hash(row) != row["hash"]:
            raise RuntimeError(
                f"Historique altéré (ligne {row['id']}, dossier {row['dossier_id']}) : la migration "
                "refuse de réécrire une chaîne rompue. Lancez « flask audit verify » sur la version "
                "précédente et restaurez la sauvegarde."
            )
        last[row["dossier_id"]] = row["hash"]
    for dossier_id, head in heads.items():
        if head is not None and last.get(dossier_id) != head:
            raise RuntimeError(f"Historique altéré : la dernière ligne du dossier {dossier_id} a disparu.")


def _convert(row: dict) -> dict:
    """An old row in the new shape: its machine and subject named, its business date a column,
    no role invented for a step no person took."""
    details = json.loads(row["details"]) if row["details"] else {}
    avenant = row["event"].startswith("avenant_")
    event = row["event"].removeprefix("avenant_") if avenant else row["event"]
    from_state, to_state = row["from_state"], row["to_state"]
    if event == "cree":  # the avenant's creation, once recorded in the dossier's states
        event, from_state, to_state = "creer", None, "redaction"
    effective_on = None
    if "date_signature" in details:
        effective_on = date.fromisoformat(details.pop("date_signature"))
    elif "nouvelle_echeance" in details:
        effective_on = date.fromisoformat(details.pop("nouvelle_echeance"))
    elif event in DEPOSITS:
        effective_on = _paris_day(row["at"])
    return {
        "id": row["id"], "dossier_id": row["dossier_id"],
        "subject_type": "avenant" if avenant else "dossier",
        "subject_id": row["avenant_id"] if avenant else row["dossier_id"],
        "machine": "avenant" if avenant else "dossier",
        "event": event, "label": row["label"], "from_state": from_state, "to_state": to_state,
        "user_id": row["user_id"], "role": row["role"] if row["user_id"] is not None else None,
        "at": row["at"], "effective_on": effective_on, "reason": row["reason"],
        "payload": _json(details) if details else None,
    }


def _chain(rows, key_id: str, key: str):
    """Seal the rows, in their order, into one chain per dossier; returns the heads."""
    heads = {}
    for row in rows:
        seq, prev = heads.get(row["dossier_id"], (0, GENESIS))
        row.update(seq=seq + 1, key_id=key_id, prev_hash=prev)
        row["hash"] = _new_hash(key, row)
        heads[row["dossier_id"]] = (row["seq"], row["hash"])
    return heads


def upgrade():
    connection = op.get_bind()
    old = _table("history_entry", OLD_COLUMNS)
    rows = [dict(r._mapping) for r in connection.execute(sa.select(old).order_by(old.c.id))]
    heads = dict(connection.execute(sa.text("SELECT id, historique_empreinte FROM dossier")).all())
    _verify_old(rows, heads)

    op.drop_table("history_entry")
    op.create_table('history_chain',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_history_chain_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_history_chain'))
    )
    op.create_table('history_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('machine', sa.String(length=30), nullable=False),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('key_id', sa.String(length=20), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_history_entry_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_history_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_entry')),
    sa.UniqueConstraint('dossier_id', 'seq', name=op.f('uq_history_entry_dossier_id_seq')),
    sa.UniqueConstraint('hash', name=op.f('uq_history_entry_hash'))
    )
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_entry_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_history_entry_subject', ['subject_type', 'subject_id'], unique=False)
    if connection.dialect.name == "sqlite":
        # Not through batch mode: it would rebuild the dossier table, which every other table
        # references (SQLite 3.35+ drops a column in place).
        op.execute("ALTER TABLE dossier DROP COLUMN historique_empreinte")
    else:
        op.drop_column('dossier', 'historique_empreinte')

    key_id = current_app.config["AUDIT_KEY_ID"]
    key = current_app.config["AUDIT_KEYS"][key_id]
    new_rows = [_convert(row) for row in rows]
    new_heads = _chain(new_rows, key_id, key)
    if new_rows:
        op.bulk_insert(_table("history_entry", NEW_COLUMNS), new_rows)
        op.bulk_insert(_table("history_chain", ("dossier_id", "head", "length")), [
            {"dossier_id": d, "head": h, "length": n} for d, (n, h) in new_heads.items()
        ])
    _verify_new(connection, key_id, key)
    if connection.dialect.name == "postgresql" and new_rows:
        connection.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('history_entry', 'id'), "
            "(SELECT MAX(id) FROM history_entry))"))


def _verify_new(connection, key_id, key):
    table = _table("history_entry", NEW_COLUMNS)
    last = {}
    for r in connection.execute(sa.select(table).order_by(table.c.dossier_id, table.c.seq)):
        row = dict(r._mapping)
        seq, prev = last.get(row["dossier_id"], (0, GENESIS))
        if row["seq"] != seq + 1 or row["prev_hash"] != prev or _new_hash(key, row) != row["hash"]:
            raise RuntimeError(f"Migration de l'historique : la chaîne réécrite du dossier {row['dossier_id']} "
                               "ne se vérifie pas ; rien n'est modifié.")
        last[row["dossier_id"]] = (row["seq"], row["hash"])
    heads = dict(connection.execute(sa.text("SELECT dossier_id, head FROM history_chain")).all())
    if heads != {d: h for d, (_, h) in last.items()}:
        raise RuntimeError("Migration de l'historique : les têtes de chaîne ne correspondent pas ; rien n'est modifié.")


def downgrade():
    """Back to one chain per dossier on the dossier row, plain SHA-256 (the key is dropped)."""
    connection = op.get_bind()
    new = _table("history_entry", NEW_COLUMNS)
    rows = [dict(r._mapping) for r in connection.execute(sa.select(new).order_by(new.c.dossier_id, new.c.seq))]
    op.drop_table("history_entry")
    op.drop_table("history_chain")
    op.add_column('dossier', sa.Column('historique_empreinte', sa.String(length=64), nullable=True))
    op.create_table('history_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('avenant_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=30), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('event', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['avenant_id'], ['avenant.id'], name=op.f('fk_history_entry_avenant_id_avenant')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_history_entry_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_history_entry_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_entry')),
    sa.UniqueConstraint('hash', name=op.f('uq_history_entry_hash'))
    )
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_entry_dossier_id'), ['dossier_id'], unique=False)
    heads, old_rows = {}, []
    for row in rows:
        details = json.loads(row["payload"]) if row["payload"] else {}
        if row["effective_on"] is not None:
            details["effective_on"] = row["effective_on"].isoformat()
        avenant = row["machine"] == "avenant"
        old = {
            "id": row["id"], "dossier_id": row["dossier_id"],
            "avenant_id": row["subject_id"] if avenant else None, "user_id": row["user_id"],
            "role": row["role"], "at": row["at"],
            "event": f"avenant_{row['event']}" if avenant else row["event"], "label": row["label"],
            "from_state": row["from_state"], "to_state": row["to_state"], "reason": row["reason"],
            "details": _json(details) if details else None,
            "prev_hash": heads.get(row["dossier_id"], GENESIS),
        }
        old["hash"] = _old_hash(old)
        heads[row["dossier_id"]] = old["hash"]
        old_rows.append(old)
    if old_rows:
        op.bulk_insert(_table("history_entry", OLD_COLUMNS), old_rows)
    dossier = sa.table("dossier", sa.column("id"), sa.column("historique_empreinte"))
    for dossier_id, head in heads.items():
        connection.execute(dossier.update().where(dossier.c.id == dossier_id).values(historique_empreinte=head))
