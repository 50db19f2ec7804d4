"""Forms of the token pages (CSRF-protected: they are session pages, unlike the API)."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.api.tokens import NAME_LENGTH
from app.core.forms import Form


class TokenForm(Form):
    nom = StringField(
        "Nom du jeton", validators=[DataRequired("Nommez le jeton."), Length(max=NAME_LENGTH)],
        description="À quoi il sert, pour le reconnaître plus tard, par exemple «\u00a0Grist de la DDT\u00a0».")


class RevokeForm(Form):
    """Nothing to fill: the confirmation button and its CSRF token."""
