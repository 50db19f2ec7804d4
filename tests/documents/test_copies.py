"""Copies: one checked file for many documents, each version with a key and a file of its own."""
import io

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from app.core.db import db
from app.core.errors import DomainError
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.documents.services import Copies, documents_of, open_verified
from tests.documents.conftest import files_on_disk, rows


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_copies_give_each_document_its_version_key_and_file(place, storage):
    copies = Copies(blank_pdf(), "gabarit.pdf")
    for commune in place.communes:
        copies.add(place.dossier, type=DocumentType.DELIBERATION, etape=Etape.ADHESION,
                   collectivite_code=commune.insee, user=None, filename="deliberation.pdf")
    assert rows() == (0, 0)  # kept until written
    copies.write()
    documents = documents_of(place.dossier)
    assert [d.titre for d in documents] == [f"Délibération — {c.nom}" for c in place.communes]
    versions = [d.current for d in documents]
    assert len({v.storage_key for v in versions}) == 2 and len(files_on_disk(storage)) == 2
    for version in versions:
        assert version.nom_fichier == "deliberation.pdf" and version.numero == 1
        with open_verified(version) as stream:
            assert stream.read() == copies.upload.data


def test_copies_refuse_what_add_document_refuses(place):
    copies = Copies(blank_pdf(), "gabarit.pdf")
    with pytest.raises(DomainError, match="ne fait pas partie du dossier"):
        copies.add(place.dossier, type=DocumentType.DELIBERATION, etape=Etape.ADHESION,
                   collectivite_code="99999", user=None)
    with pytest.raises(DomainError):
        Copies(b"pas un PDF", "gabarit.pdf")
    copies.write()
    assert db.session.scalar(select(DocumentVersion.id)) is None and db.session.scalar(select(Document.id)) is None
