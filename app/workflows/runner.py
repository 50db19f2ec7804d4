"""One runner for every machine: facts, guards, event, flush, history row, signals.

A feature describes its machine once (`Machine`: the state machine class, its events, how
to gather facts about a subject and what the step writes on it) and every transition, from
a view, a command or the demo, goes through `fire`. It flushes at once, so that a subject
changed meanwhile by someone else is a ConflictError here, and not a StaleDataError escaping
later from an autoflush (while a PDF renders, say). It never commits.
"""
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from statemachine.exceptions import TransitionNotAllowed

from app.core.db import db
from app.core.errors import CONFLICT, ConflictError, DomainError, is_concurrency_failure
from app.core.formatting import today_in_paris
from app.core.signals import transition_applied, transition_recorded
from app.workflows import history
from app.workflows.guards import Facts, TransitionRefusee, acting_role, check_event

__all__ = ["CONFLICT", "Choice", "Machine", "Step", "available_actions", "fire"]


@dataclass(frozen=True)
class Step:
    """What a transition wrote on its subject: its business date and the rest, for the history."""

    effective_on: date | None = None
    payload: dict | None = None


@dataclass(frozen=True)
class Machine:
    """A workflow as the runner sees it; built once per feature (dossiers, avenants…)."""

    name: str  # stored in history.machine
    subject_type: str  # stored in history.subject_type
    workflow: type  # a python-statemachine StateMachine
    events: dict  # event -> guards.EventRule
    irreversible: frozenset
    # (subject, user) -> the roles the user holds on this subject
    roles_of: Callable[[Any, Any], frozenset]
    # (subject, roles, today, event, **typed data) -> the machine's Facts. `event`: the one being
    # fired, so that a machine may gather only what that event's guards read; None for the
    # pages, which check every action at once and need every fact.
    facts: Callable[..., Facts]
    # (subject, event, facts) -> Step: the dates the step writes on its subject
    apply: Callable[[Any, str, Facts], Step]
    # subject -> the id of the dossier whose chain records its history
    dossier_id: Callable[[Any], int]
    # (subject, event label) -> the label of the history row
    history_label: Callable[[Any, str], str] = lambda subject, label: label
    state_field: str = "etat"
    subject_phrase: str = "le dossier"  # "quand le dossier est à l'étape …"
    # Events that commit nobody (a draft begins): a plain button; every other one goes
    # through the confirmation page.
    immediate: frozenset = frozenset()
    # (event, facts) -> the guards.Requirement list the event's guard checks, for the pages
    requirements: Callable[[str, Facts], list] = lambda event, facts: []

    def state_of(self, subject):
        return getattr(subject, self.state_field)

    def build(self, subject):
        return self.workflow(model=subject, state_field=self.state_field)

    def can_fire(self, subject, event: str, user, roles: frozenset | None = None) -> bool:
        """Whether the user holds a role this event is reserved to (state and guards aside)."""
        if event not in self.events:
            return False
        roles = self.roles_of(subject, user) if roles is None else roles
        return not roles.isdisjoint(self.events[event].roles)


