"""Avenants: creation and lifecycle events, written in the dossier's history chain."""
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents.models import Document, DocumentType, Etape
from app.dossiers import history
from app.dossiers.avenants import Avenant
from app.dossiers.models import Dossier, DossierEtat
from app.dossiers.transitions import CONFLICT, today_in_paris
from app.workflows import avenant as workflow
from app.workflows.dossier import PORTEURS
from app.workflows.guards import Action, TransitionRefusee, acting_role


def create_avenant(dossier: Dossier, objet: str, user) -> Avenant:
    if dossier.etat != DossierEtat.MISE_EN_OEUVRE:
        raise DomainError("Un avenant modifie une convention-cadre signée : ce dossier n'en a pas encore.")
    roles = dossier.roles_of(user)
    if roles.isdisjoint(PORTEURS):
        raise DomainError("Seuls la commune, l'EPCI ou le chef de projet du dossier proposent un avenant.")
    if not (objet or "").strip():
        raise DomainError("Indiquez l'objet de l'avenant.")
    numero = (db.session.scalar(select(func.max(Avenant.numero)).where(Avenant.dossier_id == dossier.id)) or 0) + 1
    avenant = Avenant(dossier_id=dossier.id, numero=numero, objet=objet.strip())
    db.session.add(avenant)
    db.session.flush()
    history.append(
        dossier, event="avenant_cree", label=f"Avenant n° {numero} en rédaction", avenant_id=avenant.id,
        from_state=dossier.etat, to_state=dossier.etat, user=user,
        role=acting_role(roles, PORTEURS), reason=avenant.objet,
    )
    return avenant


def _action(avenant: Avenant, dossier: Dossier, user, today: date | None, **data) -> Action:
    rows = db.session.execute(
        select(Document.type).where(Document.avenant_id == avenant.id, Document.etape == Etape.AVENANT)
    )
    documents = frozenset((kind.value, "") for (kind,) in rows)
    return Action(
        roles=dossier.roles_of(user), today=today or today_in_paris(), documents=documents,
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=avenant.depose_le, **data,
    )


def available_actions(avenant: Avenant, dossier: Dossier, user) -> list[tuple[str, str, str | None]]:
    """(event, label, refusal reason or None) for the events this user could fire now."""
    machine = workflow.AvenantWorkflow(model=avenant, state_field="etat")
    action = _action(avenant, dossier, user, None, reason="…", signature_date=None)
    choices = []
    for event in machine.allowed_events:
        label, roles, _ = workflow.EVENTS[event.id]
        if action.roles.isdisjoint(roles):
            continue
        refused = None
        try:
            if event.id != "signer":  # the date and the PDF come with the form
                workflow.check(event.id, action)
        except TransitionRefusee as refusal:
            refused = str(refusal)
        choices.append((event.id, label, refused))
    return choices


def fire_avenant(avenant: Avenant, event: str, user, *, expected_version: int | None = None,
                 today: date | None = None, **data) -> history.HistoryEntry:
    if event not in workflow.EVENTS:
        raise DomainError("Cette action n'existe pas.")
    dossier = db.session.get(Dossier, avenant.dossier_id)
    if expected_version is not None and dossier.version != expected_version:
        raise ConflictError(CONFLICT)
    label, allowed, _ = workflow.EVENTS[event]
    action = _action(avenant, dossier, user, today, **data)
    before = avenant.etat
    machine = workflow.AvenantWorkflow(model=avenant, state_field="etat")
    try:
        machine.send(event, action=action)
    except machine.TransitionNotAllowed:
        raise DomainError(f"« {label} » n'est pas possible quand l'avenant est « {before.label} ».") from None
    except TransitionRefusee as refusal:
        raise DomainError(str(refusal)) from None
    details = {}
    if event in ("deposer", "redeposer"):
        avenant.depose_le = action.today
    elif event == "signer":
        avenant.signe_le = action.signature_date
        details = {"date_signature": action.signature_date}
    try:
        return history.append(
            dossier, event=f"avenant_{event}", label=f"{label} n° {avenant.numero}",
            avenant_id=avenant.id, from_state=before, to_state=avenant.etat, user=user,
            role=acting_role(action.roles, allowed),
            reason=action.reason, details=details,
        )
    except StaleDataError:
        raise ConflictError(CONFLICT) from None
