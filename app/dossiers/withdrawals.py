"""Withdrawing a document uploaded to the wrong step, before that step is deposited.

The document decides who may (`Document.can_withdraw(user, window)`: its uploader, never a
signed or generated file); the dossier tells it whether its step is still open, and since
which deposit (`windows(dossier).of(document)`).
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.core.db import db
from app.core.errors import ConflictError
from app.documents import services
from app.documents.models import Document, Etape, StepWindow
from app.dossiers.models import UPLOADERS, Dossier, DossierEtat as E
from app.workflows.guards import acting_role
from app.workflows.history import HistoryEntry
from app.workflows.states import AvenantEtat

# The steps a dossier can still add to, or take back from, before their deposit.
OPEN = {
    Etape.ADHESION: frozenset({E.LABELLISE, E.ADHESION_REDACTION, E.ADHESION_A_COMPLETER}),
    Etape.CADRE: frozenset({E.ADHESION_SIGNEE, E.CADRE_REDACTION, E.CADRE_A_COMPLETER}),
}
AVENANT_OPEN = frozenset({AvenantEtat.REDACTION, AvenantEtat.A_COMPLETER})
CLOSED = frozenset({E.CLOTURE, E.SORTI})
# history event -> the step it deposits
DEPOSITS = {
    "deposer_adhesion": Etape.ADHESION, "redeposer_adhesion": Etape.ADHESION,
    "deposer_cadre": Etape.CADRE, "redeposer_cadre": Etape.CADRE,
    "deposer": Etape.AVENANT, "redeposer": Etape.AVENANT,
}
CONCURRENT = ("Le dossier a changé pendant le retrait (un dépôt, sans doute)\u00a0: rechargez la page "
              "pour voir son état, puis recommencez si besoin.")


@dataclass
class Windows:
    """The open steps of a dossier and their last deposit, read once for a whole list."""

    dossier: Dossier
    # (subject_type, subject_id, step) -> the time of its last deposit
    deposits: dict = field(default_factory=dict)

    def of(self, document: Document) -> StepWindow:
        if document.etape == Etape.AVENANT:
            avenant = next((a for a in self.dossier.avenants if a.id == document.avenant_id), None)
            return StepWindow(avenant is not None and avenant.etat in AVENANT_OPEN,
                              self.deposits.get(("avenant", document.avenant_id, Etape.AVENANT)))
        if document.etape == Etape.SUIVI:  # no deposit: open while the dossier is
            return StepWindow(self.dossier.etat not in CLOSED)
        return StepWindow(self.dossier.etat in OPEN[document.etape],
                          self.deposits.get(("dossier", self.dossier.id, document.etape)))


def windows(dossier: Dossier) -> Windows:
    rows = db.session.execute(
        select(HistoryEntry.subject_type, HistoryEntry.subject_id, HistoryEntry.event, func.max(HistoryEntry.at))
        .where(HistoryEntry.dossier_id == dossier.id, HistoryEntry.event.in_(DEPOSITS))
        .group_by(HistoryEntry.subject_type, HistoryEntry.subject_id, HistoryEntry.event)
    )
    deposits = {}
    for subject_type, subject_id, event, at in rows:
        key = (subject_type, subject_id, DEPOSITS[event])
        deposits[key] = max(at, deposits.get(key, at))
    return Windows(dossier, deposits)


def withdraw_document(dossier: Dossier, document: Document, user, reason: str = "") -> HistoryEntry:
    """Withdraw the document and write its history row. Flushes.

    The step's subject (the dossier, or the avenant) is locked by its version: a deposit
    committed meanwhile makes this a ConflictError, and a deposit under way waits, then
    conflicts — a step is never deposited without a document it counted.
    """
    entry = services.withdraw(document, user, window=windows(dossier).of(document),
                              role=acting_role(dossier.roles_of(user), UPLOADERS), reason=reason)
    subject = dossier
    if document.avenant_id is not None:
        subject = next(a for a in dossier.avenants if a.id == document.avenant_id)
    flag_modified(subject, "etat")
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(CONCURRENT) from None
    return entry
