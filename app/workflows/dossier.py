"""The lifecycle of a PVD dossier, from the label to the clôture.

Built around a Dossier row when needed: `DossierWorkflow(model=dossier, state_field="etat")`.
`StateMachine` (not `StateChart`) gives the strict settings: an event not allowed in the
current state raises TransitionNotAllowed, exceptions propagate, and the state field is
updated atomically (never briefly empty, which an autoflush could write as NULL).
Guards are validators that raise TransitionRefusee with the reason, in French.
"""
from dataclasses import dataclass
from datetime import date
from functools import partial

from statemachine import Event, State, StateMachine

from app.auth.roles import Role
from app.core.formatting import de_nom
from app.workflows.guards import (
    EventRule, Requirement, SignatureFacts, TransitionRefusee, changed_since_complements,
    check_event, require_all, require_reason, require_signature,
)
from app.workflows.states import DossierEtat as E

PORTEURS = frozenset({Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET})
PREFECTURE = frozenset({Role.PREFECTURE})

REASON = ("reason",)
SIGNATURE = ("signature_date", "signed_file")

DELIBERATION = "deliberation"
DIAGNOSTIC = "diagnostic"
PROJET_CONVENTION = "projet_convention"
# Requirement.where of the convention's content pieces: the « Contenu de la convention » page.
CONTENU = "contenu"
PROJET = "projet"


@dataclass(frozen=True)
class DossierFacts(SignatureFacts):
    # (code, name) of the collectivités that must each bring a délibération (communes + EPCI)
    signataires: tuple = ()
    new_deadline: date | None = None
    current_deadline: date | None = None
    # the pieces the convention being written still lacks (names, in French)
    contenu_manquant: tuple = ()
    # what the projet de territoire the convention formalises still lacks (names, in French)
    projet_manquant: tuple = ()
    # An extension goes neither past the end of the programme nor past `max_deadline`
    # (the current deadline + `max_extension_months`, a setting).
    programme_end: date | None = None
    max_deadline: date | None = None
    max_extension_months: int | None = None


def deposit_requirements(step: str, facts: DossierFacts) -> list[Requirement]:
    """What the deposit of the convention of `step` ("adhesion" or "cadre") needs: for the
    cadre the diagnostic and the projet de convention, then each collectivité's délibération."""
    kinds = {kind for kind, _ in facts.documents}
    items = []
    if step == "cadre":
        items += [
            Requirement("Diagnostic du territoire", DIAGNOSTIC in kinds, (DIAGNOSTIC, "")),
            Requirement("Projet de convention-cadre", PROJET_CONVENTION in kinds, (PROJET_CONVENTION, "")),
        ]
    items += [
        Requirement(f"Délibération {de_nom(nom)}", (DELIBERATION, code) in facts.documents,
                    (DELIBERATION, code))
        for code, nom in facts.signataires
    ]
    # What the convention's content still lacks (the conventions feature says it, via the
    # facts): written on the « Contenu de la convention » page.
    items += [Requirement(piece, False, where=CONTENU) for piece in facts.contenu_manquant]
    # And what its projet de territoire lacks (the cadre formalises it): on the projet's page.
    items += [Requirement(piece, False, where=PROJET) for piece in facts.projet_manquant]
    return items


# The deposits, and the step each one deposits.
DEPOSITS = {"deposer_adhesion": "adhesion", "redeposer_adhesion": "adhesion",
            "deposer_cadre": "cadre", "redeposer_cadre": "cadre"}
REDEPOSITS = frozenset({"redeposer_adhesion", "redeposer_cadre"})


def requirements(event: str, facts: DossierFacts) -> list[Requirement]:
    """The checklist of `event` (empty for an event that needs no document)."""
    if event not in DEPOSITS:
        return []
    items = deposit_requirements(DEPOSITS[event], facts)
    if event in REDEPOSITS:
        items += changed_since_complements(facts)
    return items


