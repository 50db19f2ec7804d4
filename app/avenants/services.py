"""Proposing an avenant: its number, its first history row."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.avenants.models import Avenant, AvenantEtat
from app.workflows import history
from app.workflows.dossier import PORTEURS
from app.workflows.guards import acting_role

CONCURRENT = (
    "Un autre avenant vient d'être proposé sur ce dossier au même moment. "
    "Rechargez la page pour le voir avant d'en proposer un nouveau."
)


def create_avenant(dossier, objet: str, user, *, at: datetime | None = None) -> Avenant:
    """A new avenant "en rédaction" and its first history row. `user=None` records, as the
    runner does, a proposal no person made here (the demo, data taken over): the porteurs'
    roles then stand in for the check, and the history names no one."""
    roles = dossier.roles_of(user) if user is not None else PORTEURS
    if not dossier.can_propose_avenant(user, roles):
        if not dossier.is_porteur(user, roles):
            raise DomainError("Seuls la commune, l'EPCI ou le chef de projet du dossier proposent un avenant.")
        raise DomainError("Un avenant modifie une convention-cadre signée\u00a0: ce dossier n'en a pas encore.")
    if not (objet or "").strip():
        raise DomainError("Indiquez l'objet de l'avenant.")
    numero = (db.session.scalar(select(func.max(Avenant.numero)).where(Avenant.dossier_id == dossier.id)) or 0) + 1
    avenant = Avenant(dossier_id=dossier.id, numero=numero, objet=objet.strip(), etat=AvenantEtat.REDACTION)
    if at is not None:
        avenant.created_at = at
    try:
        # Two proposals at once take the same number: the second one is told, and nothing is half-written.
        with db.session.begin_nested():
            db.session.add(avenant)
    except IntegrityError:
        raise ConflictError(CONCURRENT) from None
    history.append(
        dossier_id=dossier.id, subject_type="avenant", subject_id=avenant.id, machine="avenant",
        event="creer", label=f"Avenant n° {numero} en rédaction", from_state=None,
        to_state=avenant.etat, user=user, role=acting_role(roles, PORTEURS),
        reason=avenant.objet, at=at,
    )
    return avenant
