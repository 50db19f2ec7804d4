"""The lifecycle of a fiche action of the plan d'action.

brouillon → soumise (to the comité de projet) → validée | à revoir | refusée; à revoir →
brouillon; validée → engagée → réalisée; abandonnée from any open state, with a reason.
Same strict settings and the same kind of guards as the dossier's machine. Until the comité
de projet has its own feature, its decisions are recorded by the chef de projet.
"""
from dataclasses import dataclass
from decimal import Decimal

from statemachine import Event, State, StateMachine

from app.auth.roles import Role
from app.core.formatting import money_fr
from app.workflows.dossier import PORTEURS
from app.workflows.guards import EventRule, Facts, TransitionRefusee, check_event, require_reason
from app.workflows.states import FicheEtat as F

# Decisions of the comité de projet, recorded by the chef de projet for now.
COMITE = frozenset({Role.CHEF_DE_PROJET})


@dataclass(frozen=True)
class FicheFacts(Facts):
    # the dossier is past the adhésion and neither sorti nor clôturé
    dossier_ouvert: bool = True
    # what the fiche still lacks to be submitted, in words ("le coût HT", "l'axe stratégique"…)
    manquants: tuple = ()
    cout_ht: Decimal | None = None
    # accordé (or versé) + autofinancement of its financing plan
    couvert: Decimal = Decimal("0")


def _require_open_dossier(facts: FicheFacts) -> None:
    if not facts.dossier_ouvert:
        raise TransitionRefusee("Le dossier n'est pas ouvert au plan d'action (sorti, clôturé ou "
                                "avant la signature de la convention d'adhésion).")


def _require_complete(facts: FicheFacts) -> None:
    if facts.manquants:
        raise TransitionRefusee(
            "Complétez la fiche avant de la soumettre au comité de projet : "
            f"{', '.join(facts.manquants)}."
        )


def gap(facts: FicheFacts) -> Decimal:
    """What the financing plan still lacks to cover the cost HT (never negative)."""
    return max((facts.cout_ht or Decimal("0")) - facts.couvert, Decimal("0"))


def _require_funding(facts: FicheFacts) -> None:
    if facts.cout_ht is None:
        raise TransitionRefusee("Indiquez le coût HT de la fiche avant de l'engager.")
    missing = gap(facts)
    if missing > 0:
        raise TransitionRefusee(
            f"Le financement accordé et l'autofinancement ({money_fr(facts.couvert)}) ne couvrent pas "
            f"le coût HT ({money_fr(facts.cout_ht)}) : il manque {money_fr(missing)}."
        )


def _require_reason(facts: FicheFacts) -> None:
    require_reason(facts)


OPEN = (_require_open_dossier,)
REASON = ("reason",)

EVENTS = {
    "soumettre": EventRule("Soumettre au comité de projet", PORTEURS, OPEN + (_require_complete,)),
    "valider": EventRule("Valider la fiche (décision du comité de projet)", COMITE, OPEN),
    "demander_revision": EventRule("Demander de revoir la fiche (décision du comité de projet)", COMITE,
                                   OPEN + (_require_reason,), REASON),
    "refuser": EventRule("Refuser la fiche (décision du comité de projet)", COMITE,
                         OPEN + (_require_reason,), REASON),
    "reprendre": EventRule("Reprendre la fiche en brouillon", PORTEURS, OPEN),
    "engager": EventRule("Engager la fiche", PORTEURS, OPEN + (_require_funding,)),
    "realiser": EventRule("Déclarer la fiche réalisée", PORTEURS, OPEN),
    "abandonner": EventRule("Abandonner la fiche", PORTEURS, OPEN + (_require_reason,), REASON),
}
IRREVERSIBLE = frozenset({"refuser", "realiser", "abandonner"})


def check(event: str, facts: FicheFacts) -> None:
    check_event(EVENTS, event, facts)


def _event(transitions, event_id: str) -> Event:
    return Event(transitions, name=EVENTS[event_id].label)


class FicheWorkflow(StateMachine):
    brouillon = State("Brouillon", value=F.BROUILLON, initial=True)
    soumise = State("Soumise au comité de projet", value=F.SOUMISE)
    validee = State("Validée", value=F.VALIDEE)
    a_revoir = State("À revoir", value=F.A_REVOIR)
    refusee = State("Refusée", value=F.REFUSEE, final=True)
    engagee = State("Engagée", value=F.ENGAGEE)
    realisee = State("Réalisée", value=F.REALISEE, final=True)
    abandonnee = State("Abandonnée", value=F.ABANDONNEE, final=True)

    soumettre = _event(brouillon.to(soumise, validators="guard"), "soumettre")
    valider = _event(soumise.to(validee, validators="guard"), "valider")
    demander_revision = _event(soumise.to(a_revoir, validators="guard"), "demander_revision")
    refuser = _event(soumise.to(refusee, validators="guard"), "refuser")
    reprendre = _event(a_revoir.to(brouillon, validators="guard"), "reprendre")
    engager = _event(validee.to(engagee, validators="guard"), "engager")
    realiser = _event(engagee.to(realisee, validators="guard"), "realiser")
    abandonner = _event(
        brouillon.to(abandonnee, validators="guard")
        | soumise.to(abandonnee, validators="guard")
        | validee.to(abandonnee, validators="guard")
        | a_revoir.to(abandonnee, validators="guard")
        | engagee.to(abandonnee, validators="guard"),
        "abandonner",
    )

    def guard(self, event: str, facts: FicheFacts):
        check(event, facts)
