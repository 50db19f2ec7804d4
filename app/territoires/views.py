"""Communes and EPCI pages: reference data, readable by every logged-in user.

A commune page says whether the commune is a Petite ville de demain; it links to the dossier
only for users whose scope includes it (the same rule as the dossier page itself).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.pagination import paginate
from app.territoires import queries
from app.referentiel.models import Commune
from app.referentiel.search import search_communes, search_epcis

bp = Blueprint("territoires", __name__)

EPCI_TYPES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "MET69": "Métropole de Lyon",
}


@bp.app_template_filter("epci_type")
def epci_type(code: str) -> str:
    return EPCI_TYPES.get(code, code)


@bp.route("/communes")
def communes():
    q = request.args.get("q", "").strip()
    page = paginate(search_communes(q).options(selectinload(Commune.epci)))
    pvd = queries.pvd_communes([commune.insee for commune in page.items])
    return render_template("territoires/communes.html", page=page, q=q, pvd=pvd)


@bp.route("/communes/<insee>")
def commune(insee):
    commune = queries.get_commune(insee)
    if commune is None:
        # A code of the older geography (a commune déléguée): send to today's commune.
        former = queries.former_code(insee)
        if former is None:
            abort(404)
        flash(f"{former.nom} ({former.code}) fait aujourd'hui partie de la commune ci-dessous.", "info")
        return redirect(url_for(".commune", insee=former.commune_insee))
    dossier = queries.dossier_of_commune(commune.insee)
    return render_template(
        "territoires/commune.html",
        commune=commune,
        anciennes=queries.former_communes(commune.insee),
        dossier=dossier,
        dossier_visible=dossier is not None and dossier.can_view(current_user),
    )


@bp.route("/epci")
def epcis():
    q = request.args.get("q", "").strip()
    page = paginate(search_epcis(q))
    counts = queries.epci_counts([epci.siren for epci in page.items])
    return render_template("territoires/epcis.html", page=page, q=q, counts=counts)


@bp.route("/epci/<siren>")
def epci(siren):
    epci = queries.get_epci(siren)
    if epci is None:
        abort(404)
    dossiers = queries.epci_dossiers(siren)
    dossier_by_commune = {lien.commune_insee: d for d in dossiers for lien in d.liens_communes}
    return render_template(
        "territoires/epci.html",
        epci=epci,
        communes=queries.epci_communes(siren),
        dossiers=dossiers,
        dossier_by_commune=dossier_by_commune,
        visible=queries.visible_dossier_ids(current_user, dossiers),
    )
