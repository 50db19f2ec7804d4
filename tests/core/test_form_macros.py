"""The DSFR field macro wires label, hint and errors to the control for screen readers."""
from flask import render_template_string
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

from app.core.forms import Form


class SampleForm(Form):
    nom = StringField("Nom de la commune", validators=[DataRequired("Saisissez un nom.")],
                      description="Tel qu'il figure au code officiel géographique")
    role = SelectField("Rôle", choices=["commune"])


def render(form) -> str:
    return render_template_string(
        '{% from "macros/forms.html" import field %}{{ field(form.nom) }}{{ field(form.role) }}',
        form=form,
    )


def test_field_with_error_is_described_by_its_hint_and_message(app):
    with app.test_request_context(method="POST", data={"nom": ""}):
        form = SampleForm(meta={"csrf": False})
        assert not form.validate()
        html = render(form)
    assert 'class="fr-input-group fr-input-group--error"' in html
    assert 'aria-describedby="nom-messages nom-aide"' in html
    assert 'aria-invalid="true"' in html
    assert '<span class="fr-hint-text" id="nom-aide">' in html
    assert 'id="nom-messages"' in html and "Saisissez un nom." in html
    assert '<label class="fr-label" for="role">' in html
    assert "N&#39;est pas un choix valide." in html  # WTForms' own messages are in French too


def test_field_without_error_has_no_error_class(app):
    with app.test_request_context():
        html = render(SampleForm(meta={"csrf": False}))
    assert "fr-input-group--error" not in html and "fr-message--error" not in html
    assert 'class="fr-select"' in html
