"""Keeping a generated convention among the documents of the dossier."""
from sqlalchemy import select

from app.conventions.pdf import pdf_filename, render_convention
from app.core.db import db
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.documents.services import add_document, add_version
from app.dossiers.models import Dossier


def archive_convention(dossier: Dossier, kind: str, user) -> DocumentVersion:
    """Render the convention and store it as a version of the dossier's "projet de convention"
    of that step: the first archive creates the document, the next ones add versions (earlier
    versions stay). Flushes, never commits; the caller commits, and calls
    `app.documents.services.discard_file(version)` if that commit fails.
    """
    pdf = render_convention(dossier, kind)
    etape = Etape(kind)
    filename = pdf_filename(dossier, kind)
    document = db.session.scalar(
        select(Document)
        .where(Document.dossier_id == dossier.id, Document.etape == etape,
               Document.type == DocumentType.PROJET_CONVENTION, Document.avenant_id.is_(None))
        .order_by(Document.id.desc())
        .limit(1)
    )
    if document is None:
        return add_document(
            dossier, type=DocumentType.PROJET_CONVENTION, etape=etape,
            file_storage_or_bytes=pdf, filename=filename, user=user,
            titre=f"Projet de {etape.label.lower()} (généré par Jalons)", generated=True,
        )
    return add_version(document, file_storage_or_bytes=pdf, filename=filename, user=user,
                       generated=True)
