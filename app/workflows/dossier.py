"""The lifecycle of a PVD dossier, from the label to the clôture.

Built around a Dossier row when needed: `DossierWorkflow(model=dossier, state_field="etat")`.
`StateMachine` (not `StateChart`) gives the strict settings: an event not allowed in the
current state raises TransitionNotAllowed, exceptions propagate, and the state field is
updated atomically (never briefly empty, which an autoflush could write as NULL).
Guards are validators that raise TransitionRefusee with the reason, in French.
"""
from statemachine import Event, State, StateMachine

from app.auth.roles import Role
from app.dossiers.models import DossierEtat as E
from app.workflows.guards import (
    Action, TransitionRefusee, check_event, require_reason, require_signature,
)

PORTEURS = frozenset({Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET})
PREFECTURE = frozenset({Role.PREFECTURE})

DELIBERATION = "deliberation"
DIAGNOSTIC = "diagnostic"
PROJET_CONVENTION = "projet_convention"


def _deliberations_missing(action: Action) -> list[str]:
    present = {code for kind, code in action.documents if kind == DELIBERATION}
    return [code for code in action.signataires if code not in present]


def _require_deliberations(action: Action) -> None:
    missing = _deliberations_missing(action)
    if missing:
        raise TransitionRefusee(
            "Il manque la délibération de chaque collectivité signataire : "
            f"{', '.join(missing)}. Ajoutez-la dans les documents du dossier."
        )


def _require_cadre_documents(action: Action) -> None:
    kinds = {kind for kind, _ in action.documents}
    if DIAGNOSTIC not in kinds:
        raise TransitionRefusee("Ajoutez le diagnostic du territoire avant de déposer la convention-cadre.")
    if PROJET_CONVENTION not in kinds:
        raise TransitionRefusee("Ajoutez le projet de convention-cadre avant de la déposer.")
    _require_deliberations(action)


def _require_new_deadline(action: Action) -> None:
    require_reason(action, "le motif de la prolongation")
    if action.new_deadline is None:
        raise TransitionRefusee("Indiquez la nouvelle date limite de signature de la convention-cadre.")
    if action.current_deadline and action.new_deadline <= action.current_deadline:
        raise TransitionRefusee(
            "La nouvelle date limite doit être postérieure à l'échéance actuelle "
            f"({action.current_deadline:%d/%m/%Y})."
        )


# event -> (label for buttons and history, roles allowed, extra checks)
EVENTS = {
    "demarrer_adhesion": ("Commencer la convention d'adhésion", PORTEURS, ()),
    "deposer_adhesion": ("Déposer la convention d'adhésion", PORTEURS, (_require_deliberations,)),
    "demander_complements_adhesion": ("Demander des compléments", PREFECTURE, (require_reason,)),
    "redeposer_adhesion": ("Déposer à nouveau la convention d'adhésion", PORTEURS, (_require_deliberations,)),
    "valider_adhesion": ("Valider la convention d'adhésion", PREFECTURE, ()),
    "signer_adhesion": ("Enregistrer la signature de la convention d'adhésion", PREFECTURE, (require_signature,)),
    "demarrer_cadre": ("Commencer la convention-cadre", PORTEURS, ()),
    "deposer_cadre": ("Déposer la convention-cadre", PORTEURS, (_require_cadre_documents,)),
    "demander_complements_cadre": ("Demander des compléments", PREFECTURE, (require_reason,)),
    "redeposer_cadre": ("Déposer à nouveau la convention-cadre", PORTEURS, (_require_cadre_documents,)),
    "valider_cadre": ("Valider la convention-cadre", PREFECTURE, ()),
    "signer_cadre": ("Enregistrer la signature de la convention-cadre", PREFECTURE, (require_signature,)),
    "prolonger_delai": ("Prolonger le délai de 18 mois", PREFECTURE, (_require_new_deadline,)),
    "declarer_sortie": ("Déclarer la sortie du programme", PREFECTURE, (require_reason,)),
    "cloturer": ("Clôturer le dossier", PREFECTURE, ()),
}

# Events that cannot be undone: the page asks for a confirmation first.
IRREVERSIBLE = {"signer_adhesion", "signer_cadre", "declarer_sortie", "cloturer"}


def check(event: str, action: Action) -> None:
    """Raise TransitionRefusee if `action` may not fire `event` (state aside)."""
    check_event(EVENTS, event, action)


