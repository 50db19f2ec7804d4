"""« Paramètres du programme »: the ANCT sets the alert thresholds; every change is kept."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.core.forms import Form
from app.notifications import settings

bp = Blueprint("parametres", __name__, url_prefix="/parametres")


def can_edit_programme(user) -> bool:
    """The programme direction sets the programme's rules."""
    return user.has_role(Role.ANCT)


class SettingsForm(Form):
    alertes_echeance_mois = StringField(settings.SETTINGS["alertes_echeance_mois"].label,
                                        description=settings.SETTINGS["alertes_echeance_mois"].hint)
    alerte_instruction_jours = StringField(settings.SETTINGS["alerte_instruction_jours"].label,
                                           description=settings.SETTINGS["alerte_instruction_jours"].hint)
    alerte_complements_jours = StringField(settings.SETTINGS["alerte_complements_jours"].label,
                                           description=settings.SETTINGS["alerte_complements_jours"].hint)
    reason = TextAreaField("Motif du changement", validators=[
        DataRequired("Indiquez le motif du changement\u00a0: il est conservé dans l'historique."),
        Length(max=2000, message="Le motif ne peut dépasser 2\u00a0000 caractères.")])


@bp.route("", methods=["GET", "POST"])
def edit():
    if not can_edit_programme(current_user):
        abort(403)
    form = SettingsForm(data=settings.current_values())
    if form.validate_on_submit():
        try:
            changed = settings.change({key: form[key].data for key in settings.SETTINGS}, current_user,
                                      form.reason.data)
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(f"{len(changed)} paramètre(s) modifié(s)." if changed else "Aucun paramètre n'a changé.",
                  "success" if changed else "info")
            return redirect(url_for("parametres.edit"))
    return render_template("notifications/settings.html", form=form, history=settings.history(),
                           labels={k: s.label for k, s in settings.SETTINGS.items()})
