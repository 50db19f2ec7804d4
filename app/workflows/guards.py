"""What a machine knows about an action (its facts), and how a refusal is said.

The machines stay free of HTTP and of the database: the feature that fires an event gathers
plain facts (the actor's roles on the subject, the documents present, today's date) into a
`Facts` of that machine, and the validators read only that.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from app.core.formatting import to_paris


class TransitionRefusee(Exception):
    """A guard refused the event; the message is French and shown to the user."""


@dataclass(frozen=True)
class Facts:
    """What every machine knows: who acts (their roles on this subject), when, and why."""

    roles: frozenset  # app.auth.roles.Role
    today: date
    reason: str = ""


@dataclass(frozen=True)
class SignatureFacts(Facts):
    """Facts of a machine whose subject is deposited, instructed and signed with documents."""

    # (type, collectivité code or "") of the documents present for the current step
    documents: frozenset = field(default_factory=frozenset)
    signature_date: date | None = None
    signed_document: bool = False
    submitted_on: date | None = None
    # Sent back "à compléter": when the préfecture asked (its history row), and the latest
    # upload of a document of the step by a person (generated files aside), both naive UTC.
    complements_requested_at: datetime | None = None
    last_upload_at: datetime | None = None


@dataclass(frozen=True)
class Requirement:
    """One thing an event needs before it may fire: the page lists it, ticked or not, and the
    guard refuses while one is not done — the same list for both.

    `document`: the (type, collectivité code or "") of the document that meets it, when it is
    one (the page links to the upload form, pre-filled); `where`: otherwise, a word the feature
    turns into a link ("documents": the documents of the step). Content requirements (the
    signataires, the dates of the délibérations…) add items of their own the same way.
    """

    label: str
    done: bool
    document: tuple[str, str] | None = None
    where: str | None = None


def require_all(requirements, action: str) -> None:
    """Refuse while a requirement is not met, naming each one."""
    missing = "\u00a0; ".join(r.label for r in requirements if not r.done)
    if missing:
        raise TransitionRefusee(f"Avant de {action}, il manque\u00a0: {missing}.")


def changed_since_complements(facts: SignatureFacts) -> list[Requirement]:
    """Once sent back for compléments: at least one document added or replaced since then."""
    asked = facts.complements_requested_at
    if asked is None:
        return []
    done = facts.last_upload_at is not None and facts.last_upload_at > asked
    return [Requirement(
        "Au moins un document ajouté ou remplacé depuis la demande de compléments du "
        f"{to_paris(asked):%d/%m/%Y}", done, where="documents",
    )]


def require_roles(facts: Facts, allowed, event_label: str) -> None:
    if facts.roles.isdisjoint(allowed):
        names = ", ".join(sorted(r.label for r in allowed))
        raise TransitionRefusee(f"«\u00a0{event_label}\u00a0» est réservé aux rôles suivants\u00a0: {names}.")


def require_reason(facts: Facts, what: str = "un motif") -> None:
    if not (facts.reason or "").strip():
        raise TransitionRefusee(f"Indiquez {what}\u00a0: il sera conservé dans l'historique du dossier.")


def require_signature(facts: SignatureFacts, document: str = "la convention signée") -> None:
    if facts.signature_date is None:
        raise TransitionRefusee("Indiquez la date de signature.")
    if facts.signature_date > facts.today:
        raise TransitionRefusee("La date de signature ne peut pas être dans le futur.")
    if facts.submitted_on and facts.signature_date < facts.submitted_on:
        raise TransitionRefusee(
            "La date de signature ne peut pas précéder le dépôt "
            f"({facts.submitted_on:%d/%m/%Y})."
        )
    if not facts.signed_document:
        raise TransitionRefusee(f"Joignez {document} (PDF) avant d'enregistrer la signature.")


@dataclass(frozen=True)
class EventRule:
    """An event of a machine: its label (buttons, history), the roles allowed, extra checks,
    and what the user types for it (the action page shows these fields)."""

    label: str
    roles: frozenset
    checks: tuple = ()
    fields: tuple = ()


def check_event(events: dict, event: str, facts: Facts) -> None:
    """Raise TransitionRefusee if `facts` may not fire `event` of a machine (state aside)."""
    rule = events[event]
    require_roles(facts, rule.roles, rule.label)
    for check in rule.checks:
        check(facts)


def acting_role(roles, allowed):
    """The role an actor holding several acts in (recorded in the history): a stable choice."""
    return min((r for r in roles if r in allowed), key=lambda r: r.value, default=None)
