"""Documents pages of a dossier: list by step, upload, new version, download.

Each view loads (404 out of scope), authorizes (403), calls one service, commits once.
The documents themselves (app/documents) know nothing of scopes: the dossier decides.
"""
from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.db import db
from app.core.errors import DomainError
from app.core.storage import get_storage
from app.documents import files, rules, services
from app.documents.forms import UploadForm, VersionForm, WithdrawForm
from app.documents.models import Document, DocumentType, DocumentVersion
from app.dossiers import withdrawals
from app.dossiers.models import Dossier
from app.dossiers.views import get_dossier

bp = Blueprint("documents", __name__)


@bp.app_template_filter("taille_fr")
def _taille_fr(size):
    return files.taille_fr(size)


@bp.app_template_filter("format_fichier")
def _format_fichier(content_type):
    return files.format_label(content_type)


@bp.errorhandler(413)
def request_too_large(error):
    """The body went past MAX_CONTENT_LENGTH before any view ran (even the CSRF check):
    back to the form, with the limit said in words, rather than a dead end."""
    flash(files.too_large_message(services.max_upload_bytes()), "error")
    args = request.view_args or {}
    if request.endpoint in ("documents.upload", "documents.new_version"):
        return redirect(url_for(request.endpoint, **args), 303)
    return render_template("errors/413.html", error=error), 413


def _authorize_upload(dossier) -> None:
    if not dossier.can_upload(current_user):
        abort(403)


def visible_version(version_id: int, user) -> DocumentVersion | None:
    """The version, if its dossier is in the user's scope (the same rule as the lists)."""
    return db.session.scalar(
        select(DocumentVersion)
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(Dossier, Dossier.id == Document.dossier_id)
        .where(DocumentVersion.id == version_id, Dossier.scope_clause(user))
        .options(joinedload(DocumentVersion.document))
    )


def _get_document(dossier, document_id: int) -> Document:
    document = db.session.scalar(
        select(Document).where(Document.id == document_id, Document.dossier_id == dossier.id)
    )
    if document is None:
        abort(404)
    return document


def _presigned_url(version: DocumentVersion) -> str | None:
    """With S3_PRESIGNED_SECONDS (S3 only, off by default): the bucket's own address for this
    version, for that long, once the scope was checked, if the bucket's checksum of the object is
    the database's SHA-256; otherwise None, and the file is served here after hashing it."""
    seconds = current_app.config["S3_PRESIGNED_SECONDS"]
    if not seconds:
        return None
    return get_storage().download_url(version.storage_key, version.sha256, filename=version.nom_fichier,
                                      content_type=version.content_type, seconds=seconds)


def _commit(version) -> None:
    """One commit; if it fails, the file written for it goes too."""
    key = version.storage_key
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        services.discard_file(key)
        raise


