"""Forms of the comité de projet and of the partners. The séance's sheet (one line per person,
one decision per fiche) is read from the request by the view: its fields depend on the
meeting."""
from wtforms import (
    DateField, EmailField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
    TextAreaField, TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.comite.models import AvisSens
from app.core.forms import Form
from app.projet.forms import DATE, MoneyField


class GuestForm(Form):
    nom = StringField("Nom et prénom", validators=[DataRequired("Indiquez le nom de l'invité."), Length(max=200)])
    email = EmailField("Adresse électronique", validators=[
        DataRequired("Indiquez l'adresse électronique de l'invité."), Email("Cette adresse électronique n'est pas valable."),
        Length(max=254)])
    organisation = StringField("Organisation", validators=[DataRequired("Indiquez son organisation."), Length(max=200)],
                               description="Par exemple\u00a0: CAUE de la Charente-Maritime")


class ReunionForm(Form):
    jour = DateField("Date", validators=[DataRequired(DATE)], description="Heure de Paris.")
    heure = TimeField("Heure de début", validators=[DataRequired("Indiquez l'heure (hh:mm).")])
    duree = IntegerField("Durée (minutes)", default=120,
                         validators=[InputRequired("Indiquez la durée."), NumberRange(min=15, max=600)])
    lieu = StringField("Lieu", validators=[Optional(), Length(max=300)],
                       description="Par exemple\u00a0: salle du conseil, mairie de Jonzac")
    lien_visio = StringField("Lien de la visioconférence", validators=[Optional(), Length(max=500)],
                             description="Facultatif si un lieu est indiqué\u00a0; commence par https://")
    fiches = SelectMultipleField("Fiches action soumises à l'ordre du jour", coerce=int, validate_choice=False)
    autres_points = TextAreaField("Autres points de l'ordre du jour", validators=[Optional(), Length(max=4000)],
                                  description="Un point par ligne, après les fiches.")
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class CancelForm(Form):
    motif = TextAreaField("Motif de l'annulation", validators=[DataRequired("Indiquez le motif."), Length(max=2000)])


class AvisForm(Form):
    sens = RadioField("Avis", choices=[SelectChoice(s.value, s.label) for s in AvisSens],
                      validators=[DataRequired("Choisissez l'avis.")])
    commentaire = TextAreaField("Commentaire", validators=[DataRequired("Motivez l'avis."), Length(max=4000)])
    conditions = TextAreaField("Conditions (facultatif)", validators=[Optional(), Length(max=4000)],
                               description="Ce que votre organisation demande pour soutenir la fiche.")


class DecisionForm(Form):
    event = SelectField("Décision", choices=[])
    effective_date = DateField("Date de la décision ou du versement", validators=[DataRequired(DATE)])
    montant = MoneyField("Montant (€)", validators=[Optional()],
                         description="Le montant accordé, ou versé. Par exemple\u00a0: 12 500,50")
    motif = TextAreaField("Motif (pour un refus)", validators=[Optional(), Length(max=2000)])
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class CorrectionForm(Form):
    observations = TextAreaField("Relevé des échanges", validators=[Optional(), Length(max=8000)])
    motif = TextAreaField("Motif de la correction", validators=[DataRequired("Indiquez le motif."), Length(max=2000)])
