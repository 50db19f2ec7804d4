"""Adding documents and versions to a dossier, and reading them back intact.

Everything is checked before anything is written; the file is stored, then the rows are
flushed, and if the flush fails the file is removed again. The services flush, never commit:
the caller commits once; if it rolls back instead, `discard_uncommitted_files()` removes the
files written since the last commit (the session remembers them).

`Copies` is the bulk path for many documents of the same bytes (the demo's placeholders): the
file is checked once and stored once, each version still gets a key of its own, and the rows
are flushed with the caller's next flush instead of one savepoint each.

Who may add what (generated models, signed conventions) is said once, in `rules.py`, and
enforced here whatever the caller, the bulk path included. This module knows a dossier only as
the object it is given (its id, `signataires()`, `collectivite_names()`, `step_signed_on()`,
`can_attach_signed()`): documents sit below the dossiers feature, which shows them.
"""
import hashlib
import logging
from datetime import date
from functools import cache
from typing import BinaryIO

from flask import current_app
from sqlalchemy import bindparam, case, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from app.core.db import db, insert_returning_ids
from app.core.errors import ConflictError, DomainError
from app.core.formatting import utcnow
from app.core.signals import document_added
from app.core.storage import get_storage
from app.documents import files, rules
from app.documents.models import Document, DocumentType, DocumentVersion, Etape, StepWindow
from app.workflows import history
from app.workflows.states import DocumentEtat

log = logging.getLogger(__name__)

UNCOMMITTED = "jalons_uncommitted_files"


class StoredFileError(Exception):
    """The stored bytes are missing or no longer match their SHA-256: never serve them."""


def max_upload_bytes() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"]


def add_document(dossier, *, type: DocumentType, etape: Etape, file_storage_or_bytes,
                 filename: str | None, user, collectivite_code: str | None = None,
                 titre: str | None = None, avenant=None, generated: bool = False,
                 deliberation_date: date | None = None,
                 deliberation_numero: str | None = None) -> DocumentVersion:
    """A new document of `dossier` with its first version; returns that version (flushed)."""
    document = Document(**_document_fields(
        dossier, type, etape, user, collectivite_code, titre, avenant, generated=generated,
        deliberation_date=deliberation_date, deliberation_numero=deliberation_numero))
    upload = files.inspect(file_storage_or_bytes, filename, max_upload_bytes())
    return _announce(_store(document, upload, user, numero=1, generated=generated), user)


