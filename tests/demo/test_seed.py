"""Demo data: refused outside demo mode, accounts idempotent, a lifecycle that is consistent
and calibrated on the programme's figures."""
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.conventions import contenu as contenus
from app.core.db import db
from app.core.errors import DomainError
from app.demo import services
from app.demo.lifecycle import seed_lifecycle
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from app.dossiers.models import Dossier, DossierEtat as E
from tests import factories

TODAY = date(2026, 11, 22)


def test_demo_accounts_need_demo_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    with pytest.raises(DomainError, match="mode démonstration n'est pas activé"):
        services.seed_accounts()


def test_demo_command_refuses_outside_demo_mode(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "DEMO_MODE=1" in result.output


def test_demo_accounts_one_per_role_and_idempotent(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    dep = factories.departement(code=services.DEMO_DEPARTEMENT, region_obj=factories.region(code=services.DEMO_REGION))
    epci = factories.epci(siren=services.DEMO_EPCI)
    factories.dossier([factories.commune(dep, epci, insee=services.DEMO_COMMUNE)], reference=services.DEMO_DOSSIER)
    first = services.seed_accounts()
    second = services.seed_accounts()
    assert [action for _, action in first] == ["créé"] * 7
    assert [action for _, action in second] == ["mis à jour"] * 7
    users = db.session.scalars(select(User).where(User.email.like("%@jalons.example"))).all()
    assert len(users) == 7 and all(u.demo and len(u.active_grants) == 1 for u in users)
    assert {g.role for u in users for g in u.active_grants} == {a.role for a, _ in first}


@pytest.fixture
def many_dossiers():
    dep = factories.departement()
    epci = factories.epci()
    return [factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 2)]) for n in range(300)]


def test_lifecycle_is_consistent_and_calibrated(many_dossiers):
    used = seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=7)
    ids = [d.id for d in many_dossiers]
    states = Counter(db.session.scalars(select(Dossier.etat).where(Dossier.id.in_(ids))))
    signed_cadre = states[E.MISE_EN_OEUVRE]
    assert sum(used.values()) == 300
    assert 0.80 <= signed_cadre / 300 <= 0.95, states            # ~90 % of conventions-cadres signed
    assert states[E.LABELLISE] == 0
    adhesion_open = states[E.ADHESION_DEPOSEE] + states[E.ADHESION_A_COMPLETER]
    assert adhesion_open <= 3                                      # ~99.9 % adhésions signed
    assert states[E.SORTI] >= 1 or used["sorti"] == 0
    dossiers = db.session.scalars(select(Dossier).where(Dossier.id.in_(ids))).all()
    for d in dossiers:
        if d.adhesion_signee_le:
            assert date(2021, 1, 1) <= d.adhesion_signee_le <= TODAY
            assert d.adhesion_deposee_le <= d.adhesion_signee_le
        if d.cadre_signee_le:
            assert d.adhesion_signee_le < d.cadre_deposee_le <= d.cadre_signee_le <= TODAY
    late = [d for d in dossiers if d.cadre_signee_le and d.cadre_signee_le > d.echeance_cadre]
    extended = [d for d in dossiers if d.echeance_prorogee_le]
    assert late and extended and len(late) < signed_cadre / 4        # most signed in time
    assert list(verify_chains()) == []
    # Every convention deposited reads like a real one: nothing left to complete.
    for d in dossiers[:40]:
        assert contenus.read(d, "adhesion").missing == []
        if d.cadre_deposee_le:
            cadre = contenus.read(d, "cadre")
            assert cadre.missing == [] and cadre.partenaires
    max_at = db.session.scalar(select(func.max(HistoryEntry.at)).where(HistoryEntry.dossier_id.in_(ids)))
    assert max_at.date() <= TODAY