class DossierWorkflow(StateMachine):
    labellise = State("Labellisé", value=E.LABELLISE, initial=True)
    adhesion_redaction = State("Convention d'adhésion en rédaction", value=E.ADHESION_REDACTION)
    adhesion_deposee = State("Convention d'adhésion déposée", value=E.ADHESION_DEPOSEE)
    adhesion_a_completer = State("Convention d'adhésion à compléter", value=E.ADHESION_A_COMPLETER)
    adhesion_validee = State("Convention d'adhésion validée", value=E.ADHESION_VALIDEE)
    adhesion_signee = State("Convention d'adhésion signée", value=E.ADHESION_SIGNEE)
    cadre_redaction = State("Convention-cadre en rédaction", value=E.CADRE_REDACTION)
    cadre_deposee = State("Convention-cadre déposée", value=E.CADRE_DEPOSEE)
    cadre_a_completer = State("Convention-cadre à compléter", value=E.CADRE_A_COMPLETER)
    cadre_validee = State("Convention-cadre validée", value=E.CADRE_VALIDEE)
    mise_en_oeuvre = State("Mise en œuvre (convention-cadre signée, valant ORT)", value=E.MISE_EN_OEUVRE)
    cloture = State("Clôturé", value=E.CLOTURE, final=True)
    sorti = State("Sorti du programme", value=E.SORTI, final=True)

    demarrer_adhesion = Event(
        labellise.to(adhesion_redaction, validators="guard"),
        name=EVENTS["demarrer_adhesion"][0],
    )
    deposer_adhesion = Event(
        adhesion_redaction.to(adhesion_deposee, validators="guard"),
        name=EVENTS["deposer_adhesion"][0],
    )
    demander_complements_adhesion = Event(
        adhesion_deposee.to(adhesion_a_completer, validators="guard"),
        name=EVENTS["demander_complements_adhesion"][0],
    )
    redeposer_adhesion = Event(
        adhesion_a_completer.to(adhesion_deposee, validators="guard"),
        name=EVENTS["redeposer_adhesion"][0],
    )
    valider_adhesion = Event(
        adhesion_deposee.to(adhesion_validee, validators="guard"),
        name=EVENTS["valider_adhesion"][0],
    )
    signer_adhesion = Event(
        adhesion_validee.to(adhesion_signee, validators="guard"),
        name=EVENTS["signer_adhesion"][0],
    )
    demarrer_cadre = Event(
        adhesion_signee.to(cadre_redaction, validators="guard"),
        name=EVENTS["demarrer_cadre"][0],
    )
    deposer_cadre = Event(
        cadre_redaction.to(cadre_deposee, validators="guard"),
        name=EVENTS["deposer_cadre"][0],
    )
    demander_complements_cadre = Event(
        cadre_deposee.to(cadre_a_completer, validators="guard"),
        name=EVENTS["demander_complements_cadre"][0],
    )
    redeposer_cadre = Event(
        cadre_a_completer.to(cadre_deposee, validators="guard"),
        name=EVENTS["redeposer_cadre"][0],
    )
    valider_cadre = Event(
        cadre_deposee.to(cadre_validee, validators="guard"),
        name=EVENTS["valider_cadre"][0],
    )
    signer_cadre = Event(
        cadre_validee.to(mise_en_oeuvre, validators="guard"),
        name=EVENTS["signer_cadre"][0],
    )
    # The 18-month deadline runs from the adhésion's signature to the cadre's.
    prolonger_delai = Event(
        (
            adhesion_signee.to.itself(validators="guard")
            | cadre_redaction.to.itself(validators="guard")
            | cadre_deposee.to.itself(validators="guard")
            | cadre_a_completer.to.itself(validators="guard")
            | cadre_validee.to.itself(validators="guard")
        ),
        name=EVENTS["prolonger_delai"][0],
    )
    declarer_sortie = Event(
        (
            labellise.to(sorti, validators="guard")
            | adhesion_redaction.to(sorti, validators="guard")
            | adhesion_deposee.to(sorti, validators="guard")
            | adhesion_a_completer.to(sorti, validators="guard")
            | adhesion_validee.to(sorti, validators="guard")
            | adhesion_signee.to(sorti, validators="guard")
            | cadre_redaction.to(sorti, validators="guard")
            | cadre_deposee.to(sorti, validators="guard")
            | cadre_a_completer.to(sorti, validators="guard")
            | cadre_validee.to(sorti, validators="guard")
            | mise_en_oeuvre.to(sorti, validators="guard")
        ),
        name=EVENTS["declarer_sortie"][0],
    )
    cloturer = Event(
        mise_en_oeuvre.to(cloture, validators="guard"),
        name=EVENTS["cloturer"][0],
    )

    def guard(self, event: str, action: Action):
        check(event, action)
