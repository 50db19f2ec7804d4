"""The small lifecycle of an avenant to a signed convention-cadre.

rédaction → déposé → (à compléter → déposé)* → signé. Same strict settings and the
same kind of guards as the dossier's machine.
"""
from dataclasses import dataclass

from statemachine import Event, State, StateMachine

from app.workflows.dossier import PORTEURS, PREFECTURE, PROJET_CONVENTION
from app.workflows.guards import (
    EventRule, SignatureFacts, TransitionRefusee, check_event, require_reason, require_signature,
)
from app.workflows.states import AvenantEtat as A


@dataclass(frozen=True)
class AvenantFacts(SignatureFacts):
    """The avenant's machine needs no more than a signed step's facts."""


def _require_draft(facts: AvenantFacts) -> None:
    if PROJET_CONVENTION not in {kind for kind, _ in facts.documents}:
        raise TransitionRefusee("Ajoutez le projet d'avenant avant de le déposer.")


def _require_signature(facts: AvenantFacts) -> None:
    require_signature(facts, "l'avenant signé")


EVENTS = {
    "deposer": EventRule("Déposer l'avenant", PORTEURS, (_require_draft,)),
    "demander_complements": EventRule("Demander des compléments sur l'avenant", PREFECTURE,
                                      (require_reason,), ("reason",)),
    "redeposer": EventRule("Déposer à nouveau l'avenant", PORTEURS, (_require_draft,)),
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
