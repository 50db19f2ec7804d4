"""The comité de projet's and the partners' routes, listed in one place."""
from flask import Blueprint
from flask_login import current_user

from app.comite import views, views_partenaire as partenaire
from app.comite.access import can_give_avis
from app.comite.avis import avis_by_fiche

bp = Blueprint("comite", __name__)

DOSSIER = "/dossiers/<int:dossier_id>"
COMITE = DOSSIER + "/comite"
REUNION = COMITE + "/reunions/<int:reunion_id>"
FORM = ["GET", "POST"]

RULES = (
    (COMITE, "index", views.index, ["GET"]),
    (COMITE + "/invites/nouveau", "add_guest", views.add_guest, FORM),
    (COMITE + "/invites/<int:guest_id>/retirer", "remove_guest", views.remove_guest, ["POST"]),
    (COMITE + "/reunions/nouvelle", "new_reunion", views.new_reunion, FORM),
    (REUNION, "reunion", views.reunion, ["GET"]),
    (REUNION + "/modifier", "edit_reunion", views.edit_reunion, FORM),
    (REUNION + "/annuler", "cancel_reunion", views.cancel_reunion, FORM),
    (REUNION + "/seance", "seance", views.record_seance, FORM),
    (REUNION + "/proces-verbal/corriger", "correct_pv", views.correct_pv, FORM),
    (DOSSIER + "/fiches/<int:numero>/avis", "avis", views.give_avis, FORM),
    ("/partenaire", "partenaire", partenaire.home, ["GET"]),
    ("/partenaire/financements/<int:line_id>", "decide", partenaire.decide, FORM),
)
for rule, endpoint, view, methods in RULES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)


@bp.app_context_processor
def comite_context():
    """`comite_fiche(fiche)` for the fiche page's block (templates/comite/_fiche_avis.html)."""

    def fiche_block(fiche):
        return {"avis": avis_by_fiche([fiche.id]).get(fiche.id, []),
                "can_give": current_user.is_authenticated and can_give_avis(fiche, current_user)}

    return {"comite_fiche": fiche_block}
