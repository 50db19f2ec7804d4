"""The history of every machine: one row per transition, never updated nor deleted.

Every subject (the dossier, an avenant, later a fiche action, a comité, a financing line)
belongs to a dossier, and the rows of one dossier form one chain: each row carries an
HMAC-SHA256 over its content and the previous row's hash, keyed with a secret that is not
in the database (`AUDIT_KEYS`, with a key id per row so that keys can be rotated). The head
of each chain lives in its own `history_chain` row, locked FOR UPDATE (PostgreSQL) while a
row is appended: two transitions on two subjects of one dossier queue there instead of
forking the chain, and neither changes the dossier's own version.
"""
import hashlib
import hmac
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import utcnow
from app.workflows.states import state_label

GENESIS = "0" * 64


class HistoryChain(db.Model):
    """The head of a dossier's chain: its last hash and its length."""

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    head: Mapped[str] = mapped_column(String(64))
    length: Mapped[int] = mapped_column(Integer)


class HistoryEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    seq: Mapped[int]  # position in the dossier's chain, from 1
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    machine: Mapped[str] = mapped_column(String(30))
    event: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    # None: no person acted (data taken over by an import, the demo): "reprise de données".
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The business date of the step: a signature's date, an extension's new deadline, a deposit's day.
    effective_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)  # JSON: document versions, old deadline…
    key_id: Mapped[str] = mapped_column(String(20))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    user = relationship("User")

    __table_args__ = (
        UniqueConstraint("dossier_id", "seq"),
        db.Index("ix_history_entry_subject", "subject_type", "subject_id"),
    )

    def content(self) -> dict:
        return {
            "dossier_id": self.dossier_id, "seq": self.seq,
            "subject_type": self.subject_type, "subject_id": self.subject_id,
            "machine": self.machine, "event": self.event, "label": self.label,
            "from_state": self.from_state, "to_state": self.to_state,
            "user_id": self.user_id, "role": self.role,
            "at": self.at.isoformat(timespec="microseconds"),
            "effective_on": self.effective_on.isoformat() if self.effective_on else None,
            "reason": self.reason, "payload": self.payload,
            "key_id": self.key_id, "prev_hash": self.prev_hash,
        }

    def compute_hash(self, keys: dict[str, str]) -> str | None:
        """The row's HMAC with its key; None when that key is unknown here."""
        key = keys.get(self.key_id)
        if key is None:
            return None
        return sign(key, self.content())

    @property
    def payload_dict(self) -> dict:
        return json.loads(self.payload) if self.payload else {}

    @property
    def role_label(self) -> str | None:
        return Role(self.role).label if self.role else None

    @property
    def from_label(self) -> str:
        return state_label(self.machine, self.from_state)

    @property
    def to_label(self) -> str:
        return state_label(self.machine, self.to_state)


def sign(key: str, content: dict) -> str:
    message = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


