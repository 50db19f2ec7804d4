"""When the demo's dossiers reach each step: the programme's published trajectory, as data.

Pure (no database): `plan(rng, today)` draws what happens to one dossier and on which days;
`app/demo/walker.py` then fires those events through the real lifecycle.

The figures (DOMAIN.md, shared/seeds/000_ and 001_, the newsletter of 12/2024):

- adhésions: 96 % of communes signed by early 2022, 99.9 % by 01/2023 (`ADHESION_CURVE`);
- conventions-cadres: 365 communes (≈ 23 %) signed by 31/01/2023, 119 more conventions in
  2024 bringing the total to 90 % by 12/2024 (`CADRE_CURVE`). The curve is the share of all
  dossiers with a signed cadre at each date; its last value is the share of the scenarios
  that end signed (`SIGNED`), which a test checks, so that the curve and the weights agree.

`SCENARIOS` gives the weight of each fate, per thousand dossiers (they sum to 1,000):

- cadre_signe 928: the convention-cadre is signed (mise en œuvre), on a date drawn from
  `CADRE_CURVE`. Signed within 18 months of the adhésion, or after it: then, three times
  out of four, the préfecture had extended the deadline before it passed (`EXTENSION_SHARE`),
  otherwise the signature is late ("signée hors délai");
- cloture 7: signed early (before 2024), then closed in the programme's last months;
- cadre_en_redaction_prolonge 25, cadre_en_redaction_depasse 10: still writing it, with an
  extension running into the months ahead, or past the deadline without one;
- cadre_depose 8, cadre_a_completer 6, cadre_valide 4: in instruction now (deposited in the
  last weeks), their deadline extended;
- adhesion_signee 2: a late adhésion, signed in the past months, the cadre not started;
- sorti 10: the dossier left the programme, a while after its adhésion.

The adhésion stage itself (labellisé, en rédaction, déposée, à compléter, validée) is shown by
the dossiers of the demo préfecture (`app/demo/lifecycle.FORCED`), five of 1,459 (99.66 %
signed, within the published 99.9 %).

About one signed dossier in seven (`AVENANT_SHARE`) has had one or two avenants since, most
signed (`AVENANT_STATES`, per hundred).
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import has_app_context

from app.config import Defaults
from app.dossiers.echeance import add_months, extension_max_months, programme_end
from app.workflows.states import AvenantEtat as A

# (date, share of the dossiers whose convention d'adhésion is signed by then)
ADHESION_CURVE = (
    (date(2021, 1, 4), 0.0),
    (date(2021, 3, 31), 0.20),
    (date(2021, 6, 30), 0.60),
    (date(2021, 9, 30), 0.82),
    (date(2021, 12, 31), 0.93),
    (date(2022, 3, 31), 0.96),
    (date(2022, 12, 31), 0.995),
    (date(2023, 6, 30), 1.0),
)
# (date, share of all the dossiers whose convention-cadre is signed by then)
CADRE_CURVE = (
    (date(2021, 10, 1), 0.0),
    (date(2021, 12, 31), 0.02),
    (date(2022, 6, 30), 0.08),
    (date(2022, 12, 31), 0.20),
    (date(2023, 1, 31), 0.23),
    (date(2023, 6, 30), 0.50),
    (date(2023, 12, 31), 0.78),
    (date(2024, 12, 31), 0.90),
    (date(2025, 12, 31), 0.935),
)

# scenario -> weight, per thousand dossiers (sum: 1,000)
SCENARIOS = {
    "cadre_signe": 928,
    "cloture": 7,
    "cadre_en_redaction_prolonge": 25,
    "cadre_en_redaction_depasse": 10,
    "cadre_depose": 8,
    "cadre_a_completer": 6,
    "cadre_valide": 4,
    "adhesion_signee": 2,
    "sorti": 10,
}
SIGNED = ("cadre_signe", "cloture")  # the scenarios whose cadre is signed: CADRE_CURVE's end
IN_INSTRUCTION = ("cadre_depose", "cadre_a_completer", "cadre_valide")
EXTENSION_SHARE = 0.75
# Drafting a projet de territoire takes time: a cadre is signed this long after the adhésion, at least.
MIN_MONTHS_TO_CADRE = 8
AVENANT_SHARE = 0.15
# state of an avenant -> weight, per hundred avenants
AVENANT_STATES = {A.SIGNE: 70, A.REDACTION: 12, A.DEPOSE: 10, A.A_COMPLETER: 8}


def share_at(curve, day: date) -> float:
    """The curve's value on `day`, linear between its points (constant outside)."""
    if day <= curve[0][0]:
        return curve[0][1]
    for (d0, s0), (d1, s1) in zip(curve, curve[1:]):
        if day <= d1:
            return s0 + (s1 - s0) * (day - d0).days / (d1 - d0).days
    return curve[-1][1]


