from datetime import date, datetime
from decimal import Decimal

import pytest

from app.core.formatting import date_fr, datetime_fr, de, de_nom, money_fr, number_fr, plural_fr

NNBSP, NBSP = "\u202f", "\xa0"


def test_dates_in_french():
    assert date_fr(date(2026, 11, 22)) == "22 novembre 2026"
    assert date_fr(date(2024, 2, 29), "short") == "29/02/2024"
    assert date_fr(None) == "—"


def test_datetimes_are_shown_in_paris_time():
    # 23:30 UTC on 31 December is already the next day and year in Paris (UTC+1 in winter).
    assert datetime_fr(datetime(2025, 12, 31, 23, 30)) == "1 janvier 2026 à 00:30"
    # Summer time: UTC+2.
    assert datetime_fr(datetime(2026, 7, 14, 8, 0)) == "14 juillet 2026 à 10:00"
    assert date_fr(datetime(2025, 12, 31, 23, 30)) == "1 janvier 2026"


def test_amounts_and_numbers_in_french():
    assert money_fr(Decimal("1234.56")) == f"1{NNBSP}234,56{NBSP}€"
    assert money_fr(45000) == f"45{NNBSP}000{NBSP}€"
    assert number_fr(1234.5) == f"1{NNBSP}234,5"
    assert money_fr(None) == "—"


def test_plural_fr_keeps_the_singular_for_zero_and_one():
    assert plural_fr(0, "jour") == "0\u00a0jour"
    assert plural_fr(1, "jour") == "1\u00a0jour"
    assert plural_fr(2, "jour") == "2\u00a0jours"
    assert plural_fr(1500, "page") == "1\u202f500\u00a0pages"
    assert plural_fr(3, "mois", "mois") == "3\u00a0mois"
    assert plural_fr(None, "jour") == "—"


def test_de_elides_before_a_vowel_or_a_mute_h():
    assert de("Agent 5") == "d'Agent 5"
    assert de("Émilie Durand") == "d'Émilie Durand"
    assert de("hélène") == "d'hélène"
    assert de("Bernard") == "de Bernard"
    assert de("Yannick") == "de Yannick"


@pytest.mark.parametrize("nom, expected", [
    ("Jonzac", "de Jonzac"),
    ("Angoulême", "d'Angoulême"),
    ("Le Havre", "du Havre"),
    ("Les Mathes", "des Mathes"),
    ("La Rochelle", "de La Rochelle"),
    ("Hiersac", "de Hiersac"),
    ("CC de la Haute Saintonge", "de la CC de la Haute Saintonge"),
    ("Métropole du Grand Paris", "de la Métropole du Grand Paris"),
    ("Bordeaux Métropole", "de Bordeaux Métropole"),
])
def test_names_after_de_take_the_article_french_uses(nom, expected):
    assert de_nom(nom) == expected