def _require_documents(facts: DossierFacts, event: str) -> None:
    """The documents first, then the convention's content: one list, two messages."""
    items = requirements(event, facts)
    require_all([r for r in items if r.where not in (CONTENU, PROJET)], "déposer")
    missing = [r.label for r in items if r.where == CONTENU and not r.done]
    if missing:
        raise TransitionRefusee(
            "Le contenu de la convention n'est pas complet. Il manque\u00a0: "
            + "\u00a0; ".join(missing)
            + ". Complétez-le sur la page «\u00a0Contenu de la convention\u00a0»."
        )
    missing = [r.label for r in items if r.where == PROJET and not r.done]
    if missing:
        raise TransitionRefusee(
            "Le projet de territoire que la convention formalise n'est pas prêt. Il manque\u00a0: "
            + "\u00a0; ".join(missing)
            + ". Complétez-le sur la page «\u00a0Projet de territoire\u00a0»."
        )


def _require_change_note(facts: DossierFacts) -> None:
    require_reason(facts, "ce qui a changé depuis la demande de compléments")


def _require_new_deadline(facts: DossierFacts) -> None:
    current, end = facts.current_deadline, facts.programme_end
    if current and end and current >= end:
        raise TransitionRefusee(
            f"L'échéance actuelle ({current:%d/%m/%Y}) atteint déjà la fin du programme "
            f"({end:%d/%m/%Y})\u00a0: aucune prolongation n'est possible."
        )
    require_reason(facts, "le motif de la prolongation")
    new = facts.new_deadline
    if new is None:
        raise TransitionRefusee("Indiquez la nouvelle date limite de signature de la convention-cadre.")
    if current and new <= current:
        raise TransitionRefusee(
            "La nouvelle date limite doit être postérieure à l'échéance actuelle "
            f"({current:%d/%m/%Y})."
        )
    if end and new > end:
        raise TransitionRefusee(
            f"La nouvelle date limite ne peut pas dépasser la fin du programme ({end:%d/%m/%Y})."
        )
    if facts.max_deadline and new > facts.max_deadline:
        raise TransitionRefusee(
            f"Une prolongation ne peut pas dépasser {facts.max_extension_months} mois après l'échéance "
            f"actuelle\u00a0: la nouvelle date limite est au plus tard le {facts.max_deadline:%d/%m/%Y}."
        )


def _deposit(label: str, event: str) -> EventRule:
    checks = (partial(_require_documents, event=event),)
    if event in REDEPOSITS:  # what changed is said, and kept in the history row
        return EventRule(label, PORTEURS, checks + (_require_change_note,), REASON)
    return EventRule(label, PORTEURS, checks)


EVENTS = {
    "demarrer_adhesion": EventRule("Commencer la convention d'adhésion", PORTEURS),
    "deposer_adhesion": _deposit("Déposer la convention d'adhésion", "deposer_adhesion"),
    "demander_complements_adhesion": EventRule("Demander des compléments", PREFECTURE, (require_reason,), REASON),
    "redeposer_adhesion": _deposit("Déposer à nouveau la convention d'adhésion", "redeposer_adhesion"),
    "valider_adhesion": EventRule("Valider la convention d'adhésion", PREFECTURE),
    "signer_adhesion": EventRule("Enregistrer la signature de la convention d'adhésion", PREFECTURE,
                                 (require_signature,), SIGNATURE),
    "demarrer_cadre": EventRule("Commencer la convention-cadre", PORTEURS),
    "deposer_cadre": _deposit("Déposer la convention-cadre", "deposer_cadre"),
    "demander_complements_cadre": EventRule("Demander des compléments", PREFECTURE, (require_reason,), REASON),
    "redeposer_cadre": _deposit("Déposer à nouveau la convention-cadre", "redeposer_cadre"),
    "valider_cadre": EventRule("Valider la convention-cadre", PREFECTURE),
    "signer_cadre": EventRule("Enregistrer la signature de la convention-cadre", PREFECTURE,
                              (require_signature,), SIGNATURE),
    "prolonger_delai": EventRule("Prolonger le délai de 18 mois", PREFECTURE, (_require_new_deadline,),
                                 ("reason", "new_deadline")),
    "declarer_sortie": EventRule("Déclarer la sortie du programme", PREFECTURE, (require_reason,), REASON),
    "cloturer": EventRule("Clôturer le dossier", PREFECTURE),
}
# The facts that cost a query to gather (the others are the dossier's own columns, settings or
# what the user typed), and those each event's guards read: firing an event gathers only its
# own (a validation reads no document); the pages, which check every action, gather them all.
# tests/workflows/test_dossier_reads.py checks that no guard reads a fact not listed here.
COSTLY_FACTS = frozenset({"documents", "signed_document", "last_upload_at", "complements_requested_at",
                          "signataires", "contenu_manquant", "projet_manquant"})
