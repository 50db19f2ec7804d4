"""Avenant pages: propose one, follow it, act on it (through the dossiers' one action page)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.avenants import lifecycle, pages, services
from app.avenants.models import Avenant
from app.core.db import db
from app.core.errors import DomainError
from app.core.forms import Form
from app.documents.models import Document, Etape
from app.dossiers.actions import action_page
from app.dossiers.checklist import avenant_place
from app.dossiers.views import get_dossier
from app.workflows.history import timeline

bp = Blueprint("avenants", __name__)


class AvenantForm(Form):
    objet = TextAreaField(
        "Objet de l'avenant",
        validators=[DataRequired("Indiquez l'objet de l'avenant."),
                    Length(max=4000, message="L'objet ne peut dépasser 4 000 caractères.")],
        description="Ce que l'avenant change dans la convention-cadre\u00a0: nouvelle fiche action, périmètre ORT…",
    )


def get_avenant(dossier, numero: int) -> Avenant:
    avenant = db.session.scalar(
        select(Avenant).where(Avenant.dossier_id == dossier.id, Avenant.numero == numero)
    )
    if avenant is None:
        abort(404)
    return avenant


@bp.route("/dossiers/<int:dossier_id>/avenants/nouveau", methods=["GET", "POST"])
def new(dossier_id):
    dossier = get_dossier(dossier_id)
    if not dossier.is_porteur(current_user):
        abort(403)
    form = AvenantForm()
    if form.validate_on_submit():
        try:
            avenant = services.create_avenant(dossier, form.objet.data, current_user)
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            flash(f"L'avenant n° {avenant.numero} est créé. Ajoutez le projet d'avenant, puis déposez-le.", "success")
            return redirect(url_for("avenants.show", dossier_id=dossier.id, numero=avenant.numero))
    return render_template("avenants/new.html", dossier=dossier, form=form)


@bp.route("/dossiers/<int:dossier_id>/avenants/<int:numero>")
def show(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = get_avenant(dossier, numero)
    documents = db.session.scalars(
        select(Document).where(Document.avenant_id == item.id, Document.etape == Etape.AVENANT,
                               Document.withdrawn_at.is_(None))
        .order_by(Document.id)
    ).all()
    entries = timeline(dossier.id, "avenant", item.id)
    can_upload = dossier.can_upload(current_user)
    return render_template(
        "avenants/show.html", dossier=dossier, avenant=item, documents=documents,
        choices=lifecycle.available_actions(item, current_user), expected=pages.EXPECTED.get(item.etat),
        next_step=pages.NEXT_STEP[item.etat], checklist=pages.deposit_checklist(item, may_act=can_upload),
        complements=pages.pending_complements(item, entries),
        can_upload=can_upload, upload_place=avenant_place(item), timeline=entries,
    )


@bp.route("/dossiers/<int:dossier_id>/avenants/<int:numero>/actions/<event>", methods=["GET", "POST"])
def act(dossier_id, numero, event):
    dossier = get_dossier(dossier_id)
    item = get_avenant(dossier, numero)
    if event not in lifecycle.MACHINE.events:
        abort(404)
    page = pages.action_page(item, event, may_upload=dossier.can_upload(current_user))
    return action_page(dossier, item, lifecycle.MACHINE, event, page)
