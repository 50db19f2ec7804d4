"""The runner with a machine built once for many events (the demo's walk)."""
from datetime import date

import pytest

from app.core.errors import DomainError
from app.dossiers import lifecycle
from app.dossiers.models import DossierEtat as E
from tests import factories

TODAY = date(2026, 11, 22)


def test_a_machine_built_once_fires_event_after_event_with_the_same_guards():
    dossier = factories.dossier()
    workflow = lifecycle.MACHINE.build(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", None, today=TODAY, workflow=workflow)
    with pytest.raises(DomainError, match="il manque\u00a0: Délibération"):
        lifecycle.fire(dossier, "deposer_adhesion", None, today=TODAY, workflow=workflow)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "deposer_adhesion", None, today=TODAY, workflow=workflow)
    assert dossier.etat == E.ADHESION_DEPOSEE
    with pytest.raises(DomainError, match="n'est pas possible"):  # it reads the state each time
        lifecycle.fire(dossier, "demarrer_adhesion", None, today=TODAY, workflow=workflow)


def test_a_machine_built_around_another_subject_is_refused():
    dossier, other = factories.dossier(), factories.dossier()
    with pytest.raises(ValueError):
        lifecycle.fire(dossier, "demarrer_adhesion", None, today=TODAY,
                       workflow=lifecycle.MACHINE.build(other))
    assert dossier.etat == E.LABELLISE
