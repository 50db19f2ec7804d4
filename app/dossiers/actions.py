"""Lifecycle actions on a dossier: a confirmation page, then one POST that fires the event."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents.models import DocumentType
from app.dossiers.blueprint import bp
from app.dossiers.transitions import FORM_FIELDS, current_step, fire
from app.dossiers.views import get_dossier
from app.dossiers.forms import action_form
from app.workflows.dossier import EVENTS, IRREVERSIBLE


@bp.route("/dossiers/<int:dossier_id>/actions/<event>", methods=["GET", "POST"])
def act(dossier_id, event):
    dossier = get_dossier(dossier_id)
    if event not in EVENTS:
        abort(404)
    label, roles, _ = EVENTS[event]
    if dossier.roles_of(current_user).isdisjoint(roles):
        abort(403)
    fields = FORM_FIELDS.get(event, ())
    form = action_form(fields, dossier.version)
    if form.validate_on_submit():
        stored = []
        try:
            if "signed_file" in fields and form.signed_file.data:
                stored.append(_store_signed_convention(dossier, form.signed_file.data))
            fire(
                dossier, event, current_user,
                expected_version=form.version.data,
                **{name: form[name].data for name in ("reason", "signature_date", "new_deadline")
                   if name in fields},
            )
            db.session.commit()
        except ConflictError as conflict:
            _undo(stored)
            flash(str(conflict), "error")
            return redirect(url_for("dossiers.show", dossier_id=dossier_id))
        except DomainError as refusal:
            _undo(stored)
            form.form_errors.append(str(refusal))
        else:
            flash(f"« {label} » est enregistré.", "success")
            return redirect(url_for("dossiers.show", dossier_id=dossier.id))
    return render_template(
        "dossiers/action.html", dossier=dossier, event=event, label=label, form=form,
        irreversible=event in IRREVERSIBLE, back=url_for("dossiers.show", dossier_id=dossier.id),
    )


def _store_signed_convention(dossier, upload):
    from app.documents.services import add_document

    version = add_document(
        dossier, type=DocumentType.CONVENTION_SIGNEE, etape=current_step(dossier),
        file_storage_or_bytes=upload, filename=upload.filename, user=current_user,
        titre="Convention signée",
    )
    return version


def _undo(stored):
    """The transaction is rolled back; files written for it must go too."""
    from app.documents.services import discard_file

    keys = [version.storage_key for version in stored]  # read before the rollback expires them
    db.session.rollback()
    for key in keys:
        discard_file(key)
