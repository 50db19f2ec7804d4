"""The preview of a convention as PDF, for whoever can see the dossier."""
from flask import Blueprint, Response, abort
from flask_login import current_user

from app.conventions import cache
from app.conventions.context import KINDS
from app.conventions.pdf import pdf_filename
from app.core.db import db
from app.dossiers.views import get_dossier

bp = Blueprint("conventions", __name__)


@bp.route("/dossiers/<int:dossier_id>/conventions/<kind>.pdf")
def preview(dossier_id, kind):
    if kind not in KINDS:
        abort(404)
    dossier = get_dossier(dossier_id)  # out of scope: 404
    try:
        pdf = cache.convention_pdf(dossier, kind, current_user)
    except cache.TooManyRenders as error:
        abort(429, description=str(error))
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        cache.discard(pdf)
        raise
    cache.remove_obsolete(pdf)
    response = Response(pdf.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(dossier, kind)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A draft of the dossier's data: neither shared caches nor the browser keep it.
    response.headers["Cache-Control"] = "no-store"
    return response
