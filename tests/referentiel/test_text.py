"""The search key folds what people type and what the reference says into the same words."""
import pytest

from app.referentiel.text import search_key


@pytest.mark.parametrize(("typed", "key"), [
    ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
    ("ST ETIENNE", "saint etienne"),
    ("St-Étienne", "saint etienne"),
    ("st. etienne", "saint etienne"),
    ("Ste Foy", "sainte foy"),
    ("STE-FOY-LÈS-LYON", "sainte foy les lyon"),
    ("Sts-Geosmes", "saints geosmes"),
    ("L'Haÿ-les-Roses", "l hay les roses"),
    ("L’Isle-d’Abeau", "l isle d abeau"),
    ("  Œuilly  ", "oeuilly"),
    ("Stella-Plage", "stella plage"),  # only whole words are abbreviations
    ("Ouistreham Est", "ouistreham est"),
    ("", ""),
    (None, ""),
    ("--", ""),
])
def test_search_key(typed, key):
    assert search_key(typed) == key


def test_an_abbreviation_and_the_full_name_give_the_same_key():
    assert search_key("ST ETIENNE DE ST GEOIRS") == search_key("Saint-Étienne-de-Saint-Geoirs")
