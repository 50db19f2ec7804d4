"""Firing an event gathers only the costly facts its guards read (`workflows.dossier.reads`).

If a guard read a fact its event does not list, the runner would hand it a default (no
document, nothing missing) and the guard would decide on that. So: for every event, whatever
the unlisted facts say, the guard decides the same.
"""
from dataclasses import fields, replace
from datetime import date, datetime
from itertools import product

import pytest

from app.auth.roles import Role
from app.workflows.dossier import COSTLY_FACTS, EVENTS, DossierFacts, check, reads
from app.workflows.guards import TransitionRefusee

TODAY = date(2026, 11, 22)
EVERY_DOCUMENT = frozenset({("diagnostic", ""), ("projet_convention", ""), ("deliberation", "17197"),
                            ("convention_signee", "")})
# Two values of each costly fact: one that lets a guard pass, one that stops it.
VALUES = {
    "documents": (EVERY_DOCUMENT, frozenset()),
    "signed_document": (True, False),
    "last_upload_at": (datetime(2026, 11, 20, 9), None),
    "complements_requested_at": (None, datetime(2026, 11, 21, 9)),
    "signataires": ((), (("17197", "Jonzac"),)),
    "contenu_manquant": ((), ("Signataire de la commune de Jonzac",)),
    "projet_manquant": ((), ("Une fiche action validée",)),
}
ROLES = frozenset(Role)


def outcome(event, facts):
    try:
        check(event, facts)
    except TransitionRefusee as refusal:
        return str(refusal)
    return None


def every_facts():
    """Facts with each combination of the costly values, and the typed data filled."""
    names = sorted(VALUES)
    for combination in product(*(VALUES[name] for name in names)):
        yield DossierFacts(
            roles=ROLES, today=TODAY, reason="Motif", signature_date=TODAY, new_deadline=date(2026, 12, 1),
            current_deadline=date(2026, 6, 1), programme_end=date(2026, 12, 31), max_deadline=date(2027, 6, 1),
            max_extension_months=12, **dict(zip(names, combination)),
        )


def test_the_costly_facts_are_fields_of_the_facts():
    assert COSTLY_FACTS <= {f.name for f in fields(DossierFacts)} and set(VALUES) == COSTLY_FACTS
    assert reads(None) == COSTLY_FACTS
    assert all(reads(event) <= COSTLY_FACTS for event in EVENTS)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_an_event_decides_the_same_whatever_the_facts_it_does_not_read(event):
    unread = sorted(COSTLY_FACTS - reads(event))
    decisions = set()
    for facts in every_facts():
        told = {outcome(event, replace(facts, **dict(zip(unread, values))))
                for values in product(*(VALUES[name] for name in unread))}
        assert len(told) == 1, f"{event} lit un fait qu'il ne déclare pas : {told}"
        decisions |= told
    if reads(event):  # and what it does read matters: the test would see a wrong list
        assert len(decisions) > 1
