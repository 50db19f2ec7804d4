"""Forms of the administration pages. Scope existence is checked by the services, not here."""
from wtforms import EmailField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from app.admin.services import STATUTS
from app.auth.roles import PARTENAIRE_ORGANISATIONS, Role
from app.core.forms import Form

SCOPE_FIELDS = (
    "commune_insee", "epci_siren", "dossier", "departement_code", "region_code", "organisation"
)

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
# Only a guard against pasted novels: the format of a code is the service's business, and a
# field the chosen role does not use must not block the form.
SHORT = Length(max=50, message="50 caractères au plus.")


class UserFilterForm(Form):
    """Search and filters of the users list: a GET form, bookmarkable, without CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Rechercher", description="Nom ou adresse électronique")
    role = SelectField("Rôle", choices=[SelectChoice("", "Tous les rôles"), *ROLE_CHOICES])
    statut = SelectField(
        "Statut", choices=[SelectChoice("", "Tous")] + [SelectChoice(*s) for s in STATUTS.items()]
    )


class ScopeForm(Form):
    """A role and its scope. Every scope field is shown (no script needed); the role says
    which one counts, and the hints tell the admin which to fill."""

    role = SelectField(
        "Rôle",
        choices=[SelectChoice("", "Choisissez un rôle"), *ROLE_CHOICES],
        default="",  # a post without the field is "nothing chosen", not an invalid choice
        validators=[DataRequired("Choisissez un rôle.")],
    )
    commune_insee = StringField(
        "Code INSEE de la commune", description="Rôle Commune. Exemple : 17197",
        validators=[SHORT],
    )
    epci_siren = StringField(
        "Numéro SIREN de l'intercommunalité", description="Rôle EPCI. 9 chiffres, exemple : 241700624",
        validators=[SHORT],
    )
    dossier = StringField(
        "Dossier : numéro ou référence", description="Rôle Chef de projet. Exemple : pvd-75-17-4",
        validators=[SHORT],
    )
    departement_code = StringField(
        "Code du département",
        description="Rôle Préfecture, ou Partenaire départemental. Exemple : 17 ou 2A",
        validators=[SHORT],
    )
    organisation = SelectField(
        "Organisation du partenaire",
        choices=[SelectChoice("", "—")] + [SelectChoice(o, o) for o in PARTENAIRE_ORGANISATIONS],
        default="",
        description="Rôle Partenaire",
    )
    region_code = StringField(
        "Code de la région",
        description="Rôle Partenaire régional, à la place du département. Exemple : 75",
        validators=[SHORT],
    )

    @property
    def chosen_role(self) -> Role:
        return Role(self.role.data)

    def scope_fields(self) -> dict:
        return {name: self[name].data for name in SCOPE_FIELDS}


class InviteForm(ScopeForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez l'adresse électronique de la personne à inviter."),
                    Email("Saisissez une adresse électronique valide, par exemple nom@commune.fr."),
                    Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    nom = StringField(
        "Prénom et nom",
        validators=[DataRequired("Saisissez le prénom et le nom de la personne."), Length(max=200)],
    )


class ConfirmForm(Form):
    """No field: a CSRF token for the buttons that post an action (revoke, deactivate…)."""
