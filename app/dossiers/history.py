"""The history of a dossier: one row per transition, never updated nor deleted.

Rows are tamper-evident: each carries a SHA-256 over its content and the previous row's
hash (per dossier: the dossier's version column already serialises its transitions, so
its chain cannot fork). `flask audit verify` recomputes every chain.
"""
import hashlib
import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.core.db import db
from app.core.formatting import utcnow
from app.dossiers.models import Dossier

GENESIS = "0" * 64


class HistoryEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    avenant_id: Mapped[int | None] = mapped_column(ForeignKey("avenant.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str | None] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    event: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)  # JSON: dates, document versions…
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    user = relationship("User")

    def content(self) -> dict:
        return {
            "dossier_id": self.dossier_id,
            "avenant_id": self.avenant_id,
            "user_id": self.user_id,
            "role": self.role,
            "at": self.at.isoformat(timespec="microseconds"),
            "event": self.event,
            "label": self.label,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        payload = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def details_dict(self) -> dict:
        return json.loads(self.details) if self.details else {}


@event.listens_for(HistoryEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise RuntimeError("L'historique d'un dossier ne se modifie pas.")


@event.listens_for(HistoryEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError("L'historique d'un dossier ne se supprime pas.")


def append(dossier, *, event: str, label: str, from_state, to_state, user=None,
           role=None, reason=None, details: dict | None = None, avenant_id=None,
           at: datetime | None = None) -> HistoryEntry:
    """Write the next row of the dossier's chain and move the dossier's head to it.

    The head lives on the dossier row, whose version column makes two concurrent appends
    conflict instead of forking the chain. Flushes; the caller commits.
    """
    entry = HistoryEntry(
        dossier_id=dossier.id,
        avenant_id=avenant_id,
        user_id=user.id if user is not None else None,
        role=getattr(role, "value", role),
        at=(at or utcnow()).replace(tzinfo=None),
        event=event,
        label=label,
        from_state=getattr(from_state, "value", from_state),
        to_state=getattr(to_state, "value", to_state),
        reason=(reason or None),
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, default=str) if details else None,
        prev_hash=dossier.historique_empreinte or GENESIS,
    )
    entry.hash = entry.compute_hash()
    dossier.historique_empreinte = entry.hash
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chains(batch: int = 5000):
    """Yield (entry or dossier, problem) for the first broken row of each broken chain.

    Reads rows in id order with bounded memory; a chain is broken when a row's hash does
    not match its content or its prev_hash is not the previous row's hash.
    """
    # A session of its own on the same connection: it can be emptied between batches
    # without detaching the caller's objects.
    session = Session(bind=db.session.connection())
    try:
        yield from _verify(session, batch)
    finally:
        session.close()


def _verify(session, batch):
    last_hash: dict[int, str] = {}
    broken: set[int] = set()
    last_id = 0
    while True:
        rows = session.scalars(
            select(HistoryEntry).where(HistoryEntry.id > last_id).order_by(HistoryEntry.id).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            last_id = entry.id
            if entry.dossier_id in broken:
                continue
            expected_prev = last_hash.get(entry.dossier_id, GENESIS)
            problem = None
            if entry.prev_hash != expected_prev:
                problem = "le lien avec la ligne précédente est rompu (ligne supprimée ou modifiée)"
            elif entry.compute_hash() != entry.hash:
                problem = "le contenu ne correspond plus à son empreinte (ligne modifiée)"
            if problem:
                broken.add(entry.dossier_id)
                yield entry, problem
            last_hash[entry.dossier_id] = entry.hash
        session.expunge_all()
    # The head of each chain must be the hash the dossier recorded: a deleted last row shows here.
    heads = session.execute(
        select(Dossier.id, Dossier.reference, Dossier.historique_empreinte)
        .where(Dossier.historique_empreinte.is_not(None))
    )
    for dossier_id, reference, head in heads:
        if dossier_id not in broken and last_hash.get(dossier_id) != head:
            yield reference, "la dernière ligne de l'historique a disparu ou a été remplacée"
