"""The generated texts of a convention: archived at each deposit and at the signature, served
from there once signed.

What Jalons generates is a document of its own kind (MODELE_GENERE), never a version of a
document someone deposited: the porteurs' own draft stays what the préfecture instructs.
- A deposit archives the model generated from the content then (a version of the step's
  "Modèle généré par Jalons"), its version and SHA-256 in the deposit's history row.
- A signature archives the text as signed (a document of its own), and records in the
  signature's row the chefs de projet then in post and, for the cadre, the projet de territoire
  it formalises (strategy, plan d'action, maquette); the convention is from then on served from
  that archive, or, when none was made, printed from what stood at the signature.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app, g
from sqlalchemy import select

from app.conventions import cache, contenu
from app.conventions.context import KINDS, Signature, chefs_de_projet
from app.conventions.pdf import pdf_filename, render_convention
from app.core.db import db
from app.core.errors import DomainError
from app.core.signals import convention_gaps, transition_applied
from app.documents.models import Document, DocumentType, DocumentVersion, Etape
from app.documents.services import StoredFileError, add_document, add_version, open_verified
from app.dossiers import lifecycle
from app.dossiers.models import Dossier
from app.projet.convention import snapshot
from app.workflows.history import HistoryEntry

NAMES = {"adhesion": "convention d'adhésion", "cadre": "convention-cadre"}


def _record(version: DocumentVersion) -> dict:
    return {"version_id": version.id, "sha256": version.sha256}


def archive_model(dossier: Dossier, kind: str, user) -> DocumentVersion:
    """Render the draft and keep it as a version of the step's generated model (created at the
    first deposit; earlier versions stay). Flushes, never commits; the caller commits, and calls
    `app.documents.services.discard_file(version)` if that commit fails."""
    pdf = render_convention(dossier, kind)
    etape = Etape(kind)
    # Before the step is signed, its only generated document is the deposit's model.
    document = db.session.scalar(
        select(Document)
        .where(Document.dossier_id == dossier.id, Document.etape == etape,
               Document.type == DocumentType.MODELE_GENERE, Document.avenant_id.is_(None))
        .order_by(Document.id)
        .limit(1)
    )
    if document is None:
        return add_document(
            dossier, type=DocumentType.MODELE_GENERE, etape=etape, file_storage_or_bytes=pdf,
            filename=pdf_filename(dossier, kind), user=user, generated=True,
            titre=f"Modèle de {NAMES[kind]} généré par Jalons",
        )
    return add_version(dossier, document, file_storage_or_bytes=pdf, filename=pdf_filename(dossier, kind),
                       user=user, generated=True)


def archive_signed(dossier: Dossier, kind: str, signature: Signature, user) -> DocumentVersion:
    """Render the convention as signed and keep it as a document of its own (flushes)."""
    pdf = render_convention(dossier, kind, signature=signature)
    return add_document(
        dossier, type=DocumentType.MODELE_GENERE, etape=Etape(kind), file_storage_or_bytes=pdf,
        filename=pdf_filename(dossier, kind, signed=True), user=user, generated=True,
        titre=f"Texte de la {NAMES[kind]} signée, généré par Jalons",
    )


@contextmanager
def archiving(enabled: bool):
    """Within the block, deposits and signatures archive the generated convention or not (the
    demo archives a sample only: WeasyPrint takes a second a PDF). Outside, the setting
    ARCHIVE_CONVENTIONS."""
    previous = g.get("archive_conventions")
    g.archive_conventions = enabled
    try:
        yield
    finally:
        g.archive_conventions = previous


def _archive_enabled() -> bool:
    override = g.get("archive_conventions")
    return current_app.config["ARCHIVE_CONVENTIONS"] if override is None else override


def archive_on_transition(machine: str, *, subject, event: str, user, entry_data: dict, **_):
    """Subscribed to `transition_applied`: a deposit keeps the model generated then, a signature
    the text as signed; their version and SHA-256 go into the history row."""
    if machine != lifecycle.MACHINE.name:
        return
    payload = entry_data["payload"]
    if event in lifecycle.SIGNATURES:
        kind = lifecycle.SIGNATURES[event]
        projet = snapshot(subject) if kind == "cadre" else None
        signature = Signature(subject.step_signed_on(Etape(kind)), tuple(chefs_de_projet(subject)), projet)
        payload["chefs_de_projet"] = list(signature.chefs_de_projet)
        if projet is not None:
            payload["projet"] = projet
        if _archive_enabled():
            payload["texte_signe"] = _record(archive_signed(subject, kind, signature, user))
    elif event in lifecycle.DEPOSITS and _archive_enabled():
        payload["modele_genere"] = _record(archive_model(subject, lifecycle.DEPOSITS[event], user))


@dataclass
class ServedPdf:
    """What the preview serves: rendered bytes (through the cache: `rendered`, whose files the
    view keeps or removes with its commit), or the stream of an archived version."""

    filename: str
    signed: bool
    rendered: cache.ConventionFile | None = None
    stream: BinaryIO | None = None

    @property
    def data(self) -> bytes | None:
        return self.rendered.data if self.rendered is not None else None


def signature_entry(dossier: Dossier, kind: str) -> HistoryEntry | None:
    return db.session.scalar(
        select(HistoryEntry)
        .where(HistoryEntry.dossier_id == dossier.id, HistoryEntry.subject_type == "dossier",
               HistoryEntry.subject_id == dossier.id, HistoryEntry.event == f"signer_{kind}")
        .order_by(HistoryEntry.seq.desc())
        .limit(1)
    )


def convention_pdf(dossier: Dossier, kind: str, user) -> ServedPdf:
    """The convention `kind` as a reader gets it: the draft of today's content until it is
    signed; signed, the text archived at the signature (its hash checked), or else the text
    printed from what stood at the signature — never from today's data.
    Raises StoredFileError when the archive is missing or altered, cache.TooManyRenders when a
    render is needed and `user` had their share."""
    if kind not in KINDS:
        raise DomainError(f"Type de convention inconnu\u00a0: {kind}")
    signed_on = dossier.step_signed_on(Etape(kind))
    if signed_on is None:
        return ServedPdf(pdf_filename(dossier, kind), False, rendered=cache.convention_pdf(dossier, kind, user))
    entry = signature_entry(dossier, kind)
    payload = entry.payload_dict if entry else {}
    archived = payload.get("texte_signe")
    filename = pdf_filename(dossier, kind, signed=True)
    if archived:
        version = db.session.get(DocumentVersion, archived["version_id"])
        if version is None or version.sha256 != archived["sha256"]:  # the row no longer says so
            raise StoredFileError("archive du texte signé introuvable ou différente")
        return ServedPdf(filename, True, stream=open_verified(version))
    chefs = payload.get("chefs_de_projet")
    signature = Signature(signed_on, tuple(chefs_de_projet(dossier) if chefs is None else chefs),
                          payload.get("projet"))
    return ServedPdf(filename, True, rendered=cache.convention_pdf(dossier, kind, user, signature=signature))


def subscribe() -> None:
    """Called once by create_app."""
    transition_applied.connect(archive_on_transition)
    convention_gaps.connect(contenu.gaps)
