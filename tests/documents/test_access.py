"""Who may upload (porteurs, préfecture) and who may download (whoever sees the dossier)."""
import io
import logging

import pytest

from app.core.db import db
from app.documents import services
from tests.documents import samples
from tests.documents.conftest import files_on_disk, rows


@pytest.fixture
def stored(place):
    version = services.add_document(place.dossier, type="autre", etape="adhesion",
                                    file_storage_or_bytes=samples.pdf(), filename="note.pdf", user=None)
    db.session.commit()
    return version


def download_url(version):
    return f"/documents/versions/{version.id}/telecharger"


def post_upload(client, dossier):
    return client.post(
        f"/dossiers/{dossier.id}/documents/nouveau",
        data={"type": "autre", "etape": "adhesion", "fichier": (io.BytesIO(samples.pdf()), "a.pdf")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("who", ["porteur", "prefecture"])
def test_porteurs_and_prefecture_may_upload(client, login_as, place, who):
    login_as(getattr(place, who))
    assert post_upload(client, place.dossier).status_code == 302
    assert rows() == (1, 1)


@pytest.mark.parametrize("who", ["partenaire", "anct"])
def test_partenaire_and_anct_cannot_upload_but_can_download(client, login_as, place, stored, storage, who):
    login_as(getattr(place, who))
    assert client.get(f"/dossiers/{place.dossier.id}/documents/nouveau").status_code == 403
    assert post_upload(client, place.dossier).status_code == 403
    new_version = f"/dossiers/{place.dossier.id}/documents/{stored.document_id}/versions"
    assert client.post(new_version, data={"fichier": (io.BytesIO(samples.pdf()), "b.pdf")},
                       content_type="multipart/form-data").status_code == 403
    assert rows() == (1, 1) and len(files_on_disk(storage)) == 1
    page = client.get(f"/dossiers/{place.dossier.id}/documents").get_data(as_text=True)
    assert "Ajouter un document" not in page and "Ajouter une version" not in page
    assert client.get(download_url(stored)).data == samples.pdf()


def test_download_out_of_scope_is_not_found(client, login_as, place, stored):
    login_as(place.outsider)
    assert client.get(download_url(stored)).status_code == 404
    assert client.get(f"/dossiers/{place.dossier.id}/documents").status_code == 404
    assert post_upload(client, place.dossier).status_code == 404
    assert client.get("/documents/versions/999999/telecharger").status_code == 404


def test_anonymous_is_sent_to_the_login_page(client, place, stored):
    for url in (download_url(stored), f"/dossiers/{place.dossier.id}/documents",
                f"/dossiers/{place.dossier.id}/documents/nouveau"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion?next=" in response.location


def test_a_version_of_another_dossier_is_not_reachable_through_this_one(client, login_as, place, stored):
    """The document id in the URL must belong to the dossier in the URL."""
    from tests import factories
    from app.auth.roles import Role

    mine = factories.dossier()
    user = factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=mine.id)
    login_as(user)
    url = f"/dossiers/{mine.id}/documents/{stored.document_id}/versions"
    assert client.get(url).status_code == 404


def test_tampered_file_is_never_sent(client, login_as, place, stored, storage, caplog):
    data = storage.read(stored.storage_key)
    storage.write(stored.storage_key, data[:-10] + b"0123456789")  # altered behind the application's back
    login_as(place.porteur)
    with caplog.at_level(logging.ERROR, logger="app.documents.services"):
        response = client.get(download_url(stored))
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Fichier indisponible" in page and "note.pdf" in page
    assert "Content-Disposition" not in response.headers
    assert "0123456789" not in page
    assert f"Empreinte SHA-256 différente pour la version {stored.id}" in caplog.text


def test_missing_file_is_reported_not_crashed(client, login_as, place, stored, storage, caplog):
    storage.delete(stored.storage_key)
    login_as(place.porteur)
    with caplog.at_level(logging.ERROR, logger="app.documents.services"):
        response = client.get(download_url(stored))
    assert response.status_code == 500
    assert "Fichier indisponible" in response.get_data(as_text=True)
    assert "Fichier absent du stockage" in caplog.text


def test_download_is_an_attachment_of_the_detected_type(client, login_as, place):
    version = services.add_document(place.dossier, type="autre", etape="suivi",
                                    file_storage_or_bytes=samples.png(), filename="plan.png", user=None)
    db.session.commit()
    login_as(place.partenaire)
    response = client.get(download_url(version))
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=plan.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
