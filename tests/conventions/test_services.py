"""Archiving a generated convention among the documents of the dossier."""
from app.auth.roles import Role
from app.conventions.services import archive_convention
from app.documents.models import DocumentType, Etape
from tests import factories


def test_archiving_stores_the_pdf_as_a_generated_version(dossier, storage):
    user = factories.user_with_role(Role.CHEF_DE_PROJET, dossier_id=dossier.id)

    first = archive_convention(dossier, "adhesion", user)
    second = archive_convention(dossier, "adhesion", user)

    assert first.document is second.document
    assert (first.numero, second.numero) == (1, 2)
    document = first.document
    assert document.type == DocumentType.PROJET_CONVENTION and document.etape == Etape.ADHESION
    assert document.dossier_id == dossier.id
    for version in (first, second):
        assert version.generated and version.content_type == "application/pdf"
        assert version.nom_fichier == "projet-convention-adhesion-pvd-75-64-9.pdf"
        assert version.uploaded_by_id == user.id
        assert storage.read(version.storage_key).startswith(b"%PDF-")


def test_each_step_has_its_own_document(dossier, storage):
    adhesion = archive_convention(dossier, "adhesion", None)
    cadre = archive_convention(dossier, "cadre", None)
    assert adhesion.document is not cadre.document
    assert cadre.document.etape == Etape.CADRE
