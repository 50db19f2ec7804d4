"""Forms of the chef de projet post and of the ORT / OPAH of the communes."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.projet.forms import DATE, MoneyField
from app.projet.territoire_models import COFINANCEURS, OpahPhase, OpahType


class PosteForm(Form):
    user_id = SelectField("Compte Jalons du chef de projet", coerce=lambda v: int(v) if v else None,
                          validate_choice=False, description="S'il en a un ; sinon, indiquez son nom ci-dessous.")
    nom = StringField("Nom", validators=[Optional(), Length(max=200)],
                      description="Le nom de la personne, ou « Poste à pourvoir ».")
    employeur_code = SelectField("Employeur", validate_choice=False,
                                 validators=[DataRequired("Choisissez l'employeur : une commune ou l'EPCI du dossier.")])
    date_debut = DateField("Date de recrutement", validators=[DataRequired(DATE)])
    date_fin = DateField("Date de fin", validators=[Optional()])
    cout_annuel = MoneyField("Coût annuel chargé (€)", validators=[InputRequired("Indiquez le coût annuel du poste.")])

    def fill_choices(self, dossier, chefs) -> None:
        self.user_id.choices = [SelectChoice("", "— Aucun —")] + [SelectChoice(u.id, u.nom) for u in chefs]
        names = sorted(dossier.collectivite_names().items(), key=lambda item: item[1])
        self.employeur_code.choices = [SelectChoice("", "— Choisir —")] + [SelectChoice(*item) for item in names]

    def values(self) -> dict:
        return {name: self[name].data for name in ("user_id", "nom", "employeur_code", "date_debut", "date_fin",
                                                   "cout_annuel")}


class CofinancementForm(Form):
    annee = IntegerField("Année", validators=[InputRequired("Indiquez l'année."), NumberRange(min=2020, max=2100)])
    financeur = SelectField("Cofinanceur", choices=[SelectChoice(k, v) for k, v in COFINANCEURS.items()])
    montant = MoneyField("Montant (€)", validators=[InputRequired("Indiquez le montant.")])


class CommuneRevitalisationForm(Form):
    ort_engagee_le = DateField("Engagée dans une ORT depuis le", validators=[Optional()],
                               description="Renseignée à la signature de la convention-cadre (valant ORT) ; "
                                           "à indiquer pour une ORT signée autrement.")
    opah_type = SelectField("OPAH", choices=[SelectChoice(t.value, t.label) for t in OpahType])
    opah_phase = SelectField("Phase de l'OPAH", validate_choice=False,
                             choices=[SelectChoice("", "—")] + [SelectChoice(p.value, p.label) for p in OpahPhase],
                             coerce=lambda v: OpahPhase(v) if v else None)
    opah_changement_le = DateField(
        "Date du changement de l'OPAH", validators=[Optional()],
        description="Quand l'OPAH ou sa phase change : le jour où la nouvelle phase a commencé (pour "
                    "« Aucune », le jour où l'OPAH s'est terminée). Avec la même OPAH et la même "
                    "phase, corrige la date de la phase en cours. Les tableaux de bord comptent la commune "
                    "à partir de cette date.")


class SecteurForm(Form):
    commune_insee = SelectField("Commune", validate_choice=False,
                                validators=[DataRequired("Choisissez la commune du secteur.")])
    nom = StringField("Nom du secteur", validators=[DataRequired("Nommez le secteur d'intervention."), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=8000)],
                                description="Son périmètre (rues, îlots) et ce qui y est prévu.")
