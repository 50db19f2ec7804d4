"""Finding communes and EPCI by name (accents and case ignored) or by code.

Names are matched on their search key (app/referentiel/text.py), stored at import.
"""
import re

from sqlalchemy import case, select

from app.referentiel.models import Commune, Epci
from app.referentiel.text import search_key

# An INSEE code or its beginning: digits, or 2A / 2B for Corsica.
_INSEE = re.compile(r"^(?:\d{1,5}|2[AB]\d{0,3})$")
_SIREN = re.compile(r"^\d{9}$")


def _relevance(column, key: str):
    return case((column == key, 0), (column.startswith(key, autoescape=True), 1), else_=2)


def search_communes(q: str):
    """Communes whose name contains `q`, or whose INSEE code is `q` (or starts with it).

    Exact names come first, then names starting with `q`: "Vire" lists Vire, then
    Vire Normandie, then Avirey-Lingey.
    """
    stmt = select(Commune)
    q = (q or "").strip()
    key = search_key(q)
    if q and _INSEE.match(q.upper()):
        code = q.upper()
        stmt = stmt.where(Commune.insee.startswith(code, autoescape=True))
        return stmt.order_by(Commune.insee)
    if key:
        stmt = stmt.where(Commune.nom_recherche.contains(key, autoescape=True))
        return stmt.order_by(_relevance(Commune.nom_recherche, key), Commune.nom_recherche, Commune.insee)
    if q:
        # Only punctuation typed: nothing can match, say so rather than list everything.
        return stmt.where(Commune.insee.is_(None))
    return stmt.order_by(Commune.nom_recherche, Commune.insee)


def search_epcis(q: str):
    """EPCI whose name contains `q`, or whose SIREN is `q`."""
    stmt = select(Epci)
    q = (q or "").strip()
    key = search_key(q)
    if _SIREN.match(q):
        return stmt.where(Epci.siren == q)
    if key:
        stmt = stmt.where(Epci.nom_recherche.contains(key, autoescape=True))
        return stmt.order_by(_relevance(Epci.nom_recherche, key), Epci.nom_recherche, Epci.siren)
    if q:
        return stmt.where(Epci.siren.is_(None))
    return stmt.order_by(Epci.nom_recherche, Epci.siren)
