"""Forms of the projet de territoire. Amounts and values are typed the French way
("1 234,56"), read as exact Decimals."""
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import DateField, DecimalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form
from app.projet import financeurs
from app.projet.models import IndicateurType

DATE = "Indiquez une date au format jj/mm/aaaa."
OTHER = "autre"


class FrenchDecimalField(DecimalField):
    """A number typed as people type it here: spaces between thousands, a comma or a point
    (a text input: a browser's number input refuses "12 500,50")."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.removesuffix("€").replace(",", ".")
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError("Saisissez un nombre, par exemple 12 500,50.") from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError("Saisissez un nombre, par exemple 12 500,50.")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(self.data, "f").replace(".", ",")


class MoneyField(FrenchDecimalField):
    def pre_validate(self, form):
        if self.data is not None:
            if self.data.as_tuple().exponent < -2:
                raise ValueError("Un montant a au plus deux décimales (les centimes).")
            if abs(self.data) >= Decimal("1e12"):
                raise ValueError("Ce montant est trop grand.")
            self.data = self.data.quantize(Decimal("0.01"))


class AxeForm(Form):
    titre = StringField("Titre de l'axe", validators=[DataRequired("Indiquez le titre de l'axe."), Length(max=300)])
    enjeux = TextAreaField("Enjeux", validators=[Optional(), Length(max=8000)],
                           description="Ce que le diagnostic a montré et ce que l'axe veut changer.")
    ordre = IntegerField("Ordre", validators=[Optional(), NumberRange(min=1, max=99)],
                         description="La place de l'axe dans la stratégie (1 pour le premier).")


class IndicateurForm(Form):
    nom = StringField("Nom de l'indicateur", validators=[DataRequired("Indiquez le nom de l'indicateur."),
                                                         Length(max=300)])
    type = SelectField("Type", choices=[SelectChoice(t.value, t.label) for t in IndicateurType],
                       description="Mise en œuvre : ce qui est fait ; résultat : ce qui change sur le territoire.")
    unite = StringField("Unité", validators=[DataRequired("Indiquez l'unité (logements, m², %…)."), Length(max=50)])
    valeur_initiale = FrenchDecimalField("Valeur initiale", validators=[Optional()])
    date_initiale = DateField("Date de la valeur initiale", validators=[Optional()])
    cible = FrenchDecimalField("Valeur cible", validators=[Optional()])
    date_cible = DateField("Date cible", validators=[Optional()])


class MesureForm(Form):
    mesure_le = DateField("Date de la mesure", validators=[DataRequired(DATE)], default=date.today)
    valeur = FrenchDecimalField("Valeur mesurée", validators=[InputRequired("Indiquez la valeur mesurée.")])
    source = StringField("Source", validators=[DataRequired("Indiquez la source de la mesure."), Length(max=300)],
                         description="D'où vient la valeur : INSEE, comptage, registre des permis…")


class FicheForm(Form):
    titre = StringField("Titre", validators=[DataRequired("Indiquez le titre de la fiche action."), Length(max=300)])
    axe_id = SelectField("Axe stratégique", coerce=lambda v: int(v) if v else None, validate_choice=False)
    description = TextAreaField("Description", validators=[Optional(), Length(max=20000)])
    maitre_ouvrage = SelectField("Maître d'ouvrage", validate_choice=False)
    maitre_ouvrage_autre = StringField("Autre maître d'ouvrage", validators=[Optional(), Length(max=300)],
                                       description="S'il n'est pas une collectivité du dossier : son nom.")
    pilote = StringField("Pilote", validators=[Optional(), Length(max=200)])
    elu_referent = StringField("Élu référent", validators=[Optional(), Length(max=200)])
    partenaires = TextAreaField("Partenaires", validators=[Optional(), Length(max=4000)])
    date_debut = DateField("Date de début", validators=[Optional()])
    date_fin = DateField("Date de fin", validators=[Optional()])
    cout_ht = MoneyField("Coût total HT (€)", validators=[Optional()])
    cout_ttc = MoneyField("Coût total TTC (€)", validators=[Optional()])
    commune_insee = SelectField("Commune", validate_choice=False)
    secteur_ort = StringField("Secteur d'intervention ORT", validators=[Optional(), Length(max=300)])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])

    def fill_choices(self, dossier, axes) -> None:
        self.axe_id.choices = [SelectChoice("", "— Aucun pour l'instant —")] + [SelectChoice(a.id, str(a)) for a in axes]
        names = sorted(dossier.collectivite_names().items(), key=lambda item: item[1])
        self.maitre_ouvrage.choices = ([SelectChoice("", "— Choisir —")] + [SelectChoice(*item) for item in names]
                                       + [SelectChoice(OTHER, "Un autre organisme")])
        self.commune_insee.choices = ([SelectChoice("", "— Toutes ou aucune —")]
                                      + [SelectChoice(c.insee, c.nom) for c in dossier.communes])

    def values(self) -> dict:
        code = self.maitre_ouvrage.data or None
        return dict(
            titre=self.titre.data, axe_id=self.axe_id.data, description=self.description.data,
            maitre_ouvrage_code=None if code == OTHER else code,
            maitre_ouvrage_autre=self.maitre_ouvrage_autre.data if code == OTHER else None,
            pilote=self.pilote.data, elu_referent=self.elu_referent.data, partenaires=self.partenaires.data,
            date_debut=self.date_debut.data, date_fin=self.date_fin.data, cout_ht=self.cout_ht.data,
            cout_ttc=self.cout_ttc.data, commune_insee=self.commune_insee.data or None,
            secteur_ort=self.secteur_ort.data,
        )

    def load(self, fiche) -> None:
        for name in ("titre", "axe_id", "description", "maitre_ouvrage_autre", "pilote", "elu_referent",
                     "partenaires", "date_debut", "date_fin", "cout_ht", "cout_ttc", "secteur_ort"):
            getattr(self, name).data = getattr(fiche, name)
        self.maitre_ouvrage.data = fiche.maitre_ouvrage_code or (OTHER if fiche.maitre_ouvrage_autre else "")
        self.commune_insee.data = fiche.commune_insee or ""
        self.version.data = fiche.version


class LigneForm(Form):
    source = SelectField("Financeur et dispositif", choices=[SelectChoice("", "— Choisir —")] + [SelectChoice(*c) for c in financeurs.CHOICES],
                         validators=[DataRequired("Choisissez le financeur.")])
    precision = StringField("Précision", validators=[Optional(), Length(max=200)],
                            description="Pour « Autre financeur » : son nom.")
    annee = IntegerField("Année", validators=[InputRequired("Indiquez l'année."), NumberRange(min=2000, max=2100)])
    montant = MoneyField("Montant (€)", validators=[InputRequired("Indiquez le montant.")])


class LigneStepForm(Form):
    event = HiddenField(validators=[DataRequired()])
    effective_date = DateField("Date", validators=[DataRequired(DATE)], default=date.today)
    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class NoteForm(Form):
    texte = TextAreaField("Note d'avancement", validators=[DataRequired("Écrivez la note."), Length(max=8000)])
    avancement = IntegerField("Avancement (%)", validators=[Optional(), NumberRange(min=0, max=100)])
