"""The one action page of every machine: a confirmation (or a small form), then one POST.

Every transition that commits someone (a deposit, a validation, a signature, an extension…)
goes through it: it says what confirming does, shows what the step needs, and records the
step. The dossier's routes (app/dossiers/views.py) and those of its other subjects (avenants,
later fiches action) call `action_page` with their machine and an `ActionPage`.
"""
from dataclasses import dataclass, field
from typing import Callable

from flask import abort, flash, redirect, render_template
from flask_login import current_user

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.documents.models import DocumentType, Etape
from app.documents.services import add_document, discard_uncommitted_files
from app.dossiers.forms import TYPED_FIELDS, action_form, keep_version
from app.workflows import runner

NBSP = "\u00a0"
FILE_AGAIN = " Joignez de nouveau le fichier, que le navigateur ne conserve pas."


@dataclass(frozen=True)
class SignedFile:
    """Where the signed PDF attached to a signature goes among the dossier's documents."""

    etape: Etape
    titre: str
    avenant: object = None


@dataclass(frozen=True)
class ActionPage:
    """What the page says around the form of one event on one subject."""

    title: str
    back: str  # the subject's page
    signed_file: SignedFile
    state: Callable[[], str]  # the subject's step, in words (read again after a conflict)
    intro: str = ""  # what confirming does
    details: tuple = ()  # (term, value) pairs shown first: the current deadline…
    checklist: tuple = ()  # app.dossiers.checklist.ChecklistItem: what the step needs
    texts: dict = field(default_factory=dict)  # field name -> forms.FieldText
    file_required: bool = False
    done: Callable[[], str] | None = None  # the flash once recorded (who acts next)
    parent: tuple | None = None  # (label, url) of the subject between the dossier and the page


def action_page(dossier, subject, machine: runner.Machine, event: str, page: ActionPage):
    """Load → authorize → fire → commit once → redirect, for any machine of a dossier."""
    if event not in machine.events:
        abort(404)
    if not machine.can_fire(subject, event, current_user):
        abort(403)
    rule = machine.events[event]
    form = action_form(rule.fields, subject.version, page.texts, file_required=page.file_required)
    status = 200
    if form.validate_on_submit():
        try:
            if "signed_file" in rule.fields and form.signed_file.data:
                add_document(
                    dossier, type=DocumentType.CONVENTION_SIGNEE, etape=page.signed_file.etape,
                    avenant=page.signed_file.avenant, file_storage_or_bytes=form.signed_file.data,
                    filename=form.signed_file.data.filename, user=current_user,
                    titre=page.signed_file.titre,
                )
            runner.fire(
                subject, machine, event, current_user, expected_version=form.version.data,
                **{name: form[name].data for name in TYPED_FIELDS if name in rule.fields},
            )
            db.session.commit()
        except ConflictError:
            # Someone else moved the subject: keep what the user typed, against what is now.
            _undo()
            keep_version(form, subject.version)
            attached = "signed_file" in rule.fields and form.signed_file.data
            form.form_errors.append(_conflict(machine, page) + (FILE_AGAIN if attached else ""))
            status = 409
        except DomainError as refusal:
            _undo()
            form.form_errors.append(str(refusal))
        else:
            flash(page.done() if page.done else f"«\u00a0{page.title}\u00a0» est enregistré.", "success")
            return redirect(page.back)
    return render_template(
        "dossiers/action.html", dossier=dossier, event=event, page=page, form=form,
        irreversible=event in machine.irreversible,
    ), status


def _conflict(machine: runner.Machine, page: ActionPage) -> str:
    subject = machine.subject_phrase
    return (f"{subject[0].upper()}{subject[1:]} a été modifié entre-temps par une autre personne{NBSP}: "
            f"il est maintenant à l'étape «{NBSP}{page.state()}{NBSP}». Votre saisie est conservée "
            f"ci-dessous{NBSP}; vérifiez-la, puis confirmez à nouveau si l'action est toujours à faire.")


def _undo():
    """The transaction is rolled back; files written for it must go too."""
    db.session.rollback()
    discard_uncommitted_files()
