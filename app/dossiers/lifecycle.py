"""The dossier's machine as the runner sees it: the facts its guards read, the dates a step writes.

`fire(dossier, event, user, …)` is what views, commands and the demo call.
"""
from datetime import date

from app.core.formatting import today_in_paris
from app.core.signals import convention_gaps, projet_gaps
from app.documents.models import DocumentType, Etape
from app.documents.services import deposit_record, signed_record, step_documents
from app.dossiers.echeance import add_months, echeance, extension_max_months, programme_end
from app.dossiers.models import Dossier, DossierEtat as E
from app.workflows import history, runner
from app.workflows.dossier import (
    DEPOSITS, EVENTS, IMMEDIATE, IRREVERSIBLE, DossierFacts, DossierWorkflow, reads, requirements,
)

SIGNATURES = {"signer_adhesion": "adhesion", "signer_cadre": "cadre"}

# Sent back "à compléter": the request whose date the re-deposit compares uploads with.
COMPLEMENTS = {E.ADHESION_A_COMPLETER: "demander_complements_adhesion",
               E.CADRE_A_COMPLETER: "demander_complements_cadre"}


def missing_content(dossier: Dossier, kind: str) -> tuple[str, ...]:
    """What the convention `kind` still lacks, as the conventions feature says (a signal: the
    content models live above the dossiers). No receiver would wave every deposit through."""
    if not convention_gaps.receivers:
        raise RuntimeError("Aucun récepteur de convention_gaps\u00a0: create_app n'a pas abonné les conventions.")
    return tuple(piece for _, pieces in convention_gaps.send(dossier, kind=kind) for piece in pieces)


def missing_projet(dossier: Dossier, kind: str) -> tuple[str, ...]:
    """What the projet de territoire that the convention `kind` formalises still lacks (the
    projet feature says it; the adhésion formalises none)."""
    if kind == "cadre" and not projet_gaps.receivers:
        raise RuntimeError("Aucun récepteur de projet_gaps\u00a0: create_app n'a pas abonné le projet.")
    return tuple(piece for _, pieces in projet_gaps.send(dossier, kind=kind) for piece in pieces)


def dossier_facts(dossier: Dossier, *, roles: frozenset, today: date, event: str | None = None,
                  **typed) -> DossierFacts:
    """What the guards read. Fired, an event gathers only the costly facts its own guards read
    (`workflows.dossier.reads`): a validation or an extension reads no document, no content."""
    needs = reads(event)
    step = dossier.current_step()
    documents, last_upload = step_documents(dossier.id, step) if "documents" in needs else (frozenset(), None)
    submitted = dossier.adhesion_deposee_le if step == Etape.ADHESION else dossier.cadre_deposee_le
    writing = dossier.writing() if needs & {"contenu_manquant", "projet_manquant"} else None
    asked = (history.last_at(dossier.id, "dossier", dossier.id, (COMPLEMENTS[dossier.etat],))
             if dossier.etat in COMPLEMENTS and "complements_requested_at" in needs else None)
    deadline, months = dossier.echeance_cadre, extension_max_months()
    return DossierFacts(
        roles=roles, today=today, documents=documents,
        signataires=dossier.signataires_nommes() if "signataires" in needs else (),
        signed_document=(DocumentType.CONVENTION_SIGNEE.value, "") in documents,
        submitted_on=submitted, complements_requested_at=asked, last_upload_at=last_upload,
        current_deadline=deadline, programme_end=programme_end(),
        max_deadline=add_months(deadline, months) if deadline else None,
        max_extension_months=months,
        contenu_manquant=missing_content(dossier, writing) if writing else (),
        projet_manquant=missing_projet(dossier, writing) if writing else (), **typed,
    )


def apply_step(dossier: Dossier, event: str, facts: DossierFacts) -> runner.Step:
    """The dates of the step, on the dossier; the business date and the rest for the history."""
    if event in DEPOSITS:
        etape = Etape(DEPOSITS[event])
        if etape == Etape.ADHESION:
            dossier.adhesion_deposee_le = facts.today
        else:
            dossier.cadre_deposee_le = facts.today
        return runner.Step(effective_on=facts.today,
                           payload={"documents_deposes": deposit_record(dossier, etape)})
    if event in SIGNATURES:
        signed = signed_record(dossier, Etape(SIGNATURES[event]))
        payload = {"convention_signee": signed} if signed else {}
        if event == "signer_adhesion":
            dossier.adhesion_signee_le = facts.signature_date
            dossier.echeance_cadre = echeance(facts.signature_date, dossier.echeance_prorogee_le)
            payload["echeance_cadre"] = dossier.echeance_cadre
        else:
            dossier.cadre_signee_le = facts.signature_date
        return runner.Step(effective_on=facts.signature_date, payload=payload)
    if event == "prolonger_delai":
        previous = dossier.echeance_cadre
        dossier.echeance_prorogee_le = dossier.echeance_cadre = facts.new_deadline
        return runner.Step(effective_on=facts.new_deadline, payload={"ancienne_echeance": previous})
    return runner.Step()


MACHINE = runner.Machine(
    name="dossier", subject_type="dossier", workflow=DossierWorkflow, events=EVENTS,
    irreversible=IRREVERSIBLE, roles_of=lambda dossier, user: dossier.roles_of(user),
    facts=dossier_facts, apply=apply_step, dossier_id=lambda dossier: dossier.id,
    immediate=IMMEDIATE, requirements=requirements,
)


def fire(dossier: Dossier, event: str, user, **kwargs):
    """Fire a lifecycle event of the dossier (see app/workflows/runner.py)."""
    return runner.fire(dossier, MACHINE, event, user, **kwargs)


def available_actions(dossier: Dossier, user, **kwargs) -> list[runner.Choice]:
    return runner.available_actions(dossier, MACHINE, user, **kwargs)


# The deposit a dossier prepares in each state: its checklist shows on the dossier page.
NEXT_DEPOSIT = {
    E.LABELLISE: "deposer_adhesion", E.ADHESION_REDACTION: "deposer_adhesion",
    E.ADHESION_A_COMPLETER: "redeposer_adhesion",
    E.ADHESION_SIGNEE: "deposer_cadre", E.CADRE_REDACTION: "deposer_cadre",
    E.CADRE_A_COMPLETER: "redeposer_cadre",
}


def facts_of(dossier: Dossier, *, today: date | None = None) -> DossierFacts:
    """The facts the guards read, with no actor: what the pages show of a step's needs."""
    return dossier_facts(dossier, roles=frozenset(), today=today or today_in_paris())
