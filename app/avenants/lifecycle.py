"""The avenant's machine as the runner sees it."""
from datetime import date

from app.avenants.models import AvenantEtat
from app.core.formatting import today_in_paris
from app.documents.models import DocumentType, Etape
from app.documents.services import deposit_record, signed_record, step_documents
from app.workflows import history, runner
from app.workflows.avenant import EVENTS, IRREVERSIBLE, AvenantFacts, AvenantWorkflow, requirements


def avenant_facts(avenant, *, roles: frozenset, today: date, event: str | None = None, **typed) -> AvenantFacts:
    documents, last_upload = step_documents(avenant.dossier_id, Etape.AVENANT, avenant.id)
    asked = (history.last_at(avenant.dossier_id, "avenant", avenant.id, ("demander_complements",))
             if avenant.etat == AvenantEtat.A_COMPLETER else None)
    return AvenantFacts(
        roles=roles, today=today, documents=documents,
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=avenant.depose_le, complements_requested_at=asked, last_upload_at=last_upload,
        **typed,
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
    subject_phrase="l'avenant", requirements=requirements,
)


def fire(avenant, event: str, user, **kwargs):
    return runner.fire(avenant, MACHINE, event, user, **kwargs)


def available_actions(avenant, user) -> list[runner.Choice]:
    return runner.available_actions(avenant, MACHINE, user)


def facts_of(avenant) -> AvenantFacts:
    """The facts the guards read, with no actor: what the pages show of a step's needs."""
    return avenant_facts(avenant, roles=frozenset(), today=today_in_paris())
