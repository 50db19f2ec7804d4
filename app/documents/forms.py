"""Upload forms. The file itself is checked by the service (app/documents/files.py)."""
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from app.core.forms import Form
from app.documents.models import UPLOADABLE, DocumentType, Etape
from app.documents.rules import NUMERO_MAX

AVENANT_PREFIX = "avenant-"
DATE_REQUIRED = "Indiquez la date de la séance au format jj/mm/aaaa."
NUMERO_REQUIRED = "Indiquez le numéro de la délibération."
RETOURS = ("dossier", "avenant")


def _file_field():
    return FileField("Fichier", validators=[FileRequired("Choisissez le fichier à déposer.")])


def _required_for_a_deliberation(message: str):
    """Empty: an error for a délibération, nothing otherwise (the field is then ignored)."""

    def check(form, field):
        if not field.raw_data or not str(field.raw_data[0]).strip():
            field.errors[:] = []  # an empty date is no "invalid date"
            raise StopValidation(message if form.is_deliberation() else None)

    return check


def _deliberation_date():
    return DateField("Date de la délibération", validators=[_required_for_a_deliberation(DATE_REQUIRED)],
                     description="Pour une délibération seulement\u00a0: le jour de la séance. "
                                 "La convention l'imprime.")


def _deliberation_numero():
    return StringField(
        "Numéro de la délibération", description="Pour une délibération seulement, par exemple 2024-12",
        validators=[_required_for_a_deliberation(NUMERO_REQUIRED),
                    Length(max=NUMERO_MAX, message=f"Le numéro ne doit pas dépasser {NUMERO_MAX} caractères.")],
    )


class _DeliberationFields:
    """A délibération carries the date of its session and its number: both are required."""

    def is_deliberation(self) -> bool:
        raise NotImplementedError

    def deliberation_data(self) -> dict:
        """The date and number to store, for a délibération only."""
        if not self.is_deliberation():
            return {}
        return {"deliberation_date": self.deliberation_date.data,
                "deliberation_numero": self.deliberation_numero.data}


class VersionForm(_DeliberationFields, Form):
    fichier = _file_field()
    deliberation_date = _deliberation_date()
    deliberation_numero = _deliberation_numero()

    def __init__(self, document, **kwargs):
        self.document = document
        super().__init__(data={"deliberation_date": document.deliberation_date,
                               "deliberation_numero": document.deliberation_numero}, **kwargs)
        if not self.is_deliberation():
            del self.deliberation_date
            del self.deliberation_numero

    def is_deliberation(self) -> bool:
        return self.document.type == DocumentType.DELIBERATION


class WithdrawForm(Form):
    reason = TextAreaField(
        "Motif du retrait (facultatif)",
        description="Par exemple\u00a0: ajouté à la mauvaise étape. Il est conservé dans l'historique du dossier.",
        validators=[Length(max=4000, message="Le motif ne peut dépasser 4 000 caractères.")],
    )


class UploadForm(_DeliberationFields, Form):
    type = SelectField(
        "Type de document",
        choices=[SelectChoice("", "Choisissez un type")]
        + [SelectChoice(t.value, t.label) for t in UPLOADABLE],
        default="",
        validators=[DataRequired("Choisissez le type du document.")],
    )
    etape = SelectField("Étape du dossier", validators=[DataRequired("Choisissez l'étape.")])
    collectivite = SelectField(
        "Collectivité qui a délibéré", description="Pour une délibération seulement", default="",
    )
    deliberation_date = _deliberation_date()
    deliberation_numero = _deliberation_numero()
    titre = StringField(
        "Titre", description="Facultatif\u00a0: par défaut, le type du document",
        validators=[Length(max=300, message="Le titre ne doit pas dépasser 300 caractères.")],
    )
    fichier = _file_field()
    # The page the user came from ("dossier", "avenant"), to go back there after the upload.
    retour = HiddenField()

    def set_choices(self, dossier, avenants) -> None:
        """Steps (one entry per avenant) and the collectivités of this dossier, by name."""
        steps = [SelectChoice(Etape.ADHESION.value, Etape.ADHESION.label),
                 SelectChoice(Etape.CADRE.value, Etape.CADRE.label)]
        steps += [SelectChoice(f"{AVENANT_PREFIX}{a.id}", f"{Etape.AVENANT.label} n° {a.numero}")
                  for a in avenants]
        steps.append(SelectChoice(Etape.SUIVI.value, Etape.SUIVI.label))
        self.etape.choices = steps
        collectivites = [SelectChoice("", "—")]
        collectivites += [SelectChoice(c.insee, f"{c.nom} (commune)") for c in dossier.communes]
        if dossier.epci:
            collectivites.append(SelectChoice(dossier.epci.siren, f"{dossier.epci.nom} (intercommunalité)"))
        self.collectivite.choices = collectivites

    def offer_types(self, may_attach_signed: bool) -> None:
        """What this user is shown: the signed convention is the préfecture's to attach. (The
        choice stays valid when posted, so that the view answers a refusal with its reason.)"""
        if not may_attach_signed:
            self.type.choices = [c for c in self.type.choices
                                 if c.value != DocumentType.CONVENTION_SIGNEE.value]

    def is_deliberation(self) -> bool:
        return self.type.data == DocumentType.DELIBERATION.value

    def prefill(self, args, default_step: str) -> None:
        """From a link ("?type=deliberation&collectivite=…&etape=…&retour=dossier"): only
        values the fields offer are taken."""
        def offered(field, value):
            return value if value in {choice.value for choice in field.choices} else None

        self.type.data = offered(self.type, args.get("type")) or ""
        self.collectivite.data = offered(self.collectivite, args.get("collectivite")) or ""
        self.etape.data = offered(self.etape, args.get("etape")) or default_step
        self.retour.data = args.get("retour") if args.get("retour") in RETOURS else ""

    def validate_collectivite(self, field):
        if self.type.data == DocumentType.DELIBERATION.value and not field.data:
            raise ValidationError("Indiquez la collectivité qui a pris cette délibération.")

    def chosen_avenant(self, avenants):
        """The avenant the step select names, if it names one."""
        return {f"{AVENANT_PREFIX}{a.id}": a for a in avenants}.get(self.etape.data or "")

    def chosen_step(self, avenants) -> tuple[Etape, object]:
        """(étape, avenant or None) from the step select."""
        value = self.etape.data
        if value.startswith(AVENANT_PREFIX):
            by_id = {str(a.id): a for a in avenants}
            return Etape.AVENANT, by_id[value.removeprefix(AVENANT_PREFIX)]
        return Etape(value), None
