"""Home ("Mes dossiers") and the dossier page."""
from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.documents.models import Document
from app.documents.services import UPLOADERS
from app.dossiers.avenants import Avenant
from app.dossiers.blueprint import bp
from app.dossiers.echeance import StatutEcheance
from app.dossiers.history import HistoryEntry
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.dossiers.presentation import NEXT_STEP
from app.dossiers.queries import departements_for, search_dossiers
from app.dossiers.transitions import available_actions, today_in_paris
from app.workflows.dossier import PORTEURS


@bp.route("/")
def index():
    args = request.args
    today = today_in_paris()
    stmt = search_dossiers(
        current_user, args.get("q", ""), args.get("departement", ""), args.get("etat", ""),
        args.get("echeance", ""), today,
    )
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], max_per_page=100, error_out=False)
    return render_template(
        "dossiers/index.html",
        page=page,
        departements=departements_for(current_user),
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
    timeline = db.session.scalars(
        select(HistoryEntry)
        .where(HistoryEntry.dossier_id == dossier.id)
        .options(selectinload(HistoryEntry.user))
        .order_by(HistoryEntry.id.desc())
    ).all()
    documents = db.session.scalars(
        select(Document)
        .where(Document.dossier_id == dossier.id)
        .options(selectinload(Document.versions))
        .order_by(Document.etape, Document.type, Document.id)
    ).all()
    roles = dossier.roles_of(current_user)
    avenants = db.session.scalars(
        select(Avenant).where(Avenant.dossier_id == dossier.id).order_by(Avenant.numero)
    ).all()
    return render_template(
        "dossiers/show.html",
        dossier=dossier,
        avenants=avenants,
        can_upload=not roles.isdisjoint(UPLOADERS),
        can_propose_avenant=dossier.etat == DossierEtat.MISE_EN_OEUVRE and not roles.isdisjoint(PORTEURS),
        next_step=NEXT_STEP[dossier.etat],
        statut_echeance=dossier.statut_echeance(today),
        choices=available_actions(dossier, current_user, today=today, roles=roles),
        timeline=timeline,
        documents=documents,
    )
