"""The form behind each lifecycle action: only the fields that action needs."""
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form

REQUIRED_DATE = "Indiquez une date au format jj/mm/aaaa."
# What a user types for an event, passed to the machine's facts (the signed file is stored).
TYPED_FIELDS = ("reason", "signature_date", "new_deadline")


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


def action_form(fields: tuple, version: int, **kwargs) -> ActionForm:
    form = ActionForm(**kwargs)
    for name in ("reason", "signature_date", "signed_file", "new_deadline"):
        if name not in fields:
            delattr(form, name)
    if form.version.data is None:
        form.version.data = version
    return form
