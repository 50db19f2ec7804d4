"""Communes and EPCI pages (TODO: search, details with their PVD dossier)."""
from flask import Blueprint

bp = Blueprint("referentiel", __name__)


@bp.route("/communes")
def communes():
    return "TODO"


@bp.route("/communes/<insee>")
def commune(insee):
    return "TODO"


@bp.route("/epci")
def epcis():
    return "TODO"


@bp.route("/epci/<siren>")
def epci(siren):
    return "TODO"
