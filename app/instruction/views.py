"""The préfecture's workspace: what waits for instruction, what nears the 18-month deadline,
what happened lately — for the dossiers of its département(s)."""
from datetime import date

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.avenants.models import Avenant, AvenantEtat
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers.echeance import COUNTDOWN, StatutEcheance as S, add_months
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E
from app.dossiers.queries import echeance_condition, open_rule
from app.workflows.history import HistoryEntry

bp = Blueprint("instruction", __name__)

WAITING = {E.ADHESION_DEPOSEE: Dossier.adhesion_deposee_le, E.CADRE_DEPOSEE: Dossier.cadre_deposee_le}


def deadline_counts(scope, today: date) -> dict:
    """How many open dossiers of the scope are in each countdown status: one statement."""
    statuses = [status for status, _ in COUNTDOWN] + [S.DANS_LES_DELAIS, S.AU_DELA_FIN_PROGRAMME]
    row = db.session.execute(
        select(*(func.coalesce(func.sum(case((echeance_condition(s, today), 1), else_=0)), 0)
                 for s in statuses)).where(scope)
    ).one()
    return dict(zip(statuses, row))


ACTIVITY_ORDER = (HistoryEntry.at.desc(), HistoryEntry.id.desc())


def latest_entries(scope, limit: int):
    """The ids of the latest history rows of the scope's dossiers, a subquery: picked among the
    entries of ix_history_entry_dossier_at (dossier, date, id) alone, then only those rows are
    read; sorting the rows themselves read every row of the département's history (2,110 at
    ten times the programme) for the 15 shown."""
    return (select(HistoryEntry.id).join(Dossier, Dossier.id == HistoryEntry.dossier_id)
            .where(scope).order_by(*ACTIVITY_ORDER).limit(limit))


def can_instruct(user) -> bool:
    """The workspace is the préfecture's: the dossiers of its département(s)."""
    return Role.PREFECTURE in Dossier.role_conditions(user)


@bp.route("/instruction")
def workspace():
    if not can_instruct(current_user):
        abort(403)
    scope = Dossier.role_conditions(current_user)[Role.PREFECTURE]
    today = today_in_paris()
    load = (selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune),)
    deposited = case(*((Dossier.etat == etat, column) for etat, column in WAITING.items()))
    waiting = db.session.execute(
        select(Dossier, deposited.label("depose_le"))
        .where(scope, Dossier.etat.in_(WAITING))
        .options(*load)
        .order_by(deposited, Dossier.id)
    ).all()
    avenants = db.session.execute(
        select(Avenant, Dossier)
        .join(Dossier, Dossier.id == Avenant.dossier_id)
        .where(scope, Avenant.etat == AvenantEtat.DEPOSE)
        .order_by(Avenant.depose_le)
    ).all()
    near = db.session.scalars(
        select(Dossier)
        .where(scope, open_rule(), Dossier.echeance_cadre < add_months(today, 6))
        .options(*load)
        .order_by(Dossier.echeance_cadre, Dossier.id)
    ).all()
    activity = db.session.execute(
        select(HistoryEntry, Dossier.nom)
        .join(Dossier, Dossier.id == HistoryEntry.dossier_id)
        .where(HistoryEntry.id.in_(latest_entries(scope, 15)))
        .options(selectinload(HistoryEntry.user))
        .order_by(*ACTIVITY_ORDER)
    ).all()
    return render_template(
        "instruction/workspace.html", today=today, waiting=waiting, avenants=avenants, near=near,
        activity=activity, counts=deadline_counts(scope, today),
    )