def date_at(curve, share: float) -> date:
    """The first day the curve reaches `share` (its inverse): draw a uniform share, get a date."""
    for (d0, s0), (d1, s1) in zip(curve, curve[1:]):
        if share <= s1 and s1 > s0:
            return d0 + timedelta(days=round((d1 - d0).days * max(share - s0, 0) / (s1 - s0)))
    return curve[-1][0]


@dataclass
class Plan:
    """What happens to one dossier: its fate and the days that fix the rest."""

    scenario: str
    adhesion_signed: date | None = None
    cadre_signed: date | None = None
    # the deadlines the préfecture granted, in order (each one later than the previous)
    extensions: list[date] = field(default_factory=list)
    avenants: list[A] = field(default_factory=list)


def pick(rng: random.Random) -> str:
    return rng.choices(list(SCENARIOS), weights=list(SCENARIOS.values()))[0]


def plan(rng: random.Random, today: date, scenario: str | None = None,
         avenants: tuple | None = None) -> Plan:
    scenario = scenario or pick(rng)
    result = Plan(scenario)
    if scenario == "adhesion_signee":
        result.adhesion_signed = today - timedelta(days=rng.randint(30, 300))
        return result
    if scenario in SIGNED:
        top = CADRE_CURVE[-1][1] if scenario == "cadre_signe" else share_at(CADRE_CURVE, date(2023, 12, 31))
        signed = min(date_at(CADRE_CURVE, rng.uniform(0, top)), today - timedelta(days=30))
        # the adhésion came first: drawn from its own curve, at least MIN_MONTHS_TO_CADRE before
        latest = share_at(ADHESION_CURVE, add_months(signed, -MIN_MONTHS_TO_CADRE))
        result.cadre_signed = signed
        result.adhesion_signed = date_at(ADHESION_CURVE, rng.uniform(0, latest))
        deadline = add_months(result.adhesion_signed, 18)
        if signed > deadline and rng.random() < EXTENSION_SHARE:
            result.extensions = _extensions(rng, deadline, signed)
        if scenario == "cadre_signe":
            result.avenants = list(avenants if avenants is not None else _avenants(rng))
        return result
    result.adhesion_signed = date_at(ADHESION_CURVE, rng.random())
    deadline = add_months(result.adhesion_signed, 18)
    if scenario == "cadre_en_redaction_prolonge" or scenario in IN_INSTRUCTION:
        result.extensions = _extensions(rng, deadline, today + timedelta(days=rng.randint(20, 400)))
    return result


def _limits() -> tuple[date, int]:
    """The settings' limits of an extension; outside an application (the plans' tests), their
    defaults."""
    if has_app_context():
        return programme_end(), extension_max_months()
    return date.fromisoformat(Defaults.PROGRAMME_END), Defaults.EXTENSION_MAX_MONTHS


def _extensions(rng: random.Random, deadline: date, until: date) -> list[date]:
    """The deadlines granted so that the last one reaches `until`: 6 or 12 more months, then,
    if that is still short, a second extension up to a date the préfecture sets."""
    first = add_months(deadline, rng.choice([6, 12]))
    targets = [first] if first >= until else [first, until + timedelta(days=rng.randint(0, 60))]
    # Within the settings' limits: none past the end of the programme, each at most
    # EXTENSION_MAX_MONTHS past the previous deadline (more extensions, then, to get there).
    end, months = _limits()
    granted, current = [], deadline
    for target in targets:
        target = min(target, end)
        while current < target:
            current = min(target, add_months(current, months))
            granted.append(current)
    return granted


def _avenants(rng: random.Random) -> list[A]:
    if rng.random() >= AVENANT_SHARE:
        return []
    last = rng.choices(list(AVENANT_STATES), weights=list(AVENANT_STATES.values()))[0]
    return [A.SIGNE, last] if rng.random() < 0.2 else [last]
