"""The 18-month rule at its edges."""
from datetime import date, timedelta

import pytest

from app.dossiers.echeance import (
    STATUT_LABELS, StatutEcheance as S, add_months, echeance, explanation, open_bounds, statut,
)


@pytest.mark.parametrize("signed, deadline", [
    (date(2021, 3, 15), date(2022, 9, 15)),
    (date(2021, 8, 31), date(2023, 2, 28)),   # no 31 February: last day of the month
    (date(2022, 8, 31), date(2024, 2, 29)),   # leap year: 29 February
    (date(2022, 8, 29), date(2024, 2, 29)),
    (date(2020, 2, 29), date(2021, 8, 29)),   # from a 29 February
    (date(2021, 12, 31), date(2023, 6, 30)),
])
def test_deadline_is_eighteen_months_after_the_adhesion(signed, deadline):
    assert echeance(signed, None) == deadline


def test_an_extension_replaces_the_deadline():
    assert echeance(date(2021, 3, 15), date(2023, 1, 31)) == date(2023, 1, 31)
    assert echeance(None, None) is None


def test_status_counts_down_to_the_deadline():
    deadline = date(2023, 6, 30)
    # Exactly 6 months left is not "less than 6 months".
    assert statut(deadline, None, date(2022, 12, 31)) == S.DANS_LES_DELAIS
    assert statut(deadline, None, date(2023, 1, 1)) == S.MOINS_6_MOIS
    assert statut(deadline, None, date(2023, 3, 31)) == S.MOINS_6_MOIS
    assert statut(deadline, None, date(2023, 4, 1)) == S.MOINS_3_MOIS
    assert statut(deadline, None, date(2023, 6, 1)) == S.MOINS_1_MOIS
    assert statut(deadline, None, deadline) == S.MOINS_1_MOIS  # the last day still counts
    assert statut(deadline, None, deadline + timedelta(days=1)) == S.DEPASSEE


def test_status_once_the_cadre_is_signed():
    deadline = date(2023, 6, 30)
    assert statut(deadline, date(2023, 6, 30), date(2025, 1, 1)) == S.RESPECTEE
    assert statut(deadline, date(2023, 7, 1), date(2025, 1, 1)) == S.SIGNEE_HORS_DELAI
    assert statut(None, None, date(2025, 1, 1)) is None


@pytest.mark.parametrize("today", [date(2024, 2, 29), date(2023, 8, 31), date(2026, 11, 22)])
def test_sql_bounds_agree_with_the_status(today):
    for offset in range(-40, 260, 3):
        deadline = today + timedelta(days=offset)
        expected = statut(deadline, None, today)
        low, high = open_bounds(expected, today)
        assert (low is None or low <= deadline) and (high is None or deadline < high), (deadline, expected)


def test_add_months_backwards():
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)


def test_the_one_month_label_says_un_mois():
    assert STATUT_LABELS[S.MOINS_1_MOIS] == "Échéance dans moins d'un mois"
    assert not any("d'1" in label for label in STATUT_LABELS.values())


def test_a_deadline_past_the_end_of_the_programme_says_so_until_the_cadre_is_signed():
    end = date(2026, 12, 31)
    assert statut(date(2027, 1, 1), None, date(2026, 12, 1), end) == S.AU_DELA_FIN_PROGRAMME
    assert statut(end, None, date(2026, 12, 1), end) == S.MOINS_1_MOIS
    assert statut(date(2027, 1, 1), date(2026, 6, 1), date(2026, 12, 1), end) == S.RESPECTEE
    assert explanation(S.AU_DELA_FIN_PROGRAMME, end) == (
        "Échéance au-delà de la fin du programme (31/12/2026)\u00a0: la convention-cadre doit "
        "être signée avant la fin du programme.")
    assert explanation(S.DANS_LES_DELAIS, end) is None
