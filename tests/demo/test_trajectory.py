"""The demo's trajectory: weights that sum to what they say, a curve that agrees with them, and
plans that reproduce the programme's published figures and keep the 18-month rule."""
import random
from datetime import date, timedelta

import pytest

from app.demo import trajectory as t
from app.demo.lifecycle import ADHESION_STAGE, FORCED
from app.dossiers.echeance import add_months

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def plans():
    rng = random.Random(11)
    return [t.plan(rng, TODAY) for _ in range(5000)]


def share(plans, condition):
    return sum(1 for p in plans if condition(p)) / len(plans)


def test_weights_are_per_thousand_and_the_cadre_curve_ends_on_the_signed_share():
    assert sum(t.SCENARIOS.values()) == 1000
    assert sum(t.AVENANT_STATES.values()) == 100
    assert t.CADRE_CURVE[-1][1] == pytest.approx(sum(t.SCENARIOS[s] for s in t.SIGNED) / 1000)
    for curve in (t.ADHESION_CURVE, t.CADRE_CURVE):
        assert [d for d, _ in curve] == sorted(d for d, _ in curve)
        assert [s for _, s in curve] == sorted(s for _, s in curve)


def test_date_at_inverts_share_at():
    for share_ in (0.05, 0.23, 0.5, 0.9):
        day = t.date_at(t.CADRE_CURVE, share_)
        assert t.share_at(t.CADRE_CURVE, day) == pytest.approx(share_, abs=0.002)
    assert t.share_at(t.CADRE_CURVE, date(2023, 1, 31)) == 0.23


def test_plans_follow_the_published_cadre_trajectory(plans):
    signed_by = lambda day: share(plans, lambda p: p.cadre_signed and p.cadre_signed <= day)  # noqa: E731
    assert 0.18 <= signed_by(date(2023, 1, 31)) <= 0.28   # 365 communes, ≈ 23 % (01/2023)
    assert 0.85 <= signed_by(date(2024, 12, 31)) <= 0.95  # 90 % (12/2024)
    assert signed_by(date(2021, 6, 30)) == 0


def test_adhesions_are_signed_mostly_in_2021_and_2022(plans):
    assert share(plans, lambda p: p.adhesion_signed is not None) == 1
    in_2021_2022 = share(plans, lambda p: date(2021, 1, 1) <= p.adhesion_signed <= date(2022, 12, 31))
    assert in_2021_2022 >= 0.95
    # the adhésion stage of the full demo: the préfecture's five dossiers out of 1,459
    open_adhesions = sum(1 for s in FORCED.values() if s in ADHESION_STAGE or s == "labellise")
    assert 1 - open_adhesions / 1459 >= 0.995


def test_plans_keep_the_18_month_rule_consistent(plans):
    signed = [p for p in plans if p.cadre_signed]
    late, extended = [], []
    for p in signed:
        deadline = add_months(p.adhesion_signed, 18)
        assert add_months(p.adhesion_signed, t.MIN_MONTHS_TO_CADRE) <= p.cadre_signed <= TODAY
        assert p.extensions == sorted(set(p.extensions)) and all(e > deadline for e in p.extensions)
        if p.extensions:
            assert p.cadre_signed > deadline and p.extensions[-1] >= p.cadre_signed  # signed in time, extended
            extended.append(p)
        elif p.cadre_signed > deadline:
            late.append(p)
    assert late and extended
    assert len(late) < len(signed) / 4  # most signed within their deadline, extended or not
    still_open = [p for p in plans if p.scenario == "cadre_en_redaction_prolonge"]
    assert still_open and all(p.extensions[-1] > TODAY for p in still_open)


def test_some_signed_dossiers_have_avenants_most_of_them_signed(plans):
    avenants = [a for p in plans for a in p.avenants]
    with_avenants = share(plans, lambda p: p.avenants)
    assert 0.08 <= with_avenants <= 0.2
    assert all(p.scenario == "cadre_signe" for p in plans if p.avenants)
    assert 0.6 <= sum(1 for a in avenants if a == t.A.SIGNE) / len(avenants) <= 0.85
    assert set(avenants) == set(t.A)


def test_a_late_adhesion_is_recent():
    p = t.plan(random.Random(3), TODAY, "adhesion_signee")
    assert TODAY - timedelta(days=300) <= p.adhesion_signed < TODAY and p.cadre_signed is None
