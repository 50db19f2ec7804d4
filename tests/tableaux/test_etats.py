"""The 18-month deadline compared in SQL through signature dates: the same answer as the rule."""
from datetime import date, timedelta

import pytest

from app.dossiers.echeance import add_months
from app.tableaux.etats import end_of_day, first_start_reaching


@pytest.mark.parametrize("day", [date(2023, 2, 28), date(2023, 3, 1), date(2024, 2, 29), date(2023, 1, 31),
                                 date(2022, 12, 1)])
def test_a_deadline_comes_before_the_day_exactly_when_signed_before_the_bound(day):
    bound = first_start_reaching(day)
    for offset in range(-40, 40):
        signed = bound + timedelta(days=offset)
        assert (add_months(signed, 18) < day) == (signed < bound), signed


def test_a_paris_day_ends_at_midnight_paris_in_utc():
    assert end_of_day(date(2023, 1, 31)).isoformat() == "2023-01-31T23:00:00"  # winter: UTC+1
    assert end_of_day(date(2023, 7, 14)).isoformat() == "2023-07-14T22:00:00"  # summer: UTC+2
