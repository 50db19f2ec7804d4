"""The status of a line of a fiche's financing plan, as a small machine.

prévu → sollicité → accordé | refusé; accordé → versé. A machine rather than a free status
field: each change is a transition of the runner, so it is checked (who, in which order, with
a date that is neither in the future nor before the previous step) and written to the
dossier's sealed history like any other step — a financing decision is what an audit asks
about first.
"""
from dataclasses import dataclass
from datetime import date

from statemachine import Event, State, StateMachine

from app.auth.roles import Role
from app.workflows.dossier import PORTEURS
from app.workflows.guards import EventRule, Facts, TransitionRefusee, check_event
from app.workflows.states import FinancementStatut as S

# The decision of a financeur is recorded by the porteurs (who receive its letter), the
# préfecture for the State's lines, a partner for its own organisation's (app/projet/lifecycle).
DECIDEURS = PORTEURS | {Role.PREFECTURE, Role.PARTENAIRE}


@dataclass(frozen=True)
class FinancementFacts(Facts):
    # the day of the step, as typed (the decision letter's date, the payment's)
    effective_date: date | None = None
    # the day of the line's previous step (a decision cannot precede its request)
    previous_date: date | None = None
    fiche_ouverte: bool = True


def _require_open_fiche(facts: FinancementFacts) -> None:
    if not facts.fiche_ouverte:
        raise TransitionRefusee("La fiche action est close (réalisée, refusée ou abandonnée) : "
                                "son plan de financement ne change plus.")


def _require_date(facts: FinancementFacts) -> None:
    if facts.effective_date is None:
        raise TransitionRefusee("Indiquez la date.")
    if facts.effective_date > facts.today:
        raise TransitionRefusee("La date ne peut pas être dans le futur.")
    if facts.previous_date and facts.effective_date < facts.previous_date:
        raise TransitionRefusee(
            f"La date ne peut pas précéder l'étape précédente du financement ({facts.previous_date:%d/%m/%Y})."
        )


CHECKS = (_require_open_fiche, _require_date)
DATE = ("effective_date",)

EVENTS = {
    "solliciter": EventRule("Enregistrer la demande de financement", PORTEURS, CHECKS, DATE),
    "accorder": EventRule("Enregistrer l'accord du financeur", DECIDEURS, CHECKS, DATE),
    "refuser": EventRule("Enregistrer le refus du financeur", DECIDEURS, CHECKS, DATE),
    "verser": EventRule("Enregistrer le versement", DECIDEURS, CHECKS, DATE),
}
IRREVERSIBLE = frozenset()


def check(event: str, facts: FinancementFacts) -> None:
    check_event(EVENTS, event, facts)


def _event(transitions, event_id: str) -> Event:
    return Event(transitions, name=EVENTS[event_id].label)


class FinancementWorkflow(StateMachine):
    prevu = State("Prévu", value=S.PREVU, initial=True)
    sollicite = State("Sollicité", value=S.SOLLICITE)
    accorde = State("Accordé", value=S.ACCORDE)
    refuse = State("Refusé", value=S.REFUSE, final=True)
    verse = State("Versé", value=S.VERSE, final=True)

    solliciter = _event(prevu.to(sollicite, validators="guard"), "solliciter")
    accorder = _event(sollicite.to(accorde, validators="guard"), "accorder")
    refuser = _event(sollicite.to(refuse, validators="guard"), "refuser")
    verser = _event(accorde.to(verse, validators="guard"), "verser")

    def guard(self, event: str, facts: FinancementFacts):
        check(event, facts)
