"""Each test stores its files in a storage of its own, so stored files can be counted: every
test runs twice, on a folder (LocalStorage) and on a bucket of the throwaway SeaweedFS
(S3Storage); a test about the folder itself is marked `local_storage` and runs once."""
import os
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.core.db import db
from app.core.storage import EXTENSION_KEY, LocalStorage, S3Storage, s3_client
from app.documents.models import Document, DocumentVersion
from tests import factories


@pytest.fixture(autouse=True, params=["local", "s3"])
def storage(request, app, tmp_path, monkeypatch):
    if request.param == "local":
        storage = LocalStorage(tmp_path / "documents")
    else:
        if request.node.get_closest_marker("local_storage"):
            pytest.skip("un test du stockage local (dossier, liens physiques)")
        bucket = request.getfixturevalue("bucket")
        storage = S3Storage(s3_client(bucket), bucket["S3_BUCKET"])
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, storage)
    return storage


def stored(storage, key: str) -> str:
    """How `files_on_disk` names the file of `key`."""
    return key if isinstance(storage, S3Storage) else storage.path(key)


def files_on_disk(storage) -> list[str]:
    """What the storage holds: the paths of a folder's files (dot-files too: a half-written
    upload must not stay), the keys of a bucket."""
    if isinstance(storage, S3Storage):
        return sorted(storage.keys())
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
