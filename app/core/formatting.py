"""French formats for dates, amounts and numbers (Babel), times shown in Europe/Paris."""
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"
PARIS = ZoneInfo("Europe/Paris")


def to_paris(value: datetime) -> datetime:
    """Stored datetimes are naive UTC (portable between SQLite and PostgreSQL)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(PARIS)


def date_fr(value: date | datetime | None, fmt: str = "long") -> str:
    """22 novembre 2026 (`fmt="short"`: 22/11/2026)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_paris(value).date()
    return format_date(value, format=fmt, locale=LOCALE)


def datetime_fr(value: datetime | None) -> str:
    """22 novembre 2026 à 14:05, in Paris time."""
    if value is None:
        return "—"
    local = to_paris(value)
    return f"{format_date(local.date(), format='long', locale=LOCALE)} à {local:%H:%M}"


def money_fr(value: Decimal | float | int | None) -> str:
    """1 234,56 € — cents shown only when there are some."""
    if value is None:
        return "—"
    fmt = "#,##0.00\xa0¤" if Decimal(str(value)) % 1 else "#,##0\xa0¤"
    return format_currency(value, "EUR", format=fmt, locale=LOCALE, currency_digits=False)


def number_fr(value: Decimal | float | int | None) -> str:
    """1 234,5"""
    if value is None:
        return "—"
    return format_decimal(value, locale=LOCALE)


def plural_fr(count: int | None, singular: str, plural: str | None = None) -> str:
    """« 0 jour », « 1 jour », « 2 jours »: in French the singular goes up to 1 (and -1)."""
    if count is None:
        return "—"
    word = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{number_fr(count)}\u00a0{word}"


_ELIDED = tuple("aeiouhàâäéèêëîïôöùûüœæ")


def de(name) -> str:
    """« de Bernard », « d'Agent 5 », « d'Hélène »: the preposition, elided before a vowel or
    a mute h (a name is no place for h aspiré guesses; y stays: « de Yannick »)."""
    name = str(name)
    return f"d'{name}" if name[:1].lower().startswith(_ELIDED) else f"de {name}"


# Collectivités whose name starts with these are feminine nouns: « la CC de … », « la Métropole … ».
_FEMININE = ("CC ", "CA ", "CU ", "Communauté ", "Métropole ", "Eurométropole ")
_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def de_nom(nom: str) -> str:
    """The name after « de », as French says it: de Jonzac, d'Angoulême, du Havre (Le Havre),
    des Mathes (Les Mathes), de La Rochelle, de la CC de la Haute Saintonge."""
    if nom.startswith("Le "):
        return "du " + nom[3:]
    if nom.startswith("Les "):
        return "des " + nom[4:]
    if nom.startswith(_FEMININE):
        return "de la " + nom
    if nom[:1].lower() in _VOWELS:
        return "d'" + nom
    return "de " + nom


def today_in_paris() -> date:
    """The programme's "today": deadlines and business dates are days in Paris."""
    return datetime.now(PARIS).date()


def utcnow() -> datetime:
    """Naive UTC, the form every datetime column stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def register(app):
    app.jinja_env.filters.update(
        date_fr=date_fr, datetime_fr=datetime_fr, money_fr=money_fr, number_fr=number_fr,
        plural_fr=plural_fr, de=de,
    )
