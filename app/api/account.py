"""The user's API tokens (create, see, revoke) and the API's documentation page.

Session pages, under « Mon compte »: CSRF applies as everywhere. A token is its owner's
alone: anyone else's id answers 404.
"""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.api import tokens
from app.api.forms import RevokeForm, TokenForm
from app.core.db import db
from app.core.errors import DomainError
from app.core.urls import external_url

bp = Blueprint("api_tokens", __name__)


@bp.route("/mon-compte/jetons", methods=["GET", "POST"])
def index():
    user = current_user._get_current_object()
    form = TokenForm()
    created = secret = None
    if form.validate_on_submit():
        try:
            created, secret = tokens.create_token(user, form.nom.data)
        except DomainError as exc:
            form.nom.errors.append(str(exc))
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    # The secret is in this one response (sent no-store), never in the session or a redirect.
    return render_template("api/tokens.html", form=form, tokens=tokens.tokens_of(user), created=created,
                           secret=secret)


@bp.route("/mon-compte/jetons/<int:token_id>/revoquer", methods=["GET", "POST"])
def revoke(token_id):
    token = tokens.token_of(current_user, token_id)
    if token is None:
        abort(404)
    form = RevokeForm()
    if token.active and form.validate_on_submit():
        tokens.revoke(token)
        db.session.commit()
        flash(f"Le jeton «\u00a0{token.nom}\u00a0» est révoqué\u00a0: il ne donne plus accès à l'API.", "success")
        return redirect(url_for("api_tokens.index"))
    return render_template("api/revoke.html", form=form, token=token)


@bp.route("/aide/api")
def documentation():
    return render_template("api/documentation.html", base=external_url("dossiers.index").rstrip("/"))
