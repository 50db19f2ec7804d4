"""Download the exports (CSV or XLSX) of what the user sees, and the page of their columns.

The filters are those of the home list (`?q=&departement=&etat=&echeance=`): the button
under a filtered list exports that list. Any logged-in user may export: the scope decides
the rows (an admin with no programme role gets the headers alone). The CSV is streamed; an
XLSX too large to be written in the request (app/exports/demandes.py) is prepared in the
background: the XLSX buttons post, and the user finds the file in the notifications and on
« Mes exports ».
"""
from flask import (
    Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file,
    stream_with_context, url_for,
)
from flask_login import current_user

from app.core.db import db
from app.core.formatting import today_in_paris
from app.core.storage import get_storage
from app.exports import demandes, queries, writers
from app.exports.columns import EXPORTS
from app.exports.models import ExportDemande, ExportEtat

bp = Blueprint("exports", __name__, url_prefix="/exports")

FILTERS = ("q", "departement", "etat", "echeance")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _filters() -> dict:
    return {name: request.args.get(name, "") for name in FILTERS}


def export_response(kind: str, extension: str) -> Response:
    """The file, written as it is sent (an XLSX small enough: `demandes.too_large`)."""
    title, _, columns = EXPORTS[kind]
    today = today_in_paris()
    rows = queries.ROWS[kind](current_user._get_current_object(), _filters(), today)
    handle = None
    if extension == "csv":
        body = stream_with_context(writers.csv_chunks(columns, rows))
    else:
        handle = writers.xlsx_file(columns, rows, title)
        body = writers.file_chunks(handle)
    response = Response(body, mimetype=MIMETYPES[extension])
    if handle is not None:
        response.call_on_close(handle.close)  # even if the body is never read (HEAD)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="jalons-{kind}-{today.isoformat()}.{extension}"')
    return response


def download(kind: str, extension: str):
    """GET: the CSV, or an XLSX small enough; a larger XLSX is not written here (it would hold
    the worker for up to a minute): the page « Mes exports » offers to prepare it."""
    if extension == "xlsx" and demandes.too_large(kind, current_user, _filters(), today_in_paris()):
        flash(f"L'export «\u00a0{EXPORTS[kind][0]}\u00a0» en XLSX est trop volumineux pour être produit "
              "immédiatement\u00a0: préparez-le ci-dessous, il arrivera dans vos notifications (ou prenez le "
              "CSV, produit aussitôt).", "warning")
        return redirect(url_for("exports.demandes", **{k: v for k, v in _filters().items() if v}))
    return export_response(kind, extension)


@bp.route("/dossiers.<any(csv, xlsx):extension>")
def dossiers(extension):
    return download("dossiers", extension)


@bp.route("/fiches.<any(csv, xlsx):extension>")
def fiches(extension):
    return download("fiches", extension)


@bp.route("/<any(dossiers, fiches):kind>.xlsx", methods=["POST"])
def preparer(kind):
    """The XLSX buttons: the file at once when it is small, otherwise prepared in the background
    (or the one already prepared from the same data)."""
    user, today = current_user._get_current_object(), today_in_paris()
    if not demandes.too_large(kind, user, _filters(), today):
        return export_response(kind, "xlsx")
    row = demandes.request_export(user, kind, _filters(), today)
    db.session.commit()
    if row.etat == ExportEtat.PRET:
        return redirect(url_for("exports.demande", demande_id=row.id), 303)
    flash(f"L'export «\u00a0{EXPORTS[kind][0]}\u00a0» (XLSX) est en préparation\u00a0: il arrivera dans vos "
          "notifications dans quelques minutes.", "info")
    return redirect(url_for("exports.demandes"), 303)


@bp.route("/demandes", endpoint="demandes")
def demandes_page():
    """« Mes exports »: the XLSX prepared or being prepared, and the buttons to prepare one."""
    kept = {name: value for name, value in _filters().items() if value}
    return render_template("exports/demandes.html", demandes=demandes.requests_of(current_user), filters=kept,
                           exports=EXPORTS)


@bp.route("/demandes/<int:demande_id>.xlsx")
def demande(demande_id):
    """A prepared export, for its requester alone (its rows are those of their scope)."""
    row = db.session.get(ExportDemande, demande_id)
    if row is None or row.user_id != current_user.id or row.etat not in (ExportEtat.PRET, ExportEtat.EXPIRE):
        abort(404)
    if row.etat == ExportEtat.EXPIRE:  # a link of an old notification
        flash(f"Cet export n'est plus disponible\u00a0: un export préparé est gardé "
              f"{current_app.config['PREPARED_FILES_DAYS']}\u00a0jours. Préparez-le à nouveau ci-dessous.", "info")
        return redirect(url_for("exports.demandes"), 303)
    return send_file(get_storage().open(row.fichier), mimetype=MIMETYPES["xlsx"], as_attachment=True,
                     download_name=row.filename)


@bp.route("/colonnes")
def colonnes():
    kept = {name: value for name, value in _filters().items() if value}
    return render_template("exports/colonnes.html", exports=EXPORTS, filters=kept)
