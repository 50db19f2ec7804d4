"""Home ("Mes dossiers"), the dossier page and its lifecycle actions."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.core.formatting import today_in_paris
from app.core.pagination import paginate
from app.documents.models import Document
from app.dossiers import lifecycle, pages, presentation
from app.dossiers.actions import action_page
from app.dossiers.echeance import StatutEcheance, explanation, programme_end
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.dossiers.queries import departements_for, listed_dossiers, scope_intro, search_dossiers
from app.workflows.history import timeline

bp = Blueprint("dossiers", __name__)


@bp.route("/")
def index():
    if current_user.administers_only:
        return redirect(url_for("admin.users"))  # no dossier to list: their home is the users
    args = request.args
    today = today_in_paris()
    stmt = search_dossiers(
        current_user, args.get("q", ""), args.get("departement", ""), args.get("etat", ""),
        args.get("echeance", ""), today,
    )
    page = paginate(stmt, rows=listed_dossiers)
    return render_template(
        "dossiers/index.html",
        page=page,
        departements=departements_for(current_user),
        scope_intro=scope_intro(current_user),
        etats=list(DossierEtat),
        statuts=list(StatutEcheance),
        today=today,
    )


def get_dossier(dossier_id: int) -> Dossier:
    """Load a dossier the user may see; out of scope answers 404, as if it did not exist."""
    dossier = db.session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id, Dossier.scope_clause(current_user))
        .options(selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune))
    )
    if dossier is None:
        abort(404)
    return dossier


@bp.route("/dossiers/<int:dossier_id>")
def show(dossier_id):
    dossier = get_dossier(dossier_id)
    today = today_in_paris()
    documents = db.session.scalars(
        select(Document)
        .where(Document.dossier_id == dossier.id, Document.withdrawn_at.is_(None))
        .options(selectinload(Document.versions))
        .order_by(Document.etape, Document.type, Document.id)
    ).all()
    roles = dossier.roles_of(current_user)
    can_upload = dossier.can_upload(current_user, roles)
    statut_echeance = dossier.statut_echeance(today)
    entries = timeline(dossier.id)
    deposit, items = pages.deposit_checklist(dossier, lifecycle.facts_of(dossier, today=today),
                                             may_act=can_upload)
    return render_template(
        "dossiers/show.html",
        dossier=dossier,
        avenants=dossier.avenants,
        can_upload=can_upload,
        can_propose_avenant=dossier.can_propose_avenant(current_user, roles),
        next_step=presentation.NEXT_STEP[dossier.etat],
        complements=presentation.pending_complements(dossier, entries),
        deposit=deposit,
        checklist=items,
        statut_echeance=statut_echeance,
        echeance_explication=explanation(statut_echeance, programme_end()),
        choices=lifecycle.available_actions(dossier, current_user, today=today, roles=roles),
        expected=presentation.EXPECTED.get(dossier.etat),
        timeline=entries,
        documents=documents,
    )


@bp.route("/dossiers/<int:dossier_id>/actions/<event>", methods=["GET", "POST"])
def act(dossier_id, event):
    dossier = get_dossier(dossier_id)
    if event not in lifecycle.MACHINE.events:
        abort(404)
    page = pages.action_page(dossier, event, may_upload=dossier.can_upload(current_user))
    return action_page(dossier, dossier, lifecycle.MACHINE, event, page)


@bp.app_template_filter("detail_historique")
def _detail_historique(entry):
    return presentation.entry_detail(entry)


@bp.app_template_filter("intitule_motif")
def _intitule_motif(entry):
    return presentation.reason_label(entry)


@bp.app_template_filter("bouton")
def _bouton(event, expected):
    """The DSFR class of an action's button: `fr-btn`, `fr-btn fr-btn--secondary`…"""
    kind = presentation.button_kind(event, expected)
    return "fr-btn" if kind == "primary" else f"fr-btn fr-btn--{kind}"
