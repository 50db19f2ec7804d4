"""The search key of a name: lower case, no accents, punctuation turned into spaces,
the usual abbreviations spelled out.

Neither database folds accents portably (PostgreSQL needs the `unaccent` extension, SQLite
has nothing), so names are folded once in Python, stored beside them (`nom_recherche`), and
what the user types is folded the same way. Kept apart from the models and the queries so
that both can import it.
"""
import re
import unicodedata

# Bumped whenever search_key changes: the reference import folds into its checksum, so that
# `flask referentiel import --if-changed` recomputes the stored keys with the new rules.
SEARCH_KEY_VERSION = 2

# Ligatures that NFKD leaves whole, yet users type as two letters ("Œuilly" → "oeuilly").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Words as people abbreviate them in addresses and lists ("ST ETIENNE", "Ste-Foy").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def search_key(text: str | None) -> str:
    """'Saint-Étienne-du-Rouvray' → 'saint etienne du rouvray'; 'ST ETIENNE' → 'saint etienne';
    "L'Haÿ-les-Roses" → 'l hay les roses'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = _NOT_ALNUM.sub(" ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
