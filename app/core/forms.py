"""The base form: CSRF from Flask-WTF, WTForms' own messages in French."""
from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta


class Form(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

        def get_translations(self, form):
            # Flask-WTF only translates through Flask-Babel, which we do not need otherwise:
            # ask WTForms for its bundled French catalogue instead.
            return DefaultMeta.get_translations(self, form)
