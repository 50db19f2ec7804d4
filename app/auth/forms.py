from app.core.forms import Form
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email


class LoginForm(Form):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."),
                    Email("Saisissez une adresse électronique valide, par exemple nom@commune.fr.")],
        description="Format attendu : nom@domaine.fr",
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe.")],
        render_kw={"autocomplete": "current-password"},
    )
