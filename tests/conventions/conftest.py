"""A three-commune dossier with accented names, and reading a PDF back as text."""
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from app.core.storage import EXTENSION_KEY, LocalStorage
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def dossier():
    region = factories.region(nom="Nouvelle-Aquitaine")
    departement = factories.departement(region, nom="Pyrénées-Atlantiques")
    epci = factories.epci(nom="Communauté d'agglomération du Pays Basque", type="CA")
    communes = [
        factories.commune(departement, epci, nom=nom)
        for nom in ("Saint-Jean-de-Luz", "Mauléon-Licharre", "Saint-Étienne-de-Baïgorry")
    ]
    return factories.dossier(communes, reference="pvd-75-64-9", nom="Pays Basque intérieur")


@pytest.fixture
def storage(app, tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return storage


def pdf_text(data: bytes) -> tuple[str, int]:
    """The text of every page, whitespace collapsed (a line may break after a hyphen)."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    return re.sub(r"- ", "-", text), len(reader.pages)


@pytest.fixture
def complete(dossier):
    """The dossier's adhésion with everything it needs: named signataires, two partners, the
    délibérations with their date and number."""
    factories.deliberations(dossier, "adhesion")
    return factories.contenu(dossier, "adhesion")
