"""A partner's pages: what waits for it across its scope (fiches to give an avis on, lines of
its financeur to decide or to pay), and its decision on one line."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.roles import Role
from app.comite import partenaires
from app.comite.access import partner_organisation
from app.comite.forms import DecisionForm
from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.formatting import today_in_paris
from app.core.pagination import paginate
from app.workflows.states import FinancementStatut as S

LISTS = {"avis": "Fiches à examiner", "financements": "Financements à décider"}
NEXT = {S.SOLLICITE: ("accorder", "refuser"), S.ACCORDE: ("verser",)}


PARTNERS_ONLY = "Cette page est celle des partenaires du programme."


def home():
    if not current_user.has_role(Role.PARTENAIRE):
        abort(403, description=PARTNERS_ONLY)
    liste = request.args.get("liste", "avis")
    if liste not in LISTS:
        abort(404)
    if liste == "avis":
        keys, rows = partenaires.fiches_waiting(current_user), partenaires.listed_fiches
    else:
        keys, rows = partenaires.lines_waiting(current_user), partenaires.listed_lines
    page = paginate(keys, rows=rows, count_up_to=partenaires.COUNTED_UP_TO)
    return render_template("comite/partenaire.html", liste=liste, lists=LISTS, page=page,
                           organisation=partner_organisation(current_user),
                           codes=partenaires.financeur_codes(current_user))


def decide(line_id):
    if not current_user.has_role(Role.PARTENAIRE):
        abort(403, description=PARTNERS_ONLY)
    line = partenaires.line_in_scope(line_id, current_user)
    if line is None:
        abort(404)
    refusal = partenaires.decide_refusal(line, current_user)
    if refusal:
        abort(403, description=refusal)
    events = NEXT.get(line.statut, ())
    if not events:
        abort(403, description=f"Cette ligne est «\u00a0{line.statut.label}\u00a0»\u00a0: elle n'attend plus de décision.")
    form = DecisionForm()
    labels = {"accorder": "Accordé", "refuser": "Refusé", "verser": "Versé"}
    form.event.choices = [SelectChoice(e, labels[e]) for e in events]
    if not form.is_submitted():
        form.effective_date.data, form.version.data, form.montant.data = today_in_paris(), line.version, line.montant
    if form.validate_on_submit():
        try:
            partenaires.decide(line, current_user, form.event.data, effective_date=form.effective_date.data,
                               montant=form.montant.data, reason=form.motif.data or "",
                               expected_version=form.version.data)
            db.session.commit()
        except ConflictError as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return redirect(url_for("comite.decide", line_id=line_id))
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            line = partenaires.line_in_scope(line_id, current_user)
        else:
            flash(f"La décision est enregistrée\u00a0: les porteurs de la fiche {line.fiche.code} sont prévenus.", "success")
            return redirect(url_for("comite.partenaire", liste="financements"))
    return render_template("comite/decision.html", line=line, fiche=line.fiche, dossier=line.fiche.dossier, form=form)
