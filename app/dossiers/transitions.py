"""Firing lifecycle events on a dossier: the service every view and command goes through.

It gathers the facts the machine's guards need, fires the event, records the step's dates,
writes the history row, and turns every refusal into a DomainError with a French reason.
It flushes, never commits.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.formatting import PARIS
from app.documents.models import Document, DocumentType, Etape
from app.dossiers import history
from app.dossiers.echeance import echeance
from app.dossiers.models import Dossier, DossierEtat as E
from app.workflows.dossier import EVENTS, IRREVERSIBLE, DossierWorkflow, check
from app.workflows.guards import Action, TransitionRefusee, acting_role

CONFLICT = (
    "Ce dossier a été modifié entre-temps par une autre personne. "
    "Rechargez la page pour voir son état actuel, puis recommencez si besoin."
)

ADHESION_STATES = {E.LABELLISE, E.ADHESION_REDACTION, E.ADHESION_DEPOSEE,
                   E.ADHESION_A_COMPLETER, E.ADHESION_VALIDEE}
CADRE_STATES = {E.ADHESION_SIGNEE, E.CADRE_REDACTION, E.CADRE_DEPOSEE,
                E.CADRE_A_COMPLETER, E.CADRE_VALIDEE}

# What the user types for an event (the page shows a form rather than a plain button).
FORM_FIELDS = {
    "demander_complements_adhesion": ("reason",),
    "demander_complements_cadre": ("reason",),
    "declarer_sortie": ("reason",),
    "prolonger_delai": ("reason", "new_deadline"),
    "signer_adhesion": ("signature_date", "signed_file"),
    "signer_cadre": ("signature_date", "signed_file"),
}


def today_in_paris() -> date:
    return datetime.now(PARIS).date()


def current_step(dossier: Dossier) -> Etape:
    if dossier.etat in ADHESION_STATES:
        return Etape.ADHESION
    if dossier.etat in CADRE_STATES:
        return Etape.CADRE
    return Etape.SUIVI


def signataires(dossier: Dossier) -> tuple[str, ...]:
    """The collectivités that must each bring a délibération: the communes and their EPCI."""
    codes = [lien.commune_insee for lien in dossier.liens_communes]
    if dossier.epci_siren:
        codes.append(dossier.epci_siren)
    return tuple(sorted(codes))


def documents_present(dossier: Dossier, etape: Etape) -> frozenset:
    rows = db.session.execute(
        select(Document.type, Document.collectivite_code)
        .where(Document.dossier_id == dossier.id, Document.etape == etape)
    )
    return frozenset((kind.value, code or "") for kind, code in rows)


def build_action(dossier: Dossier, user, roles=None, today: date | None = None, **data) -> Action:
    step = current_step(dossier)
    documents = documents_present(dossier, step)
    submitted = dossier.adhesion_deposee_le if step == Etape.ADHESION else dossier.cadre_deposee_le
    return Action(
        roles=roles if roles is not None else dossier.roles_of(user),
        today=today or today_in_paris(),
        documents=documents,
        signataires=signataires(dossier),
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=submitted,
        current_deadline=dossier.echeance_cadre,
        **data,
    )


@dataclass
class Choice:
    """An action offered on the dossier page: enabled, or refused with its reason."""

    event: str
    label: str
    refused: str | None
    irreversible: bool
    fields: tuple


def available_actions(dossier: Dossier, user, today: date | None = None,
                      roles: frozenset | None = None) -> list[Choice]:
    """The events the user could fire now, each checked against the guards.

    Events of roles the user does not hold on this dossier are not offered at all; the
    others are offered, disabled with the reason when a guard refuses (a missing
    délibération, say). What the user has yet to type (a motif, a date) is not checked here.
    """
    roles = dossier.roles_of(user) if roles is None else roles
    if not roles:
        return []
    machine = DossierWorkflow(model=dossier, state_field="etat")
    action = build_action(dossier, user, roles=roles, today=today)
    choices = []
    for event in machine.allowed_events:
        label, allowed_roles, _ = EVENTS[event.id]
        if roles.isdisjoint(allowed_roles):
            continue
        fields = FORM_FIELDS.get(event.id, ())
        refused = None
        try:
            check(event.id, _with_placeholders(action, fields))
        except TransitionRefusee as refusal:
            refused = str(refusal)
        choices.append(Choice(event.id, label, refused, event.id in IRREVERSIBLE, fields))
    return choices


def _with_placeholders(action: Action, fields: tuple) -> Action:
    """Fill what the form will ask for, so that only the other guards are evaluated."""
    filled = {}
    if "reason" in fields:
        filled["reason"] = "…"
    if "signature_date" in fields:
        filled["signature_date"] = action.today
        filled["submitted_on"] = None
        filled["signed_document"] = True
    if "new_deadline" in fields:
        filled["new_deadline"] = date.max
    return replace(action, **filled)


SUBMISSIONS = {"deposer_adhesion": "adhesion", "redeposer_adhesion": "adhesion",
               "deposer_cadre": "cadre", "redeposer_cadre": "cadre"}


def fire(dossier: Dossier, event: str, user, *, expected_version: int | None = None,
         today: date | None = None, at: datetime | None = None, archive: bool | None = None,
         **data) -> history.HistoryEntry:
    """Fire `event` as `user`; raise DomainError (ConflictError) with the reason if refused.

    At each submission the convention generated from the dossier's data is archived as a
    document version, its hash in the history row (`archive`, default from the setting
    ARCHIVE_CONVENTIONS, turns that off for bulk imports and most tests).
    """
    if event not in EVENTS:
        raise DomainError("Cette action n'existe pas.")
    if expected_version is not None and dossier.version != expected_version:
        raise ConflictError(CONFLICT)
    label, allowed_roles, _ = EVENTS[event]
    roles = dossier.roles_of(user) if user is not None else frozenset(allowed_roles)
    action = build_action(dossier, user, roles=roles, today=today, **data)
    before = dossier.etat
    machine = DossierWorkflow(model=dossier, state_field="etat")
    try:
        machine.send(event, action=action)
    except machine.TransitionNotAllowed:
        raise DomainError(
            f"« {label} » n'est pas possible quand le dossier est à l'étape « {before.label} »."
        ) from None
    except TransitionRefusee as refusal:
        raise DomainError(str(refusal)) from None
    details = _record_dates(dossier, event, action)
    archived = None
    if event in SUBMISSIONS and (current_app.config["ARCHIVE_CONVENTIONS"] if archive is None else archive):
        from app.conventions.services import archive_convention  # documents import this module

        archived = archive_convention(dossier, SUBMISSIONS[event], user)
        details["projet_archive"] = {"version_id": archived.id, "sha256": archived.sha256}
    try:
        return history.append(
            dossier, event=event, label=label, from_state=before, to_state=dossier.etat,
            user=user, role=acting_role(roles, allowed_roles), reason=action.reason, details=details or None, at=at,
        )
    except StaleDataError:
        if archived is not None:
            from app.documents.services import discard_file

            discard_file(archived.storage_key)
        raise ConflictError(CONFLICT) from None


def _record_dates(dossier: Dossier, event: str, action: Action) -> dict:
    if event in ("deposer_adhesion", "redeposer_adhesion"):
        dossier.adhesion_deposee_le = action.today
    elif event in ("deposer_cadre", "redeposer_cadre"):
        dossier.cadre_deposee_le = action.today
    elif event == "signer_adhesion":
        dossier.adhesion_signee_le = action.signature_date
        dossier.echeance_cadre = echeance(action.signature_date, dossier.echeance_prorogee_le)
        return {"date_signature": action.signature_date, "echeance_cadre": dossier.echeance_cadre}
    elif event == "signer_cadre":
        dossier.cadre_signee_le = action.signature_date
        return {"date_signature": action.signature_date}
    elif event == "prolonger_delai":
        previous = dossier.echeance_cadre
        dossier.echeance_prorogee_le = action.new_deadline
        dossier.echeance_cadre = action.new_deadline
        return {"ancienne_echeance": previous, "nouvelle_echeance": action.new_deadline}
    return {}
