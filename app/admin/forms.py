"""Forms of the administration pages. Scope existence is checked by the services, not here."""
from wtforms import EmailField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from app.admin.scopes import FIELDS_OF_ROLE
from app.admin.services import STATUTS
from app.auth.roles import PARTENAIRE_ORGANISATIONS, Role
from app.core.forms import Form

SCOPE_FIELDS = (
    "commune_insee", "epci_siren", "dossier", "departement_code", "region_code", "organisation"
)

ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in Role]
# Only a guard against pasted novels: the format of a scope is the service's business, and a
# field the chosen role does not use must not block the form. A picked choice is
# "Name (code)", and dossier names list their communes: room for that.
SCOPE_LENGTH = Length(max=400, message="400 caractères au plus.")
# Typing offers choices (the page's script); without it, the browser's own completion
# must not get in the way of codes.
PICKER = {"autocomplete": "off", "spellcheck": "false"}


def roles_of_field(name: str) -> str:
    """The roles (values, space-separated) whose scope uses the form field `name`."""
    return " ".join(role.value for role, fields in FIELDS_OF_ROLE.items() if name in fields)


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
    """A role and its scope. Every scope field is in the page (it works without a script); the
    script shows only those of the chosen role, and the hints say which role each is for."""

    role = SelectField(
        "Rôle",
        choices=[SelectChoice("", "Choisissez un rôle"), *ROLE_CHOICES],
        default="",  # a post without the field is "nothing chosen", not an invalid choice
        validators=[DataRequired("Choisissez un rôle.")],
    )
    commune_insee = StringField(
        "Commune",
        description="Rôle Commune. Le nom ou le code INSEE, par exemple\u00a0: Jonzac (17197)",
        validators=[SCOPE_LENGTH], render_kw=PICKER,
    )
    epci_siren = StringField(
        "Intercommunalité (EPCI)",
        description="Rôle EPCI. Le nom ou le numéro SIREN, par exemple\u00a0: CC de la Haute-Saintonge (200041523)",
        validators=[SCOPE_LENGTH], render_kw=PICKER,
    )
    dossier = StringField(
        "Dossier",
        description="Rôle Chef de projet. Une commune du dossier, sa référence ou son numéro, par exemple\u00a0: pvd-75-17-4",
        validators=[SCOPE_LENGTH], render_kw=PICKER,
    )
    departement_code = StringField(
        "Département",
        description="Rôle Préfecture, ou Partenaire départemental. Le nom ou le code, par exemple\u00a0: Charente-Maritime (17)",
        validators=[SCOPE_LENGTH], render_kw=PICKER,
    )
    organisation = SelectField(
        "Organisation du partenaire",
        choices=[SelectChoice("", "—")] + [SelectChoice(o, o) for o in PARTENAIRE_ORGANISATIONS],
        default="",
        description="Rôle Partenaire",
    )
    region_code = StringField(
        "Région",
        description="Rôle Partenaire régional, à la place du département. Par exemple\u00a0: Nouvelle-Aquitaine (75)",
        validators=[SCOPE_LENGTH], render_kw=PICKER,
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