def fire(subject, machine: Machine, event: str, user, *, expected_version: int | None = None,
         today: date | None = None, at: datetime | None = None, workflow=None,
         **data) -> history.HistoryEntry:
    """Fire `event` on `subject` as `user`; raise DomainError (ConflictError) with the reason.

    `user=None` records a step no person took (an import, the demo): the guards then see the
    roles the event is reserved to, and the history says "reprise de données", with no role.
    `workflow`: the machine already built around this very subject (`machine.build(subject)`),
    for a caller that fires many events in a row (the demo); it reads the state from the
    subject at each event, so it is the same machine, built once.
    """
    if workflow is not None and workflow.model is not subject:
        raise ValueError("Cette machine est construite autour d'un autre sujet.")
    if event not in machine.events:
        raise DomainError("Cette action n'existe pas.")
    if expected_version is not None and subject.version != expected_version:
        raise ConflictError(CONFLICT)
    rule = machine.events[event]
    roles = machine.roles_of(subject, user) if user is not None else frozenset(rule.roles)
    facts = machine.facts(subject, roles=roles, today=today or today_in_paris(), event=event, **data)
    before = machine.state_of(subject)
    try:
        (workflow if workflow is not None else machine.build(subject)).send(event, facts=facts)
    except TransitionNotAllowed:
        raise DomainError(
            f"«\u00a0{rule.label}\u00a0» n'est pas possible quand {machine.subject_phrase} est à l'étape "
            f"«\u00a0{before.label}\u00a0»."
        ) from None
    except TransitionRefusee as refusal:
        raise DomainError(str(refusal)) from None
    # What the step reads (the versions a deposit submits) must not flush the new state early:
    # a subject changed meanwhile is told below, as a conflict, not by a query's autoflush.
    with db.session.no_autoflush:
        step = machine.apply(subject, event, facts)
    with _conflicts_told():
        db.session.flush()  # the subject's version check, now
    entry_data = {"payload": dict(step.payload or {})}
    transition_applied.send(machine.name, subject=subject, event=event, user=user,
                            entry_data=entry_data)
    with _conflicts_told():
        entry = history.append(
            dossier_id=machine.dossier_id(subject), subject_type=machine.subject_type,
            subject_id=subject.id, machine=machine.name, event=event,
            label=machine.history_label(subject, rule.label), from_state=before,
            to_state=machine.state_of(subject), user=user, role=acting_role(roles, rule.roles),
            reason=facts.reason, effective_on=step.effective_on, payload=entry_data["payload"], at=at,
        )
    transition_recorded.send(machine.name, subject=subject, event=event, user=user, entry=entry)
    return entry


@contextmanager
def _conflicts_told():
    """Another transaction changed the subject (its version) or holds its lock: the user is told."""
    try:
        yield
    except StaleDataError:
        raise ConflictError(CONFLICT) from None
    except DBAPIError as error:
        if is_concurrency_failure(error):
            raise ConflictError(CONFLICT) from None
        raise


@dataclass
class Choice:
    """An action offered on a subject's page: enabled, or refused with its reason."""

    event: str
    label: str
    refused: str | None
    irreversible: bool
    fields: tuple
    confirm: bool = True  # through the confirmation page (else a plain button)


def available_actions(subject, machine: Machine, user, *, today: date | None = None,
                      roles: frozenset | None = None) -> list[Choice]:
    """The events the user could fire now, each checked against the guards.

    Events of roles the user does not hold on the subject are not offered at all; the others
    are offered, disabled with the reason when a guard refuses (a missing délibération, say).
    What the user has yet to type (a motif, a date, the signed file) is not checked here.
    """
    roles = machine.roles_of(subject, user) if roles is None else roles
    if not roles:
        return []
    facts = machine.facts(subject, roles=roles, today=today or today_in_paris())
    choices = []
    for event in machine.build(subject).allowed_events:
        rule = machine.events[event.id]
        if roles.isdisjoint(rule.roles):
            continue
        refused = None
        try:
            check_event(machine.events, event.id, _with_placeholders(facts, rule.fields))
        except TransitionRefusee as refusal:
            refused = str(refusal)
        choices.append(Choice(event.id, rule.label, refused, event.id in machine.irreversible, rule.fields,
                              confirm=event.id not in machine.immediate))
    return choices


def _with_placeholders(facts: Facts, typed: tuple) -> Facts:
    """Fill what the form will ask for, so that only the other guards are evaluated."""
    filled = {}
    if "reason" in typed:
        filled["reason"] = "…"
    if "signature_date" in typed:
        filled.update(signature_date=facts.today, submitted_on=None)
    if "signed_file" in typed:
        filled["signed_document"] = True
    if "new_deadline" in typed:
        # The day after the current deadline: the nearest date an extension may set, so that
        # an extension no date could satisfy (the deadline at the programme's end) is refused.
        current = getattr(facts, "current_deadline", None) or facts.today
        filled["new_deadline"] = current + timedelta(days=1)
    known = {f.name for f in fields(facts)}
    return replace(facts, **{name: value for name, value in filled.items() if name in known})
