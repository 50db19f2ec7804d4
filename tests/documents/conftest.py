"""Each test stores its files in its own folder, so files on disk can be counted."""
import os
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.core.db import db
from app.core.storage import EXTENSION_KEY, LocalStorage
from app.documents.models import Document, DocumentVersion
from tests import factories


@pytest.fixture(autouse=True)
def storage(app, tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path / "documents")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return storage


def files_on_disk(storage) -> list[str]:
    found = []
    for folder, _, names in os.walk(storage.root):
        found += [os.path.join(folder, name) for name in names]
    return found


def rows() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Document)),
            db.session.scalar(select(func.count()).select_from(DocumentVersion)))


@dataclass
class Place:
    dossier: object
    communes: list
    epci: object
    porteur: object          # a commune user of the dossier
    prefecture: object
    partenaire: object
    anct: object
    outsider: object         # a commune user of another dossier


@pytest.fixture
def place():
    region = factories.region()
    dep = factories.departement(region)
    epci = factories.epci(nom="CC du Val test")
    communes = [factories.commune(dep, epci, nom="Bourg-test"), factories.commune(dep, epci, nom="Aval-test")]
    dossier = factories.dossier(communes)
    other = factories.dossier()
    return Place(
        dossier=dossier, communes=communes, epci=epci,
        porteur=factories.user_with_role(Role.COMMUNE, factories.user(nom="Marie Porteuse"),
                                         commune_insee=communes[0].insee),
        prefecture=factories.user_with_role(Role.PREFECTURE, departement_code=dep.code),
        partenaire=factories.user_with_role(Role.PARTENAIRE, organisation="Anah", region_code=region.code),
        anct=factories.user_with_role(Role.ANCT),
        outsider=factories.user_with_role(Role.COMMUNE, commune_insee=other.liens_communes[0].commune_insee),
    )