class Copies:
    """One file for many new documents: `add(dossier, …)` is `add_document` with that file,
    checked once (`files.inspect`) and stored once (`Storage.copy` gives each version its key).

    Same rows as `add_document`, kept until `write()` inserts them all in two statements (the
    caller writes before anything reads them: a deposit's guards, say). A rollback followed
    by `discard_uncommitted_files()` removes the files as usual.
    """

    def __init__(self, data: bytes, filename: str):
        self.upload = files.inspect(data, filename, max_upload_bytes())
        self._source = None
        self._pending: list[tuple[dict, dict]] = []  # (document, its first version)

    def _key(self) -> str:
        storage = get_storage()
        if self._source is None or not storage.exists(self._source):
            self._source = key = storage.save(self.upload.data)
        else:
            key = storage.copy(self._source)
        db.session.info.setdefault(UNCOMMITTED, []).append(key)
        return key

    def add(self, dossier, *, type: DocumentType, etape: Etape, user, collectivite_code: str | None = None,
            titre: str | None = None, avenant=None, filename: str | None = None, at=None,
            deliberation_date: date | None = None, deliberation_numero: str | None = None) -> None:
        """A document and its first version; `filename` (checked) names this copy, `at` dates it."""
        document = _document_fields(dossier, type, etape, user, collectivite_code, titre, avenant,
                                    deliberation_date=deliberation_date, deliberation_numero=deliberation_numero)
        upload, at = self.upload, at or utcnow()
        version = dict(
            numero=1, nom_fichier=files.safe_filename(filename) if filename else upload.filename,
            content_type=upload.content_type, taille=upload.size, sha256=upload.sha256,
            storage_key=self._key(), generated=False, uploaded_by_id=_user_id(user), uploaded_at=at,
        )
        self._pending.append((dict(document, created_at=at), version))

    def write(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        # the tables themselves: the ORM adds nothing here
        ids = insert_returning_ids(Document.__table__, [d for d, _ in pending])
        db.session.execute(insert(DocumentVersion.__table__),
                           [dict(v, document_id=i) for (_, v), i in zip(pending, ids)])


def _document_fields(dossier, type, etape, user, collectivite_code, titre, avenant, *, generated: bool = False,
                     deliberation_date: date | None = None, deliberation_numero: str | None = None) -> dict:
    """The checked columns of a new document: its place, who may add it, the délibération's form."""
    type, etape = DocumentType(type), Etape(etape)
    collectivite_code = (collectivite_code or "").strip() or None
    _check_place(dossier, type, etape, collectivite_code, avenant)
    refusal = rules.new_document_refusal(dossier, type, etape, avenant.id if avenant else None, user,
                                         generated=generated)
    if refusal:
        raise DomainError(refusal)
    numero = rules.check_deliberation(type, deliberation_date, deliberation_numero)
    titre = " ".join((titre or "").split())[:300] or _default_title(dossier, type, collectivite_code)
    return dict(
        dossier_id=dossier.id, etape=etape, type=type, collectivite_code=collectivite_code,
        avenant_id=avenant.id if avenant is not None else None, titre=titre,
        created_by_id=_user_id(user), deliberation_date=deliberation_date, deliberation_numero=numero,
    )


def add_version(dossier, document: Document, *, file_storage_or_bytes, filename: str | None, user,
                generated: bool = False, deliberation_date: date | None = None,
                deliberation_numero: str | None = None) -> DocumentVersion:
    """A new version of `document`: it becomes the current one, the previous ones stay.

    For a délibération, a date or a number given here corrects the document's (not once its
    step is signed).
    """
    if document.dossier_id != dossier.id:
        raise DomainError("Ce document n'appartient pas à ce dossier.")
    refusal = rules.version_refusal(dossier, document, user, generated=generated)
    if refusal:
        raise DomainError(refusal)
    numero = rules.check_deliberation(document.type, deliberation_date, deliberation_numero)
    changes = {"deliberation_date": deliberation_date, "deliberation_numero": numero}
    changes = {k: v for k, v in changes.items() if v is not None and v != getattr(document, k)}
    if changes and dossier.step_signed_on(document.etape, document.avenant_id) is not None:
        raise DomainError(rules.DELIBERATION_FROZEN)
    upload = files.inspect(file_storage_or_bytes, filename, max_upload_bytes())
    for name, value in changes.items():
        setattr(document, name, value)
    return _announce(_store(document, upload, user, numero=_next_numero(document), generated=generated), user)


def _announce(version: DocumentVersion, user) -> DocumentVersion:
    """A person's document, stored: the features above may want to tell someone."""
    if not version.generated:
        document_added.send("documents", dossier_id=version.document.dossier_id,
                            document=version.document, version=version, user=user)
    return version


def _check_place(dossier, type, etape, collectivite_code, avenant) -> None:
    if type == DocumentType.DELIBERATION:
        if not collectivite_code:
            raise DomainError("Indiquez la collectivité qui a pris cette délibération.")
        if collectivite_code not in dossier.signataires():
            raise DomainError(
                "Cette collectivité ne fait pas partie du dossier\u00a0: une délibération vient "
                "d'une de ses communes ou de son intercommunalité."
            )
    elif collectivite_code:
        raise DomainError("Seule une délibération est rattachée à une collectivité.")
    if etape == Etape.AVENANT:
        if avenant is None or avenant.dossier_id != dossier.id:
            raise DomainError("Indiquez l'avenant du dossier auquel ce document se rapporte.")
    elif avenant is not None:
        raise DomainError("Seuls les documents de l'étape «\u00a0Avenant\u00a0» sont rattachés à un avenant.")


def _default_title(dossier, type: DocumentType, collectivite_code: str | None) -> str:
    if collectivite_code:
        return f"{type.label} — {dossier.collectivite_names().get(collectivite_code, collectivite_code)}"
    return type.label


def _next_numero(document: Document) -> int:
    if document.id is None:
        return 1
    last = db.session.scalar(
        select(func.max(DocumentVersion.numero)).where(DocumentVersion.document_id == document.id)
    )
    return (last or 0) + 1


def _user_id(user) -> int | None:
    return getattr(user, "id", None) if user is not None else None


def _store(document: Document, upload: files.Upload, user, *, numero: int,
           generated: bool) -> DocumentVersion:
    storage = get_storage()
    key = storage.save(upload.data)
    try:
        # A savepoint: a refused flush undoes only this document, and the session stays usable.
        with db.session.begin_nested():
            version = DocumentVersion(
                document=document, numero=numero, nom_fichier=upload.filename,
                content_type=upload.content_type, taille=upload.size, sha256=upload.sha256,
                storage_key=key, generated=generated, uploaded_by_id=_user_id(user),
            )
            db.session.add(version)
            db.session.flush()
    except IntegrityError:
        storage.delete(key)
        raise ConflictError(
            "Une autre version de ce document vient d'être déposée en même temps. "
            "Rechargez la page pour la voir, puis recommencez si besoin."
        ) from None
    except BaseException:
        storage.delete(key)
        raise
    db.session.info.setdefault(UNCOMMITTED, []).append(key)
    return version


def withdraw(document: Document, user, *, window: StepWindow, role=None, reason: str = ""):
    """Withdraw `document` (its uploader, before the deposit of its step): it stays, with who
    and when, out of the lists and of the steps' counts; a history row of the dossier says it.
    Flushes; returns the history row."""
    refusal = document.withdraw_refusal(user, window)
    if refusal:
        raise DomainError(refusal)
    now = utcnow()
    # Conditional: two withdrawals at once write one row, the other is told.
    done = db.session.execute(
        update(Document).where(Document.id == document.id, Document.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_by_id=user.id)
        .execution_options(synchronize_session="fetch")
    )
    if done.rowcount != 1:
        raise ConflictError("Ce document vient d'être retiré par une autre personne.")
    return history.append(
        dossier_id=document.dossier_id, subject_type="document", subject_id=document.id,
        machine="document", event="retirer", label=f"Document retiré\u00a0: «\u00a0{document.titre}\u00a0»",
        from_state=DocumentEtat.JOINT, to_state=DocumentEtat.RETIRE, user=user, role=role,
        reason=(reason or "").strip() or None, at=now,
    )


def discard_file(version: DocumentVersion | str) -> None:
    """Remove the stored file of a version whose transaction failed to commit."""
    get_storage().delete(version if isinstance(version, str) else version.storage_key)


def discard_uncommitted_files() -> None:
    """After a rollback: remove the files stored since the last commit."""
    for key in db.session.info.pop(UNCOMMITTED, []):
        discard_file(key)


@event.listens_for(Session, "after_commit")
def _files_committed(session):
    session.info.pop(UNCOMMITTED, None)


def documents_of(dossier) -> list[Document]:
    """Every document of the dossier with its versions, uploaders and (if withdrawn) who
    withdrew it, in a bounded number of statements."""
    return list(db.session.scalars(
        select(Document)
        .where(Document.dossier_id == dossier.id)
        .options(selectinload(Document.versions).joinedload(DocumentVersion.uploaded_by),
                 selectinload(Document.withdrawn_by))
        .order_by(Document.created_at, Document.id)
    ))


@cache
def _current_statement(of_avenant: bool):
    """Each document of a step (withdrawn ones aside) that has a version, with its current
    version (the last one, found through the (document, numero) index). Built once: the
    deposits, signatures and the walk of the demo run it at every step."""
    latest = aliased(DocumentVersion)
    current = (select(func.max(latest.numero)).where(latest.document_id == Document.id)
               .correlate(Document).scalar_subquery())
    return (
        select(Document, DocumentVersion)
        .join(DocumentVersion, (DocumentVersion.document_id == Document.id) & (DocumentVersion.numero == current))
        .where(Document.dossier_id == bindparam("dossier_id"), Document.etape == bindparam("etape"),
               Document.withdrawn_at.is_(None), _of_avenant(of_avenant))
        .order_by(Document.id)
    )


def _of_avenant(of_avenant: bool):
    return Document.avenant_id == bindparam("avenant_id") if of_avenant else Document.avenant_id.is_(None)


def _current_versions(dossier, etape: Etape, avenant_id: int | None) -> list[tuple[Document, DocumentVersion]]:
    return db.session.execute(_current_statement(avenant_id is not None),
                              {"dossier_id": dossier.id, "etape": Etape(etape), "avenant_id": avenant_id}).all()


def _record(document: Document, version: DocumentVersion) -> dict:
    return {"document_id": document.id, "version_id": version.id, "numero": version.numero,
            "sha256": version.sha256, "type": document.type.value, "titre": document.titre}


def deposit_record(dossier, etape: Etape, avenant_id: int | None = None) -> list[dict]:
    """What a deposit submits: the current version (id, SHA-256) of each document people
    deposited for the step, Jalons' generated models aside. Kept in the deposit's history row,
    it says what the préfecture instructed, whatever versions come later."""
    return [_record(d, v) for d, v in _current_versions(dossier, etape, avenant_id)
            if d.type != DocumentType.MODELE_GENERE]


def signed_record(dossier, etape: Etape, avenant_id: int | None = None) -> dict | None:
    """The signed convention of the step (the last one attached): its current version."""
    signed = [(d, v) for d, v in _current_versions(dossier, etape, avenant_id) if d.type == DocumentType.CONVENTION_SIGNEE]
    return _record(*signed[-1]) if signed else None


@cache
def _step_statement(of_avenant: bool):
    person_upload = case((DocumentVersion.generated.is_(False), DocumentVersion.uploaded_at))
    return (
        select(Document.type, Document.collectivite_code, func.max(person_upload))
        .outerjoin(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Document.dossier_id == bindparam("dossier_id"), Document.etape == bindparam("etape"),
               Document.withdrawn_at.is_(None), _of_avenant(of_avenant))
        .group_by(Document.id, Document.type, Document.collectivite_code)
    )


def step_documents(dossier_id: int, etape: Etape, avenant_id: int | None = None):
    """(type, collectivité code or "") of the documents of a step, and the latest time a person
    uploaded a version of one of them (files Jalons generated do not count, withdrawn documents
    neither): one statement, built once (every transition's guards read it)."""
    rows = db.session.execute(_step_statement(avenant_id is not None),
                              {"dossier_id": dossier_id, "etape": Etape(etape), "avenant_id": avenant_id}).all()
    documents = frozenset((kind.value, code or "") for kind, code, _ in rows)
    uploads = [at for _, _, at in rows if at is not None]
    return documents, max(uploads, default=None)


def documents_by_step(dossier) -> tuple[list[tuple[Etape, list[Document]]], list[Document]]:
    """The current documents grouped by step, in the order of the lifecycle (empty steps left
    out), and apart the withdrawn ones, latest withdrawn first: one read for both."""
    documents = documents_of(dossier)
    current = [d for d in documents if not d.withdrawn]
    groups = [(etape, [d for d in current if d.etape == etape]) for etape in Etape]
    withdrawn = sorted((d for d in documents if d.withdrawn), key=lambda d: d.withdrawn_at, reverse=True)
    return [(etape, docs) for etape, docs in groups if docs], withdrawn


def open_verified(version: DocumentVersion) -> BinaryIO:
    """An open stream of the version's bytes, positioned at the start, after checking that
    they still hash to what was stored at upload. The same open file is hashed and then
    served: a swap between the check and the download cannot slip through."""
    try:
        stream = get_storage().open(version.storage_key)
    except FileNotFoundError:
        log.error("Fichier absent du stockage : version %s, clé %s", version.id, version.storage_key)
        raise StoredFileError("absent") from None
    digest = hashlib.sha256()
    try:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
        if digest.hexdigest() != version.sha256:
            log.error(
                "Empreinte SHA-256 différente pour la version %s (clé %s) : attendue %s, lue %s",
                version.id, version.storage_key, version.sha256, digest.hexdigest(),
            )
            raise StoredFileError("altéré")
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    return stream
