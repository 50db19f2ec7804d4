"""The small lifecycle of an avenant to a signed convention-cadre.

rédaction → déposé → (à compléter → déposé)* → signé. Same strict settings and the
same kind of guards as the dossier's machine.
"""
from dataclasses import dataclass
from functools import partial

from statemachine import Event, State, StateMachine

from app.workflows.dossier import PORTEURS, PREFECTURE, PROJET_CONVENTION
from app.workflows.guards import (
    EventRule, Requirement, SignatureFacts, changed_since_complements, check_event, require_all,
    require_reason, require_signature,
)
from app.workflows.states import AvenantEtat as A


@dataclass(frozen=True)
class AvenantFacts(SignatureFacts):
    """The avenant's machine needs no more than a signed step's facts."""


def requirements(event: str, facts: AvenantFacts) -> list[Requirement]:
    """The checklist of a deposit of the avenant: its projet, and once sent back, a change."""
    if event not in ("deposer", "redeposer"):
        return []
    kinds = {kind for kind, _ in facts.documents}
    items = [Requirement("Projet d'avenant", PROJET_CONVENTION in kinds, (PROJET_CONVENTION, ""))]
    if event == "redeposer":
        items += changed_since_complements(facts)
    return items


def _require_documents(facts: AvenantFacts, event: str) -> None:
    require_all(requirements(event, facts), "déposer l'avenant")


def _require_change_note(facts: AvenantFacts) -> None:
    require_reason(facts, "ce qui a changé depuis la demande de compléments")


def _require_signature(facts: AvenantFacts) -> None:
    require_signature(facts, "l'avenant signé")


EVENTS = {
    "deposer": EventRule("Déposer l'avenant", PORTEURS, (partial(_require_documents, event="deposer"),)),
    "demander_complements": EventRule("Demander des compléments sur l'avenant", PREFECTURE,
                                      (require_reason,), ("reason",)),
    "redeposer": EventRule("Déposer à nouveau l'avenant", PORTEURS,
                           (partial(_require_documents, event="redeposer"), _require_change_note),
                           ("reason",)),
    "signer": EventRule("Enregistrer la signature de l'avenant", PREFECTURE, (_require_signature,),
                        ("signature_date", "signed_file")),
}
IRREVERSIBLE = frozenset({"signer"})


def check(event: str, facts: AvenantFacts) -> None:
    check_event(EVENTS, event, facts)


class AvenantWorkflow(StateMachine):
    redaction = State("En rédaction", value=A.REDACTION, initial=True)
    depose = State("Déposé", value=A.DEPOSE)
    a_completer = State("À compléter", value=A.A_COMPLETER)
    signe = State("Signé", value=A.SIGNE, final=True)

    deposer = Event(redaction.to(depose, validators="guard"), name=EVENTS["deposer"].label)
    demander_complements = Event(depose.to(a_completer, validators="guard"),
                                 name=EVENTS["demander_complements"].label)
    redeposer = Event(a_completer.to(depose, validators="guard"), name=EVENTS["redeposer"].label)
    signer = Event(depose.to(signe, validators="guard"), name=EVENTS["signer"].label)

    def guard(self, event: str, facts: AvenantFacts):
        check(event, facts)
