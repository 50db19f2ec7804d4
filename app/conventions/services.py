"""Keeping a generated convention among the documents of the dossier."""
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import select

from app.conventions.pdf import pdf_filename, render_convention
from app.core.db import db
from app.core.signals import transition_applied
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.documents.services import add_document, add_version
from app.dossiers import lifecycle
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
               Document.type == DocumentType.PROJET_CONVENTION, Document.avenant_id.is_(None),
               Document.withdrawn_at.is_(None))
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


@contextmanager
def archiving(enabled: bool):
    """Within the block, deposits archive the generated convention or not (the demo archives
    a sample only: WeasyPrint takes a second a PDF). Outside, the setting ARCHIVE_CONVENTIONS."""
    previous = g.get("archive_conventions")
    g.archive_conventions = enabled
    try:
        yield
    finally:
        g.archive_conventions = previous


def _archive_enabled() -> bool:
    override = g.get("archive_conventions")
    return current_app.config["ARCHIVE_CONVENTIONS"] if override is None else override


def archive_on_deposit(machine: str, *, subject, event: str, user, entry_data: dict, **_):
    """Subscribed to `transition_applied`: a deposit keeps the convention as generated then,
    its version and SHA-256 in the history row."""
    if machine != lifecycle.MACHINE.name or event not in lifecycle.DEPOSITS or not _archive_enabled():
        return
    archived = archive_convention(subject, lifecycle.DEPOSITS[event], user)
    entry_data["payload"]["projet_archive"] = {"version_id": archived.id, "sha256": archived.sha256}


def subscribe() -> None:
    """Called once by create_app."""
    transition_applied.connect(archive_on_deposit)
