"""The small lifecycle of an avenant to a signed convention-cadre.

rédaction → déposé → (à compléter → déposé)* → signé. Same strict settings and the
same kind of guards as the dossier's machine.
"""
from statemachine import Event, State, StateMachine

from app.dossiers.avenants import AvenantEtat as A
from app.workflows.dossier import PORTEURS, PREFECTURE
from app.workflows.guards import (
    Action, TransitionRefusee, check_event, require_reason, require_signature,
)


def _require_draft(action: Action) -> None:
    if "projet_convention" not in {kind for kind, _ in action.documents}:
        raise TransitionRefusee("Ajoutez le projet d'avenant avant de le déposer.")


EVENTS = {
    "deposer": ("Déposer l'avenant", PORTEURS, (_require_draft,)),
    "demander_complements": ("Demander des compléments sur l'avenant", PREFECTURE, (require_reason,)),
    "redeposer": ("Déposer à nouveau l'avenant", PORTEURS, (_require_draft,)),
    "signer": ("Enregistrer la signature de l'avenant", PREFECTURE, (require_signature,)),
}
IRREVERSIBLE = {"signer"}


def check(event: str, action: Action) -> None:
    check_event(EVENTS, event, action)


class AvenantWorkflow(StateMachine):
    redaction = State("En rédaction", value=A.REDACTION, initial=True)
    depose = State("Déposé", value=A.DEPOSE)
    a_completer = State("À compléter", value=A.A_COMPLETER)
    signe = State("Signé", value=A.SIGNE, final=True)

    deposer = Event(
        redaction.to(depose, validators="guard"),
        name=EVENTS["deposer"][0],
    )
    demander_complements = Event(
        depose.to(a_completer, validators="guard"),
        name=EVENTS["demander_complements"][0],
    )
    redeposer = Event(
        a_completer.to(depose, validators="guard"),
        name=EVENTS["redeposer"][0],
    )
    signer = Event(
        depose.to(signe, validators="guard"),
        name=EVENTS["signer"][0],
    )

    def guard(self, event: str, action: Action):
        check(event, action)