_DEPOSIT_READS = frozenset({"documents", "signataires", "contenu_manquant", "projet_manquant"})
READS = {
    **{event: _DEPOSIT_READS for event in DEPOSITS},
    **{event: _DEPOSIT_READS | {"last_upload_at", "complements_requested_at"} for event in REDEPOSITS},
    "signer_adhesion": frozenset({"documents", "signed_document"}),
    "signer_cadre": frozenset({"documents", "signed_document"}),
}


def reads(event: str | None) -> frozenset:
    """The costly facts the guards of `event` read; every one of them for None (a page)."""
    return COSTLY_FACTS if event is None else READS.get(event, frozenset())


# Events that commit nobody (a draft begins): fired by a plain button, without a confirmation page.
IMMEDIATE = frozenset({"demarrer_adhesion", "demarrer_cadre"})

# Events that cannot be undone: the page asks for a confirmation first.
IRREVERSIBLE = frozenset({"signer_adhesion", "signer_cadre", "declarer_sortie", "cloturer"})


def check(event: str, facts: DossierFacts) -> None:
    """Raise TransitionRefusee if `facts` may not fire `event` (state aside)."""
    check_event(EVENTS, event, facts)


def _event(transitions, event_id: str) -> Event:
    return Event(transitions, name=EVENTS[event_id].label)


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

    demarrer_adhesion = _event(labellise.to(adhesion_redaction, validators="guard"), "demarrer_adhesion")
    deposer_adhesion = _event(adhesion_redaction.to(adhesion_deposee, validators="guard"), "deposer_adhesion")
    demander_complements_adhesion = _event(
        adhesion_deposee.to(adhesion_a_completer, validators="guard"), "demander_complements_adhesion")
    redeposer_adhesion = _event(
        adhesion_a_completer.to(adhesion_deposee, validators="guard"), "redeposer_adhesion")
    valider_adhesion = _event(adhesion_deposee.to(adhesion_validee, validators="guard"), "valider_adhesion")
    signer_adhesion = _event(adhesion_validee.to(adhesion_signee, validators="guard"), "signer_adhesion")
    demarrer_cadre = _event(adhesion_signee.to(cadre_redaction, validators="guard"), "demarrer_cadre")
    deposer_cadre = _event(cadre_redaction.to(cadre_deposee, validators="guard"), "deposer_cadre")
    demander_complements_cadre = _event(
        cadre_deposee.to(cadre_a_completer, validators="guard"), "demander_complements_cadre")
    redeposer_cadre = _event(cadre_a_completer.to(cadre_deposee, validators="guard"), "redeposer_cadre")
    valider_cadre = _event(cadre_deposee.to(cadre_validee, validators="guard"), "valider_cadre")
    signer_cadre = _event(cadre_validee.to(mise_en_oeuvre, validators="guard"), "signer_cadre")
    # The 18-month deadline runs from the adhésion's signature to the cadre's.
    prolonger_delai = _event(
        adhesion_signee.to.itself(validators="guard")
        | cadre_redaction.to.itself(validators="guard")
        | cadre_deposee.to.itself(validators="guard")
        | cadre_a_completer.to.itself(validators="guard")
        | cadre_validee.to.itself(validators="guard"),
        "prolonger_delai",
    )
    declarer_sortie = _event(
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
        | mise_en_oeuvre.to(sorti, validators="guard"),
        "declarer_sortie",
    )
    cloturer = _event(mise_en_oeuvre.to(cloture, validators="guard"), "cloturer")

    def guard(self, event: str, facts: DossierFacts):
        check(event, facts)
