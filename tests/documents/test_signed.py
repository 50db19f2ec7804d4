"""A signed convention is frozen: its PDF (attached by the préfecture at the signature) is
recorded in the signature's history row, and nobody adds a version to it or another signed
convention to that step, through any path. A porteur never uploads a signed convention."""
import io


import pytest
from sqlalchemy import select

from app.avenants.models import Avenant
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.documents import services
from app.documents.models import Document, DocumentType, Etape
from app.dossiers import lifecycle
from app.workflows.history import HistoryEntry
from tests import factories
from tests.documents import samples
from tests.documents.conftest import files_on_disk, rows


def post_upload(client, dossier, type_="convention_signee", etape="adhesion"):
    return client.post(
        f"/dossiers/{dossier.id}/documents/nouveau",
        data={"type": type_, "etape": etape, "fichier": (io.BytesIO(samples.pdf()), "signee.pdf")},
        content_type="multipart/form-data",
    )


def post_version(client, dossier, document_id):
    return client.post(f"/dossiers/{dossier.id}/documents/{document_id}/versions",
                       data={"fichier": (io.BytesIO(samples.pdf(2)), "signee-v2.pdf")},
                       content_type="multipart/form-data")


@pytest.fixture
def signed(client, login_as, place):
    """The adhésion signed through the action page, the préfecture attaching the PDF."""
    dossier = place.dossier
    factories.ready_to_deposit(dossier)
    today = today_in_paris()
    lifecycle.fire(dossier, "demarrer_adhesion", place.porteur, today=today)
    lifecycle.fire(dossier, "deposer_adhesion", place.porteur, today=today)
    lifecycle.fire(dossier, "valider_adhesion", place.prefecture, today=today)
    login_as(place.prefecture)
    response = client.post(
        f"/dossiers/{dossier.id}/actions/signer_adhesion",
        data={"version": dossier.version, "signature_date": today.isoformat(),
              "signed_file": (io.BytesIO(samples.pdf()), "convention-signee.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()  # the request had its own session
    assert dossier.adhesion_signee_le == today
    document = db.session.scalar(select(Document).where(Document.dossier_id == dossier.id,
                                                        Document.type == DocumentType.CONVENTION_SIGNEE))
    return document


def test_the_signature_row_records_the_signed_pdf(place, signed):
    entry = db.session.scalar(select(HistoryEntry).where(HistoryEntry.event == "signer_adhesion",
                                                         HistoryEntry.dossier_id == place.dossier.id))
    recorded = entry.payload_dict["convention_signee"]
    assert (recorded["version_id"], recorded["sha256"]) == (signed.current.id, signed.current.sha256)


@pytest.mark.parametrize("who", ["prefecture", "porteur"])
def test_nobody_adds_a_version_to_a_signed_convention(client, login_as, place, signed, storage, who):
    login_as(getattr(place, who))
    before, on_disk = rows(), len(files_on_disk(storage))
    url = f"/dossiers/{place.dossier.id}/documents/{signed.id}/versions"
    for response in (client.get(url), post_version(client, place.dossier, signed.id)):
        assert response.status_code == 403
        assert "la convention signée est figée" in response.get_data(as_text=True)
    assert rows() == before and len(files_on_disk(storage)) == on_disk
    page = client.get(f"/dossiers/{place.dossier.id}/documents").get_data(as_text=True)
    assert url not in page  # no button, and the reason instead
    assert "la convention signée est figée" in page


def test_the_prefecture_cannot_attach_another_signed_convention_to_a_signed_step(client, login_as, place, signed):
    login_as(place.prefecture)
    response = post_upload(client, place.dossier)
    assert response.status_code == 403 and "figée" in response.get_data(as_text=True)
    assert post_upload(client, place.dossier, etape="cadre").status_code == 302  # the cadre is not signed


def test_no_path_bypasses_the_freeze(place, signed):
    for user in (place.prefecture, place.porteur, None):
        with pytest.raises(DomainError, match="figée"):
            services.add_version(place.dossier, signed, file_storage_or_bytes=samples.pdf(2),
                                 filename="b.pdf", user=user)
        with pytest.raises(DomainError, match="figée"):
            services.add_document(place.dossier, type=DocumentType.CONVENTION_SIGNEE, etape=Etape.ADHESION,
                                  file_storage_or_bytes=samples.pdf(2), filename="b.pdf", user=user)


def test_a_deliberation_of_a_signed_step_keeps_its_date_and_number(place, signed):
    deliberation = db.session.scalar(select(Document).where(Document.dossier_id == place.dossier.id,
                                                            Document.type == DocumentType.DELIBERATION))
    with pytest.raises(DomainError, match="sa date et son numéro ne changent plus"):
        services.add_version(place.dossier, deliberation, file_storage_or_bytes=samples.pdf(2),
                             filename="b.pdf", user=place.porteur, deliberation_numero="autre")


def test_a_porteur_never_uploads_a_signed_convention(client, login_as, place, storage):
    login_as(place.porteur)
    page = client.get(f"/dossiers/{place.dossier.id}/documents/nouveau").get_data(as_text=True)
    assert 'value="convention_signee"' not in page and 'value="modele_genere"' not in page
    response = post_upload(client, place.dossier)
    assert response.status_code == 403
    assert "Seule la préfecture joint la convention signée" in response.get_data(as_text=True)
    with pytest.raises(DomainError, match="Seule la préfecture"):
        services.add_document(place.dossier, type=DocumentType.CONVENTION_SIGNEE, etape=Etape.ADHESION,
                              file_storage_or_bytes=samples.pdf(), filename="a.pdf", user=place.porteur)
    assert rows() == (0, 0) and files_on_disk(storage) == []


def test_the_prefecture_may_attach_a_signed_convention_before_the_signature(client, login_as, place):
    login_as(place.prefecture)
    assert 'value="convention_signee"' in client.get(
        f"/dossiers/{place.dossier.id}/documents/nouveau").get_data(as_text=True)
    assert post_upload(client, place.dossier).status_code == 302
    document = db.session.scalar(select(Document))
    login_as(place.porteur)  # a porteur does not replace it either
    assert post_version(client, place.dossier, document.id).status_code == 403


def test_a_generated_model_takes_no_deposited_version(client, login_as, place):
    version = services.add_document(place.dossier, type=DocumentType.MODELE_GENERE, etape=Etape.ADHESION,
                                    file_storage_or_bytes=samples.pdf(), filename="modele.pdf", user=None,
                                    generated=True)
    db.session.commit()
    login_as(place.porteur)
    response = post_version(client, place.dossier, version.document_id)
    assert response.status_code == 403 and "généré par Jalons" in response.get_data(as_text=True)


def test_a_signed_avenant_is_frozen_too(place):
    avenant = Avenant(dossier_id=place.dossier.id, numero=1, objet="Halles", signe_le=today_in_paris())
    db.session.add(avenant)
    db.session.flush()
    db.session.refresh(place.dossier)
    with pytest.raises(DomainError, match="figée"):
        services.add_document(place.dossier, type=DocumentType.CONVENTION_SIGNEE, etape=Etape.AVENANT,
                              avenant=avenant, file_storage_or_bytes=samples.pdf(), filename="a.pdf",
                              user=place.prefecture)
