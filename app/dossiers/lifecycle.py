"""The dossier's machine as the runner sees it: the facts its guards read, the dates a step writes.

`fire(dossier, event, user, …)` is what views, commands and the demo call.
"""
from datetime import date

from sqlalchemy import select

from app.core.db import db
from app.documents.models import Document, DocumentType, Etape
from app.dossiers.echeance import add_months, echeance, extension_max_months, programme_end
from app.dossiers.models import Dossier
from app.workflows import runner
from app.workflows.dossier import EVENTS, IRREVERSIBLE, DossierFacts, DossierWorkflow

DEPOSITS = {"deposer_adhesion": "adhesion", "redeposer_adhesion": "adhesion",
            "deposer_cadre": "cadre", "redeposer_cadre": "cadre"}


def documents_present(dossier: Dossier, etape: Etape) -> frozenset:
    rows = db.session.execute(
        select(Document.type, Document.collectivite_code)
        .where(Document.dossier_id == dossier.id, Document.etape == etape)
    )
    return frozenset((kind.value, code or "") for kind, code in rows)


def dossier_facts(dossier: Dossier, *, roles: frozenset, today: date, **typed) -> DossierFacts:
    step = dossier.current_step()
    documents = documents_present(dossier, step)
    submitted = dossier.adhesion_deposee_le if step == Etape.ADHESION else dossier.cadre_deposee_le
    deadline, months = dossier.echeance_cadre, extension_max_months()
    return DossierFacts(
        roles=roles, today=today, documents=documents, signataires=dossier.signataires(),
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=submitted, current_deadline=deadline, programme_end=programme_end(),
        max_deadline=add_months(deadline, months) if deadline else None,
        max_extension_months=months, **typed,
    )


def apply_step(dossier: Dossier, event: str, facts: DossierFacts) -> runner.Step:
    """The dates of the step, on the dossier; the business date and the rest for the history."""
    if event in ("deposer_adhesion", "redeposer_adhesion"):
        dossier.adhesion_deposee_le = facts.today
        return runner.Step(effective_on=facts.today)
    if event in ("deposer_cadre", "redeposer_cadre"):
        dossier.cadre_deposee_le = facts.today
        return runner.Step(effective_on=facts.today)
    if event == "signer_adhesion":
        dossier.adhesion_signee_le = facts.signature_date
        dossier.echeance_cadre = echeance(facts.signature_date, dossier.echeance_prorogee_le)
        return runner.Step(effective_on=facts.signature_date,
                           payload={"echeance_cadre": dossier.echeance_cadre})
    if event == "signer_cadre":
        dossier.cadre_signee_le = facts.signature_date
        return runner.Step(effective_on=facts.signature_date)
    if event == "prolonger_delai":
        previous = dossier.echeance_cadre
        dossier.echeance_prorogee_le = dossier.echeance_cadre = facts.new_deadline
        return runner.Step(effective_on=facts.new_deadline, payload={"ancienne_echeance": previous})
    return runner.Step()


MACHINE = runner.Machine(
    name="dossier", subject_type="dossier", workflow=DossierWorkflow, events=EVENTS,
    irreversible=IRREVERSIBLE, roles_of=lambda dossier, user: dossier.roles_of(user),
    facts=dossier_facts, apply=apply_step, dossier_id=lambda dossier: dossier.id,
)


def fire(dossier: Dossier, event: str, user, **kwargs):
    """Fire a lifecycle event of the dossier (see app/workflows/runner.py)."""
    return runner.fire(dossier, MACHINE, event, user, **kwargs)


def available_actions(dossier: Dossier, user, **kwargs) -> list[runner.Choice]:
    return runner.available_actions(dossier, MACHINE, user, **kwargs)
