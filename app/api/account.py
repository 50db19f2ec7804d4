"""The user's API tokens (create, see, revoke) and the API's documentation page.

Session pages, under « Mon compte »: CSRF applies as everywhere. A token is its owner's
alone: anyone else's id answers 404.
"""
from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user

from app.api import tokens
from app.api.forms import RevokeForm, TokenForm
from app.core.db import db
from app.core.errors import DomainError
from app.core.urls import external_url

bp = Blueprint("api_tokens", __name__)


HELD = "jeton_a_montrer"  # the session cookie's half of a new secret (app/api/tokens.hold)


@bp.route("/mon-compte/jetons", methods=["GET", "POST"])
def index():
    """POST creates a token and redirects here; this GET shows its secret once (a refresh,
    a second visit, the back button show nothing more and create nothing)."""
    user = current_user._get_current_object()
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(user, form.nom.data)
        except DomainError as exc:
            form.nom.errors.append(str(exc))
        else:
            session[HELD] = {"id": token.id, "cle": tokens.hold(token, secret)}
            db.session.commit()
            return redirect(url_for("api_tokens.index"))
    created = secret = None
    held = session.pop(HELD, None)
    if isinstance(held, dict):
        created = tokens.token_of(user, held.get("id"))
        secret = tokens.take(created, str(held.get("cle", "")))
        db.session.commit()
    # The page that shows the secret is sent no-store, like every page.
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
