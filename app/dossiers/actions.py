"""The one action page of every machine: a confirmation (or a small form), then one POST.

The dossier's routes (app/dossiers/views.py) and those of its other subjects (avenants,
later fiches action) call `action_page` with their machine.
"""
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template
from flask_login import current_user

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents.models import DocumentType, Etape
from app.documents.services import add_document, discard_uncommitted_files
from app.dossiers.forms import TYPED_FIELDS, action_form
from app.workflows import runner


@dataclass(frozen=True)
class SignedFile:
    """Where the signed PDF attached to a signature goes among the dossier's documents."""

    etape: Etape
    titre: str
    avenant: object = None


def action_page(dossier, subject, machine: runner.Machine, event: str, *, title: str, back: str,
                signed_file: SignedFile):
    """Load → authorize → fire → commit once → redirect, for any machine of a dossier."""
    if event not in machine.events:
        abort(404)
    if not machine.can_fire(subject, event, current_user):
        abort(403)
    rule = machine.events[event]
    form = action_form(rule.fields, subject.version)
    if form.validate_on_submit():
        try:
            if "signed_file" in rule.fields and form.signed_file.data:
                add_document(
                    dossier, type=DocumentType.CONVENTION_SIGNEE, etape=signed_file.etape,
                    avenant=signed_file.avenant, file_storage_or_bytes=form.signed_file.data,
                    filename=form.signed_file.data.filename, user=current_user, titre=signed_file.titre,
                )
            runner.fire(
                subject, machine, event, current_user, expected_version=form.version.data,
                **{name: form[name].data for name in TYPED_FIELDS if name in rule.fields},
            )
            db.session.commit()
        except ConflictError as conflict:
            _undo()
            flash(str(conflict), "error")
            return redirect(back)
        except DomainError as refusal:
            _undo()
            form.form_errors.append(str(refusal))
        else:
            flash(f"«\u00a0{title}\u00a0» est enregistré.", "success")
            return redirect(back)
    return render_template(
        "dossiers/action.html", dossier=dossier, event=event, label=title, form=form,
        irreversible=event in machine.irreversible, back=back,
    )


def _undo():
    """The transaction is rolled back; files written for it must go too."""
    db.session.rollback()
    discard_uncommitted_files()
