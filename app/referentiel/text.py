"""The search key of a name: lower case, no accents, punctuation turned into spaces.

Neither database folds accents portably (PostgreSQL needs the `unaccent` extension, SQLite
has nothing), so names are folded once in Python, stored beside them (`nom_recherche`), and
what the user types is folded the same way. Kept apart from the models and the queries so
that both can import it.
"""
import re
import unicodedata

# Ligatures that NFKD leaves whole, yet users type as two letters ("Œuilly" → "oeuilly").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def search_key(text: str | None) -> str:
    """'Saint-Étienne-du-Rouvray' → 'saint etienne du rouvray'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", text).strip()
