"""The 18-month rule: the convention-cadre must be signed within 18 months of the adhésion.

Deadline = signature of the convention d'adhésion + 18 months, or the date the préfecture
set when it granted an extension. "+18 months" keeps the day of the month, or takes the
last day of the target month when it has no such day (31 August 2021 → 28 February 2023).
"""
import calendar
import enum
from datetime import date

from flask import current_app

DELAI_MOIS = 18


def programme_end() -> date:
    """The end of the programme (setting PROGRAMME_END): the conventions' term, the limit of
    every extension and of the 18-month deadlines."""
    value = current_app.config["PROGRAMME_END"]
    return value if isinstance(value, date) else date.fromisoformat(value)


def extension_max_months() -> int:
    """How far past the current deadline an extension may go (setting EXTENSION_MAX_MONTHS)."""
    return int(current_app.config["EXTENSION_MAX_MONTHS"])


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


class StatutEcheance(str, enum.Enum):
    DANS_LES_DELAIS = "dans_les_delais"
    MOINS_6_MOIS = "moins_6_mois"
    MOINS_3_MOIS = "moins_3_mois"
    MOINS_1_MOIS = "moins_1_mois"
    DEPASSEE = "depassee"
    AU_DELA_FIN_PROGRAMME = "au_dela_fin_programme"
    RESPECTEE = "respectee"
    SIGNEE_HORS_DELAI = "signee_hors_delai"

    @property
    def label(self) -> str:
        return STATUT_LABELS[self]

    @property
    def badge(self) -> str:
        """DSFR badge kind."""
        return {
            StatutEcheance.DANS_LES_DELAIS: "info",
            StatutEcheance.MOINS_6_MOIS: "new",
            StatutEcheance.MOINS_3_MOIS: "warning",
            StatutEcheance.MOINS_1_MOIS: "warning",
            StatutEcheance.DEPASSEE: "error",
            StatutEcheance.AU_DELA_FIN_PROGRAMME: "warning",
            StatutEcheance.RESPECTEE: "success",
            StatutEcheance.SIGNEE_HORS_DELAI: "warning",
        }[self]


STATUT_LABELS = {
    StatutEcheance.DANS_LES_DELAIS: "Dans les délais",
    StatutEcheance.MOINS_6_MOIS: "Échéance dans moins de 6 mois",
    StatutEcheance.MOINS_3_MOIS: "Échéance dans moins de 3 mois",
    StatutEcheance.MOINS_1_MOIS: "Échéance dans moins d'un mois",
    StatutEcheance.DEPASSEE: "Échéance dépassée",
    StatutEcheance.AU_DELA_FIN_PROGRAMME: "Échéance au-delà de la fin du programme",
    StatutEcheance.RESPECTEE: "Délai respecté",
    StatutEcheance.SIGNEE_HORS_DELAI: "Convention-cadre signée hors délai",
}


def echeance(adhesion_signee_le: date | None, prorogee: date | None) -> date | None:
    if adhesion_signee_le is None:
        return None
    return prorogee or add_months(adhesion_signee_le, DELAI_MOIS)


# The countdown, soonest first: a status holds when the deadline comes before today + N months.
COUNTDOWN = (
    (StatutEcheance.DEPASSEE, 0),
    (StatutEcheance.MOINS_1_MOIS, 1),
    (StatutEcheance.MOINS_3_MOIS, 3),
    (StatutEcheance.MOINS_6_MOIS, 6),
)


def statut(deadline: date | None, cadre_signee_le: date | None, today: date,
           end: date | None = None) -> StatutEcheance | None:
    """None before the adhésion is signed (the rule has not started).

    A deadline past `end` (the end of the programme) cannot be kept as such: the convention
    ends with the programme, so the cadre must be signed before then, whatever 18 months say.
    Thresholds count from today ("less than 3 months left": the deadline comes before
    today + 3 months), so that a list can filter on the same bounds in SQL (`open_bounds`).
    """
    if deadline is None:
        return None
    if cadre_signee_le is not None:
        return StatutEcheance.RESPECTEE if cadre_signee_le <= deadline else StatutEcheance.SIGNEE_HORS_DELAI
    if end is not None and deadline > end:
        return StatutEcheance.AU_DELA_FIN_PROGRAMME
    for status, months in COUNTDOWN:
        if deadline < add_months(today, months):
            return status
    return StatutEcheance.DANS_LES_DELAIS


def explanation(status: StatutEcheance | None, end: date) -> str | None:
    """What a status means for the dossier, when its label is not enough."""
    if status == StatutEcheance.AU_DELA_FIN_PROGRAMME:
        return (f"Échéance au-delà de la fin du programme ({end:%d/%m/%Y})\u00a0: la convention-cadre "
                "doit être signée avant la fin du programme.")
    return None


def open_bounds(status: StatutEcheance, today: date) -> tuple[date | None, date | None]:
    """For a dossier whose cadre is not signed yet: `status` holds when low <= deadline < high."""
    limits = [add_months(today, months) for _, months in COUNTDOWN]
    order = [s for s, _ in COUNTDOWN] + [StatutEcheance.DANS_LES_DELAIS]
    i = order.index(status)
    return (limits[i - 1] if i > 0 else None, limits[i] if i < len(limits) else None)
