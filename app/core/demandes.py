"""Requests produced in the background: a large XLSX export (app/exports/demandes.py), a « point
d'avancement » report (app/tableaux/rapports.py).

Each kind keeps its own table; they share the columns `etat` (an enum with EN_ATTENTE,
EN_COURS, ECHEC), `claimed_at` and `erreur`. A command (`flask exports generer`, `flask rapports
generer`) takes each waiting request, one worker only: a claim is a conditional UPDATE, and a
request claimed longer ago than the lease (its worker vanished) may be claimed again.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.core.db import db
from app.core.formatting import utcnow


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
