"""Login and logout."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth import services
from app.auth.forms import LoginForm
from app.auth.models import RoleGrant, User
from app.core.access import public
from app.core.db import db
from app.core.errors import DomainError
from app.extensions import login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(token: str):
    """The session holds "id.session_version": a password change ends other sessions."""
    user_id, _, version = token.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(
        select(User)
        .where(User.id == int(user_id))
        .options(selectinload(User.grants).selectinload(RoleGrant.dossier))
    )
    if user is None or user.session_version != int(version):
        return None
    if user.demo and not current_app.config["DEMO_MODE"]:
        return None  # demo accounts exist only while demo mode is on
    return user


def safe_next(target: str | None) -> str:
    """Only local paths: the login page must not become an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("dossiers.index")


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dossiers.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except DomainError as error:
            db.session.commit()  # the failed attempt is recorded: it is what rate limiting counts
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(f"Bienvenue, {user.nom}.", "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
def logout():
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
def forgot_password():
    return "TODO"