@event.listens_for(HistoryEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise RuntimeError("L'historique d'un dossier ne se modifie pas.")


@event.listens_for(HistoryEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError("L'historique d'un dossier ne se supprime pas.")


def audit_keys() -> dict[str, str]:
    return current_app.config["AUDIT_KEYS"]


def _locked_chain(dossier_id: int) -> HistoryChain:
    """The chain's head, locked until the end of the transaction (created on first use)."""
    query = select(HistoryChain).where(HistoryChain.dossier_id == dossier_id).with_for_update()
    chain = db.session.scalar(query)
    if chain is not None:
        return chain
    try:
        with db.session.begin_nested():
            chain = HistoryChain(dossier_id=dossier_id, head=GENESIS, length=0)
            db.session.add(chain)
    except IntegrityError:  # created at the same instant by another transaction: take that one
        chain = db.session.scalar(query.execution_options(populate_existing=True))
    return chain


def append(*, dossier_id: int, subject_type: str, subject_id: int, machine: str, event: str,
           label: str, from_state, to_state, user=None, role=None, reason=None,
           effective_on: date | None = None, payload: dict | None = None,
           at: datetime | None = None) -> HistoryEntry:
    """Write the next row of the dossier's chain and move its head. Flushes; the caller commits.

    Inside `bulk()`, the row is sealed the same way but kept for one INSERT of many rows.
    """
    pending = db.session.info.get(BULK)
    chain = pending.chain(dossier_id) if pending is not None else _locked_chain(dossier_id)
    key_id = current_app.config["AUDIT_KEY_ID"]
    entry = HistoryEntry(
        dossier_id=dossier_id, seq=chain.length + 1,
        subject_type=subject_type, subject_id=subject_id, machine=machine,
        event=event, label=label,
        from_state=getattr(from_state, "value", from_state),
        to_state=getattr(to_state, "value", to_state),
        user_id=user.id if user is not None else None,
        role=getattr(role, "value", role) if user is not None else None,
        at=(at or utcnow()).replace(tzinfo=None),
        effective_on=effective_on,
        reason=(reason or None),
        payload=json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str) if payload else None,
        key_id=key_id, prev_hash=chain.head,
    )
    entry.hash = sign(audit_keys()[key_id], entry.content())
    chain.head, chain.length = entry.hash, entry.seq
    if pending is not None:
        pending.entries.append(entry)
    else:
        db.session.add(entry)
        db.session.flush()
    return entry


BULK = "jalons_history_bulk"
COLUMNS = [column.key for column in HistoryEntry.__table__.columns if column.key != "id"]


@dataclass
class _Head:
    length: int
    head: str


class _Pending:
    """The rows appended inside `bulk()`, and the heads of their chains: each chain row is
    locked once, its head moved in memory and written with the rows (not at every append)."""

    def __init__(self):
        self.chains: dict[int, tuple[HistoryChain, _Head]] = {}
        self.entries: list[HistoryEntry] = []

    def chain(self, dossier_id: int) -> _Head:
        if dossier_id not in self.chains:
            chain = db.session.scalar(
                select(HistoryChain).where(HistoryChain.dossier_id == dossier_id).with_for_update())
            if chain is None:  # no savepoint here: bulk writers run alone (a race fails the batch)
                chain = HistoryChain(dossier_id=dossier_id, head=GENESIS, length=0)
                db.session.add(chain)
            self.chains[dossier_id] = (chain, _Head(chain.length, chain.head))
        return self.chains[dossier_id][1]

    def write(self) -> None:
        """One INSERT for the rows kept so far, and the chains' new heads."""
        if self.entries:
            # the table, not the entity: the ORM's bulk INSERT starts a new statement whenever
            # the next row's None columns differ (one INSERT per row, here); the table's is one
            db.session.execute(insert(HistoryEntry.__table__), [
                {key: getattr(entry, key) for key in COLUMNS} for entry in self.entries
            ])
            self.entries = []
        for chain, head in self.chains.values():
            chain.length, chain.head = head.length, head.head
        self.chains = {}
        db.session.flush()


@contextmanager
def bulk():
    """Within the block, `append` seals each row as usual (same content, same chain, same HMAC)
    but keeps it: `write()` (e.g. before each commit of a batch) and the end of the block insert
    them in one statement, with the chains' heads. For the demo and imports: nothing may read
    the history of these dossiers before the write, and the rows returned have no id."""
    pending = db.session.info[BULK] = _Pending()
    try:
        yield pending
        pending.write()
    finally:
        db.session.info.pop(BULK, None)


def bulk_append(rows: list[dict]) -> list[HistoryEntry]:
    """`append(**row)` for each row, in order, written in one INSERT: the same rows."""
    with bulk():
        return [append(**row) for row in rows]


def timeline(dossier_id: int, subject_type: str | None = None, subject_id: int | None = None):
    """The rows of a dossier (or of one of its subjects), newest first, with their users."""
    stmt = select(HistoryEntry).where(HistoryEntry.dossier_id == dossier_id)
    if subject_type is not None:
        stmt = stmt.where(HistoryEntry.subject_type == subject_type, HistoryEntry.subject_id == subject_id)
    return db.session.scalars(
        stmt.options(selectinload(HistoryEntry.user)).order_by(HistoryEntry.seq.desc())
    ).all()


def last_at(dossier_id: int, subject_type: str, subject_id: int, events) -> datetime | None:
    """When one of `events` last happened to the subject (naive UTC), or None."""
    return db.session.scalar(
        select(func.max(HistoryEntry.at)).where(
            HistoryEntry.dossier_id == dossier_id, HistoryEntry.subject_type == subject_type,
            HistoryEntry.subject_id == subject_id, HistoryEntry.event.in_(tuple(events)),
        )
    )
