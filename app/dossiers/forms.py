"""The form behind each lifecycle action: only the fields that action needs, worded for it."""
from dataclasses import dataclass

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form

REQUIRED_DATE = "Indiquez une date au format jj/mm/aaaa."
# What a user types for an event, passed to the machine's facts (the signed file is stored).
TYPED_FIELDS = ("reason", "signature_date", "new_deadline")
FIELDS = ("reason", "signature_date", "signed_file", "new_deadline")


@dataclass(frozen=True)
class FieldText:
    """How a field reads for one event: its label, its hint, the message when left empty."""

    label: str
    description: str | None = None
    required: str | None = None
    render_kw: dict | None = None


class ActionForm(Form):
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    reason = TextAreaField(
        "Motif",
        validators=[DataRequired("Indiquez le motif\u00a0: il sera conservé dans l'historique du dossier."),
                    Length(max=4000, message="Le motif ne peut dépasser 4 000 caractères.")],
        description="Il sera visible dans l'historique du dossier par toutes les personnes qui le suivent.",
    )
    signature_date = DateField("Date de signature", validators=[DataRequired(REQUIRED_DATE)],
                               description="La date de la dernière signature apposée.")
    signed_file = FileField(
        "Convention signée (PDF)",
        validators=[Optional()],
        description="Le PDF de la convention portant toutes les signatures. Taille maximale\u00a0: 20 Mo.",
    )
    new_deadline = DateField("Nouvelle date limite de signature de la convention-cadre",
                             validators=[DataRequired(REQUIRED_DATE)])


def action_form(fields: tuple, version: int, texts: dict | None = None, *, file_required: bool = False,
                **kwargs) -> ActionForm:
    """The form of an event: its `fields`, worded by `texts` (field name -> FieldText); the
    signed file required unless the step already holds one."""
    form = ActionForm(**kwargs)
    for name in FIELDS:
        if name not in fields:
            delattr(form, name)
    for name, text in (texts or {}).items():
        if name in fields:
            _word(form[name], text)
    if "signed_file" in fields and file_required:
        message = f"Joignez le fichier\u00a0: {form.signed_file.label.text}."
        form.signed_file.validators = [FileRequired(message)]
        form.signed_file.flags.required = True
    if form.version.data is None:
        form.version.data = version
    return form


def _word(field, text: FieldText) -> None:
    field.label.text = text.label
    if text.description is not None:
        field.description = text.description
    if text.required:
        field.validators = [DataRequired(text.required) if isinstance(v, DataRequired) else v
                            for v in field.validators]
    if text.render_kw:
        field.render_kw = {**(field.render_kw or {}), **text.render_kw}


def keep_version(form: ActionForm, version: int) -> None:
    """Re-display a form against the subject's current version (after a conflict): what the
    user typed stays, and a new submission is checked against what they now see."""
    form.version.data = version
    form.version.raw_data = [str(version)]
