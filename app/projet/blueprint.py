"""The projet de territoire's routes, listed in one place (the views live in their modules)."""
from flask import Blueprint, current_app, has_request_context, request
from flask_login import current_user

from app.projet import (
    views_fiches as fiches, views_maquette as maquette, views_strategie as strategie, views_territoire as territoire,
)
from app.projet.summary import summary

bp = Blueprint("projet", __name__)

DOSSIER = "/dossiers/<int:dossier_id>"
FICHE = DOSSIER + "/fiches/<int:numero>"
FORM = ["GET", "POST"]

RULES = (
    (DOSSIER + "/projet", "plan", strategie.plan, ["GET"]),
    (DOSSIER + "/projet/axes/nouveau", "new_axe", strategie.new_axe, FORM),
    (DOSSIER + "/projet/axes/<int:axe_id>/modifier", "edit_axe", strategie.edit_axe, FORM),
    (DOSSIER + "/projet/axes/<int:axe_id>/indicateurs/nouveau", "new_indicateur", strategie.new_indicateur, FORM),
    (DOSSIER + "/projet/indicateurs/<int:indicateur_id>", "indicateur", strategie.indicateur, FORM),
    (DOSSIER + "/fiches/nouvelle", "new_fiche", fiches.new_fiche, FORM),
    (FICHE, "fiche", fiches.fiche, ["GET"]),
    (FICHE + "/modifier", "edit_fiche", fiches.edit_fiche, FORM),
    (FICHE + "/actions/<event>", "act", fiches.act, FORM),
    (FICHE + "/financements/nouveau", "new_line", fiches.new_line, FORM),
    (FICHE + "/financements/<int:line_id>/modifier", "edit_line", fiches.edit_line, FORM),
    (FICHE + "/financements/<int:line_id>/etape", "line_step", fiches.line_step, ["POST"]),
    (FICHE + "/notes", "add_note", fiches.add_note, ["POST"]),
    (FICHE + "/indicateurs/nouveau", "new_fiche_indicateur", fiches.new_fiche_indicateur, FORM),
    (DOSSIER + "/maquette", "maquette", maquette.show, ["GET"]),
    (DOSSIER + "/maquette.xlsx", "maquette_xlsx", maquette.xlsx, ["GET"]),
    (DOSSIER + "/maquette.pdf", "maquette_pdf", maquette.pdf, ["GET"]),
    (DOSSIER + "/chef-de-projet", "postes", territoire.postes_page, ["GET"]),
    (DOSSIER + "/chef-de-projet/nouveau", "new_poste", territoire.edit_poste, FORM),
    (DOSSIER + "/chef-de-projet/<int:poste_id>/modifier", "edit_poste", territoire.edit_poste, FORM),
    (DOSSIER + "/chef-de-projet/<int:poste_id>/cofinancements", "set_cofinancement", territoire.set_cofinancement,
     ["POST"]),
    (DOSSIER + "/revitalisation", "revitalisation", territoire.revitalisation_page, ["GET"]),
    (DOSSIER + "/revitalisation/<insee>/modifier", "edit_commune", territoire.edit_commune, FORM),
    (DOSSIER + "/revitalisation/secteurs/nouveau", "new_secteur", territoire.new_secteur, FORM),
)
for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)


@bp.app_context_processor
def projet_context():
    """`projet_summary(dossier)` for the dossier page's block (templates/projet/_summary.html)."""
    return {"projet_summary": lambda dossier: summary(dossier, current_user)}


@bp.url_defaults
def keep_dossier(endpoint, values):
    """Links between the projet's pages (the pagination's among them) stay on the same dossier."""
    view_args = request.view_args if has_request_context() else None
    if (view_args and "dossier_id" in view_args and "dossier_id" not in values
            and current_app.url_map.is_endpoint_expecting(endpoint, "dossier_id")):
        values["dossier_id"] = view_args["dossier_id"]