def _form_error(form, error: DomainError) -> None:
    if isinstance(error, files.FileRefused):
        form.fichier.errors = [*form.fichier.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _back(dossier, retour: str, avenant=None) -> str:
    """The page an upload started from: the dossier, the avenant, or the documents list."""
    if retour == "avenant" and avenant is not None:
        return url_for("avenants.show", dossier_id=dossier.id, numero=avenant.numero)
    if retour == "dossier":
        return url_for("dossiers.show", dossier_id=dossier.id)
    return url_for("documents.index", dossier_id=dossier.id)


def _hint() -> str:
    return files.accepted_formats_hint(services.max_upload_bytes())


@bp.route("/dossiers/<int:dossier_id>/documents")
def index(dossier_id):
    dossier = get_dossier(dossier_id)
    roles = dossier.roles_of(current_user)
    steps, withdrawn = services.documents_by_step(dossier)
    attaches = dossier.can_attach_signed(current_user, roles)
    # Documents that take no new version from this user (generated, signed), with the reason.
    closed = {d.id: rules.version_refusal(dossier, d, current_user, attaches_signed=attaches)
              for _, documents in steps for d in documents}
    return render_template(
        "documents/index.html", dossier=dossier, steps=steps, withdrawn=withdrawn,
        windows=withdrawals.windows(dossier),
        avenants={a.id: a for a in dossier.avenants},
        collectivites=dossier.collectivite_names(),
        may_upload=dossier.can_upload(current_user, roles), closed=closed,
    )


@bp.route("/dossiers/<int:dossier_id>/documents/nouveau", methods=["GET", "POST"])
def upload(dossier_id):
    dossier = get_dossier(dossier_id)
    _authorize_upload(dossier)
    avenants = list(dossier.avenants)
    form = UploadForm()
    form.set_choices(dossier, avenants)
    if request.method == "GET":
        # The checklists link here for a given document ("?type=deliberation&collectivite=…").
        form.prefill(request.args, dossier.current_step().value)
    if form.validate_on_submit():
        etape, avenant = form.chosen_step(avenants)
        type_ = DocumentType(form.type.data)
        refusal = rules.new_document_refusal(dossier, type_, etape, avenant.id if avenant else None,
                                             current_user)
        if refusal:
            abort(403, description=refusal)
        try:
            version = services.add_document(
                dossier, type=type_, etape=etape, avenant=avenant,
                file_storage_or_bytes=form.fichier.data, filename=form.fichier.data.filename,
                user=current_user, collectivite_code=form.collectivite.data if form.is_deliberation() else None,
                titre=form.titre.data, **form.deliberation_data(),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            _commit(version)
            flash(f"Document «\u00a0{version.document.titre}\u00a0» ajouté.", "success")
            return redirect(_back(dossier, form.retour.data, avenant))
    form.offer_types(dossier.can_attach_signed(current_user))
    return render_template("documents/upload.html", dossier=dossier, form=form, hint=_hint(),
                           back=_back(dossier, form.retour.data, form.chosen_avenant(avenants)))


@bp.route("/dossiers/<int:dossier_id>/documents/<int:document_id>/versions", methods=["GET", "POST"])
def new_version(dossier_id, document_id):
    dossier = get_dossier(dossier_id)
    document = _get_document(dossier, document_id)
    _authorize_upload(dossier)
    refusal = rules.version_refusal(dossier, document, current_user)
    if refusal:
        abort(403, description=refusal)
    form = VersionForm(document)
    if form.validate_on_submit():
        try:
            version = services.add_version(
                dossier, document, file_storage_or_bytes=form.fichier.data,
                filename=form.fichier.data.filename, user=current_user, **form.deliberation_data(),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            _commit(version)
            flash(f"Version {version.numero} de «\u00a0{document.titre}\u00a0» ajoutée.", "success")
            return redirect(url_for("documents.index", dossier_id=dossier.id))
    return render_template(
        "documents/version.html", dossier=dossier, document=document, form=form, hint=_hint()
    )


@bp.route("/dossiers/<int:dossier_id>/documents/<int:document_id>/retirer", methods=["GET", "POST"])
def withdraw(dossier_id, document_id):
    dossier = get_dossier(dossier_id)
    document = _get_document(dossier, document_id)
    if not document.can_withdraw(current_user, withdrawals.windows(dossier).of(document)):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            withdrawals.withdraw_document(dossier, document, current_user, form.reason.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(f"Document «\u00a0{document.titre}\u00a0» retiré. Il reste consultable parmi les documents retirés "
                  "et dans l'historique du dossier.", "success")
            return redirect(url_for("documents.index", dossier_id=dossier.id))
    return render_template("documents/withdraw.html", dossier=dossier, document=document, form=form,
                           collectivites=dossier.collectivite_names())


@bp.route("/documents/versions/<int:version_id>/telecharger")
def download(version_id):
    version = visible_version(version_id, current_user)
    if version is None:
        abort(404)
    url = _presigned_url(version)
    if url is not None:
        response = redirect(url)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    try:
        stream = services.open_verified(version)
    except services.StoredFileError:
        return render_template("documents/file_unavailable.html", version=version), 500
    response = send_file(
        stream, mimetype=version.content_type, as_attachment=True,
        download_name=version.nom_fichier, conditional=False, etag=False, max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
