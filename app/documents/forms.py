"""Upload forms. The file itself is checked by the service (app/documents/files.py)."""
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.forms import Form
from app.documents.models import DocumentType, Etape

AVENANT_PREFIX = "avenant-"
RETOURS = ("dossier", "avenant")


def _file_field():
    return FileField("Fichier", validators=[FileRequired("Choisissez le fichier à déposer.")])


class VersionForm(Form):
    fichier = _file_field()


class WithdrawForm(Form):
    reason = TextAreaField(
        "Motif du retrait (facultatif)",
        description="Par exemple\u00a0: ajouté à la mauvaise étape. Il est conservé dans l'historique du dossier.",
        validators=[Length(max=4000, message="Le motif ne peut dépasser 4 000 caractères.")],
    )


class UploadForm(Form):
    type = SelectField(
        "Type de document",
        choices=[SelectChoice("", "Choisissez un type")]
        + [SelectChoice(t.value, t.label) for t in DocumentType],
        default="",
        validators=[DataRequired("Choisissez le type du document.")],
    )
    etape = SelectField("Étape du dossier", validators=[DataRequired("Choisissez l'étape.")])
    collectivite = SelectField(
        "Collectivité qui a délibéré", description="Pour une délibération seulement", default="",
    )
    titre = StringField(
        "Titre", description="Facultatif : par défaut, le type du document",
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
