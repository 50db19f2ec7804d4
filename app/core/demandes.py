"""Requests produced in the background: a large XLSX export (app/exports/demandes.py), a « point
d'avancement » report (app/tableaux/rapports.py).

Each kind keeps its own table; they share the columns `etat` (an enum with EN_ATTENTE,
EN_COURS, PRET, ECHEC, EXPIRE), `claimed_at`, `generated_at`, `created_at`, `fichier` (a key of
the documents' storage) and `erreur`. A command (`flask exports generer`, `flask rapports
generer`) takes each waiting request, one worker only: a claim is a conditional UPDATE, and a
request claimed longer ago than the lease (its worker vanished) may be claimed again. It then
lets the requests ended more than PREPARED_FILES_DAYS ago expire.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, Text, func, select, update
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.db import db
from app.core.formatting import utcnow
from app.core.storage import get_storage


class DemandeColumns:
    """The columns a `RequestQueue` reads and writes, shared by each kind's model (which adds
    its own `etat`, an enum of its states, and what the request is for)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)  # first in the table, as before
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True, sort_order=-1)
    empreinte: Mapped[str | None] = mapped_column(String(64))  # what the file was drawn from
    fichier: Mapped[str | None] = mapped_column(String(64))  # key in the documents storage
    taille: Mapped[int | None]
    duree_ms: Mapped[int | None]
    erreur: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    generated_at: Mapped[datetime | None]

    @declared_attr
    def user(cls):
        return relationship("User")


@dataclass(frozen=True)
class RequestQueue:
    model: type
    states: type
    lease: timedelta
    label: str  # the log's word for one request: "Export", "Rapport"

    def _claimable(self, now):
        m, s = self.model, self.states
        return (m.etat == s.EN_ATTENTE) | ((m.etat == s.EN_COURS) & (m.claimed_at < now - self.lease))

    def pending_ids(self) -> list[int]:
        return list(db.session.scalars(
            select(self.model.id).where(self._claimable(utcnow())).order_by(self.model.id)))

    def claim(self, row_id: int) -> bool:
        """Take a waiting request (or one whose worker vanished): one worker only produces it."""
        now = utcnow()
        taken = db.session.execute(
            update(self.model)
            .where(self.model.id == row_id, self._claimable(now))
            .values(etat=self.states.EN_COURS, claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        return taken == 1

    def run(self, process) -> tuple[int, int]:
        """`process(row_id)` for each request this worker claims, each committed apart; a failure
        marks its request failed with the reason (the log has the trace). Returns (done, failed)."""
        done = failed = 0
        for row_id in self.pending_ids():
            if not self.claim(row_id):  # another worker took it meanwhile
                db.session.rollback()
                continue
            db.session.commit()
            try:
                process(row_id)
                db.session.commit()
                done += 1
            except Exception as error:  # noqa: BLE001 (the request is marked failed, the log says why)
                db.session.rollback()
                current_app.logger.exception("%s %s : échec", self.label, row_id)
                row = db.session.get(self.model, row_id)
                row.etat, row.erreur = self.states.ECHEC, str(error)[:1000]
                db.session.commit()
                failed += 1
        return done, failed

    def expire(self, days: int) -> int:
        """The requests ready or failed more than `days` days ago: marked expired, their files
        deleted. The rows first (committed), then the files: a file whose deletion failed is a
        stray that `flask storage verify` lists, never a row that names a missing file. Safe on
        two machines at once (a row expires once; deleting a deleted file is nothing). Returns
        how many expired."""
        m, s = self.model, self.states
        ended = func.coalesce(m.generated_at, m.created_at)
        cutoff = utcnow() - timedelta(days=days)
        keys = dict(db.session.execute(
            select(m.id, m.fichier).where(m.etat.in_((s.PRET, s.ECHEC)), ended < cutoff)).all())
        if not keys:
            return 0
        expired = db.session.scalars(  # those still ended now (another machine may have been first)
            update(m).where(m.id.in_(list(keys)), m.etat.in_((s.PRET, s.ECHEC)))
            .values(etat=s.EXPIRE, fichier=None).returning(m.id)
            .execution_options(synchronize_session=False)
        ).all()
        db.session.commit()
        storage = get_storage()
        for row_id in expired:
            if keys[row_id]:
                storage.delete(keys[row_id])
        return len(expired)
