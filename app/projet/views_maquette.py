"""The maquette financière of a dossier: the page, its XLSX and PDF exports (same filters)."""
from flask import Response, render_template, request

from app.core.formatting import today_in_paris
from app.dossiers.views import get_dossier
from app.projet import exports
from app.projet.maquette import maquette
from app.workflows.states import FinancementStatut


def _filtered(dossier):
    annee = request.args.get("annee", type=int)
    known = {s.value for s in FinancementStatut}
    statuts = [s for s in request.args.getlist("statut") if s in known]
    return maquette(dossier, annee if annee and 2000 <= annee <= 2100 else None, statuts)


def show(dossier_id):
    dossier = get_dossier(dossier_id)
    result = _filtered(dossier)
    return render_template("projet/maquette.html", dossier=dossier, maquette=result,
                           statuts=list(FinancementStatut), query=request.query_string.decode())


def _download(body: bytes, mimetype: str, name: str, disposition: str = "attachment") -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx(dossier_id):
    dossier = get_dossier(dossier_id)
    result = _filtered(dossier)
    return _download(exports.maquette_xlsx(dossier, result),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     exports.filename(dossier, result, "xlsx"))


def pdf(dossier_id):
    dossier = get_dossier(dossier_id)
    result = _filtered(dossier)
    return _download(exports.maquette_pdf(dossier, result, today_in_paris()), "application/pdf",
                     exports.filename(dossier, result, "pdf"), "inline")
