from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, StopValidation

from app.auth.passwords import POLICY_HINT, policy_errors
from app.core.forms import Form


def strip(value):
    """A trailing space from a phone keyboard must not make an address unknown."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(Form):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."),
                    Email("Saisissez une adresse électronique valide, par exemple nom@commune.fr.")],
        description="Format attendu\u00a0: nom@domaine.fr",
        filters=[strip],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe.")],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        "Adresse électronique de votre compte",
        validators=[DataRequired("Saisissez votre adresse électronique."),
                    Email("Saisissez une adresse électronique valide, par exemple nom@commune.fr.")],
        description="Format attendu\u00a0: nom@domaine.fr",
        filters=[strip],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class NewPasswordForm(Form):
    """Choose a password; the view sets `account_email` so the policy can refuse it in the password."""

    account_email: str | None = None

    password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Choisissez un mot de passe.")],
        description=POLICY_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le nouveau mot de passe",
        validators=[DataRequired("Saisissez le mot de passe une seconde fois."),
                    EqualTo("password", "Les deux mots de passe ne sont pas identiques.")],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field):
        errors = policy_errors(field.data, self.account_email)
        if errors:
            raise StopValidation(" ".join(errors))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel.")],
        render_kw={"autocomplete": "current-password"},
    )
