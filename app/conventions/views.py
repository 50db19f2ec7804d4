"""The conventions of a dossier: their content (read by whoever sees the dossier, written by
its porteurs while it is drafted) and their PDF (a draft, or the text as signed)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from app.conventions import cache, contenu as contenus
from app.conventions.context import KINDS
from app.conventions.forms import contenu_form
from app.conventions.redaction import save_contenu
from app.conventions.services import NAMES, convention_pdf
from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents.models import Etape
from app.documents.services import StoredFileError
from app.dossiers.models import CONVENTION_NAMES
from app.dossiers.views import get_dossier

bp = Blueprint("conventions", __name__)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        abort(404)
    return kind


@bp.route("/dossiers/<int:dossier_id>/conventions/<kind>.pdf")
def preview(dossier_id, kind):
    _kind(kind)
    dossier = get_dossier(dossier_id)  # out of scope: 404
    try:
        pdf = convention_pdf(dossier, kind, current_user)
    except StoredFileError:
        return render_template("conventions/unavailable.html", dossier=dossier), 500
    except cache.TooManyRenders as error:
        abort(429, description=str(error))
    if pdf.rendered is not None:
        try:
            db.session.commit()  # the cache entry of a new render
        except Exception:
            db.session.rollback()
            cache.discard(pdf.rendered)
            raise
        cache.remove_obsolete(pdf.rendered)
    if pdf.stream is not None:
        response = send_file(pdf.stream, mimetype="application/pdf", conditional=False, etag=False, max_age=0)
    else:
        response = Response(pdf.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A draft of the dossier's data: neither shared caches nor the browser keep it.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/dossiers/<int:dossier_id>/conventions/<kind>/contenu")
def contenu(dossier_id, kind):
    _kind(kind)
    dossier = get_dossier(dossier_id)
    return render_template(
        "conventions/contenu.html", dossier=dossier, contenu=contenus.read(dossier, kind),
        name=CONVENTION_NAMES[kind], noun=NAMES[kind], sections=contenus.SECTIONS.items(),
        can_edit=dossier.can_edit_contenu(current_user, kind),
        signed_on=dossier.step_signed_on(Etape(kind)),
    )


@bp.route("/dossiers/<int:dossier_id>/conventions/<kind>/contenu/modifier", methods=["GET", "POST"])
def modifier_contenu(dossier_id, kind):
    _kind(kind)
    dossier = get_dossier(dossier_id)
    refusal = dossier.contenu_refusal(current_user, kind)
    if refusal:
        abort(403, description=refusal)
    form = contenu_form(contenus.read(dossier, kind))
    back = url_for("conventions.contenu", dossier_id=dossier.id, kind=kind)
    if form.validate_on_submit():
        try:
            changed = save_contenu(dossier, kind, form.saisie(), current_user,
                                   expected_version=form.version.data)
            db.session.commit()
        except ConflictError as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return redirect(back)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(f"Contenu de {CONVENTION_NAMES[kind]} enregistré." if changed
                  else "Aucune modification à enregistrer.", "success" if changed else "info")
            return redirect(back)
    return render_template("conventions/contenu_form.html", dossier=dossier, form=form,
                           contenu=form.contenu, name=CONVENTION_NAMES[kind], back=back)
