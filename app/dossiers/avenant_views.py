"""Avenant pages: propose one, follow it, act on it."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.forms import Form
from app.documents.models import Document, DocumentType, Etape
from app.dossiers import avenant_service
from app.dossiers.avenants import Avenant
from app.dossiers.blueprint import bp
from app.dossiers.forms import action_form
from app.dossiers.views import get_dossier
from app.workflows import avenant as workflow
from app.workflows.dossier import PORTEURS

AVENANT_FIELDS = {"demander_complements": ("reason",), "signer": ("signature_date", "signed_file")}


class AvenantForm(Form):
    objet = TextAreaField(
        "Objet de l'avenant",
        validators=[DataRequired("Indiquez l'objet de l'avenant."),
                    Length(max=4000, message="L'objet ne peut dépasser 4 000 caractères.")],
        description="Ce que l'avenant change dans la convention-cadre : nouvelle fiche action, périmètre ORT…",
    )


def get_avenant(dossier, numero: int) -> Avenant:
    avenant = db.session.scalar(
        select(Avenant).where(Avenant.dossier_id == dossier.id, Avenant.numero == numero)
    )
    if avenant is None:
        abort(404)
    return avenant


@bp.route("/dossiers/<int:dossier_id>/avenants/nouveau", methods=["GET", "POST"])
def new_avenant(dossier_id):
    dossier = get_dossier(dossier_id)
    if dossier.roles_of(current_user).isdisjoint(PORTEURS):
        abort(403)
    form = AvenantForm()
    if form.validate_on_submit():
        try:
            avenant = avenant_service.create_avenant(dossier, form.objet.data, current_user)
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            flash(f"L'avenant n° {avenant.numero} est créé. Ajoutez le projet d'avenant, puis déposez-le.", "success")
            return redirect(url_for("dossiers.avenant", dossier_id=dossier.id, numero=avenant.numero))
    return render_template("dossiers/avenant_new.html", dossier=dossier, form=form)


@bp.route("/dossiers/<int:dossier_id>/avenants/<int:numero>")
def avenant(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = get_avenant(dossier, numero)
    documents = db.session.scalars(
        select(Document).where(Document.avenant_id == item.id, Document.etape == Etape.AVENANT)
        .order_by(Document.id)
    ).all()
    return render_template(
        "dossiers/avenant.html", dossier=dossier, avenant=item, documents=documents,
        choices=avenant_service.available_actions(item, dossier, current_user),
    )


@bp.route("/dossiers/<int:dossier_id>/avenants/<int:numero>/actions/<event>", methods=["GET", "POST"])
def avenant_act(dossier_id, numero, event):
    dossier = get_dossier(dossier_id)
    item = get_avenant(dossier, numero)
    if event not in workflow.EVENTS:
        abort(404)
    label, roles, _ = workflow.EVENTS[event]
    if dossier.roles_of(current_user).isdisjoint(roles):
        abort(403)
    fields = AVENANT_FIELDS.get(event, ())
    form = action_form(fields, dossier.version)
    back = url_for("dossiers.avenant", dossier_id=dossier.id, numero=item.numero)
    if form.validate_on_submit():
        stored_key = None
        try:
            if "signed_file" in fields and form.signed_file.data:
                from app.documents.services import add_document

                stored_key = add_document(
                    dossier, type=DocumentType.CONVENTION_SIGNEE, etape=Etape.AVENANT, avenant=item,
                    file_storage_or_bytes=form.signed_file.data, filename=form.signed_file.data.filename,
                    user=current_user, titre=f"Avenant n° {item.numero} signé",
                ).storage_key
            avenant_service.fire_avenant(
                item, event, current_user, expected_version=form.version.data,
                **{name: form[name].data for name in ("reason", "signature_date") if name in fields},
            )
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            if stored_key is not None:
                from app.documents.services import discard_file

                discard_file(stored_key)
            if isinstance(refusal, ConflictError):
                flash(str(refusal), "error")
                return redirect(back)
            form.form_errors.append(str(refusal))
        else:
            flash(f"« {label} » est enregistré.", "success")
            return redirect(back)
    return render_template(
        "dossiers/action.html", dossier=dossier, event=event, label=f"{label} n° {item.numero}",
        form=form, irreversible=event in workflow.IRREVERSIBLE, back=back,
    )
