"""What a workflow needs to know about an action, and how a refusal is said.

The machines stay free of HTTP and of the database: the service that fires an event
gathers the facts (the actor's roles on this dossier, the documents present, today's
date) into an `Action`, and the machine's validators read only that.
"""
from dataclasses import dataclass, field
from datetime import date


class TransitionRefusee(Exception):
    """A guard refused the event; the message is French and shown to the user."""


@dataclass
class Action:
    roles: frozenset  # the actor's roles on this very dossier (app.auth.roles.Role)
    today: date
    reason: str = ""
    signature_date: date | None = None
    new_deadline: date | None = None
    # (type, collectivité code or "") of the documents present for the current step
    documents: frozenset = field(default_factory=frozenset)
    # codes of the collectivités that must each bring a délibération (communes + EPCI)
    signataires: tuple = ()
    signed_document: bool = False
    submitted_on: date | None = None
    current_deadline: date | None = None


def require_roles(action: Action, allowed, event_label: str) -> None:
    if action.roles.isdisjoint(allowed):
        names = ", ".join(sorted(r.label for r in allowed))
        raise TransitionRefusee(f"« {event_label} » est réservé aux rôles suivants : {names}.")


def require_reason(action: Action, what: str = "un motif") -> None:
    if not (action.reason or "").strip():
        raise TransitionRefusee(f"Indiquez {what} : il sera conservé dans l'historique du dossier.")


def require_signature(action: Action) -> None:
    if action.signature_date is None:
        raise TransitionRefusee("Indiquez la date de signature.")
    if action.signature_date > action.today:
        raise TransitionRefusee("La date de signature ne peut pas être dans le futur.")
    if action.submitted_on and action.signature_date < action.submitted_on:
        raise TransitionRefusee(
            "La date de signature ne peut pas précéder le dépôt de la convention "
            f"({action.submitted_on:%d/%m/%Y})."
        )
    if not action.signed_document:
        raise TransitionRefusee("Joignez la convention signée (PDF) avant d'enregistrer la signature.")


def check_event(events: dict, event: str, action: Action) -> None:
    """Raise TransitionRefusee if `action` may not fire `event` of a machine (state aside).

    `events` maps each event to (label, roles allowed, extra checks).
    """
    label, roles, checks = events[event]
    require_roles(action, roles, label)
    for rule in checks:
        rule(action)


def acting_role(roles, allowed):
    """The role an actor holding several acts in (recorded in the history): a stable choice."""
    return min((r for r in roles if r in allowed), key=lambda r: r.value, default=None)
