"""The avenant's machine as the runner sees it."""
from datetime import date

from sqlalchemy import select

from app.core.db import db
from app.documents.models import Document, DocumentType, Etape
from app.documents.services import deposit_record, signed_record
from app.workflows import runner
from app.workflows.avenant import EVENTS, IRREVERSIBLE, AvenantFacts, AvenantWorkflow


def documents_present(avenant) -> frozenset:
    rows = db.session.execute(
        select(Document.type).where(Document.avenant_id == avenant.id, Document.etape == Etape.AVENANT)
    )
    return frozenset((kind.value, "") for (kind,) in rows)


def avenant_facts(avenant, *, roles: frozenset, today: date, **typed) -> AvenantFacts:
    documents = documents_present(avenant)
    return AvenantFacts(
        roles=roles, today=today, documents=documents,
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=avenant.depose_le, **typed,
    )


def apply_step(avenant, event: str, facts: AvenantFacts) -> runner.Step:
    if event in ("deposer", "redeposer"):
        avenant.depose_le = facts.today
        return runner.Step(effective_on=facts.today, payload={
            "documents_deposes": deposit_record(avenant.dossier, Etape.AVENANT, avenant.id)})
    if event == "signer":
        signed = signed_record(avenant.dossier, Etape.AVENANT, avenant.id)
        avenant.signe_le = facts.signature_date
        return runner.Step(effective_on=facts.signature_date,
                           payload={"convention_signee": signed} if signed else None)
    return runner.Step()


MACHINE = runner.Machine(
    name="avenant", subject_type="avenant", workflow=AvenantWorkflow, events=EVENTS,
    irreversible=IRREVERSIBLE, roles_of=lambda avenant, user: avenant.dossier.roles_of(user),
    facts=avenant_facts, apply=apply_step, dossier_id=lambda avenant: avenant.dossier_id,
    history_label=lambda avenant, label: f"{label} n° {avenant.numero}",
    subject_phrase="l'avenant",
)


def fire(avenant, event: str, user, **kwargs):
    return runner.fire(avenant, MACHINE, event, user, **kwargs)


def available_actions(avenant, user) -> list[runner.Choice]:
    return runner.available_actions(avenant, MACHINE, user)
