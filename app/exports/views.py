"""Download the exports (CSV or XLSX) of what the user sees, and the page of their columns.

The filters are those of the home list (`?q=&departement=&etat=&echeance=`): the button
under a filtered list exports that list. Any logged-in user may export: the scope decides
the rows (an admin with no programme role gets the headers alone).
"""
from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from app.core.formatting import today_in_paris
from app.exports import queries, writers
from app.exports.columns import EXPORTS

bp = Blueprint("exports", __name__, url_prefix="/exports")

FILTERS = ("q", "departement", "etat", "echeance")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _filters() -> dict:
    return {name: request.args.get(name, "") for name in FILTERS}


def export_response(kind: str, extension: str) -> Response:
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


@bp.route("/dossiers.<any(csv, xlsx):extension>")
def dossiers(extension):
    return export_response("dossiers", extension)


@bp.route("/fiches.<any(csv, xlsx):extension>")
def fiches(extension):
    return export_response("fiches", extension)


@bp.route("/colonnes")
def colonnes():
    kept = {name: value for name, value in _filters().items() if value}
    return render_template("exports/colonnes.html", exports=EXPORTS, filters=kept)
