"""Login, logout, forgotten password, invitation acceptance and password change."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth import accounts, services, tokens
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
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
    if user is None or user.session_version != int(version) or not user.active:
        return None  # a deactivated account loses its open sessions at once
    if user.demo and not current_app.config["DEMO_MODE"]:
        return None  # demo accounts exist only while demo mode is on
    return user


def home_url(user) -> str:
    """Where a user starts: the dossiers, or the users list for an admin and nothing else."""
    return url_for("admin.users") if user.administers_only else url_for("dossiers.index")


def safe_next(target: str | None, user) -> str:
    """Only local paths: the login page must not become an open redirect.

    Browsers read a backslash as a slash ("/\\evil.example" goes to evil.example) and drop
    tabs and newlines, so those are refused as well.
    """
    if target and target.startswith("/") and not any(c in target for c in "\\\t\r\n"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return home_url(user)


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
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
            return redirect(safe_next(request.args.get("next"), user))
    demo = services.demo_accounts() if current_app.config["DEMO_MODE"] else []
    return render_template("auth/login.html", form=form, demo_accounts=demo,
                           demo_password=current_app.config["DEMO_PASSWORD"])


@bp.route("/deconnexion", methods=["POST"])
def logout():
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether the account exists or not: the form must not reveal who has one.
        validity = accounts.duration_fr(current_app.config["PASSWORD_RESET_MAX_AGE"])
        flash(
            "Si un compte existe pour cette adresse, un courriel vient d'être envoyé avec un lien "
            f"pour choisir un nouveau mot de passe. Ce lien est valable {validity}. "
            "Pensez à regarder dans vos courriels indésirables.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _link_refused(error: DomainError, purpose: tokens.Purpose):
    return render_template("auth/link_refused.html", message=str(error), purpose=purpose.salt)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    try:
        user = tokens.user_from_token(token, tokens.RESET)
    except DomainError as error:
        return _link_refused(error, tokens.RESET)
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data, request.remote_addr or "")
        except (tokens.TokenExpired, tokens.TokenInvalid) as error:
            return _link_refused(error, tokens.RESET)
        except DomainError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()  # whoever was logged in here, the new password starts a clean session
            flash("Votre mot de passe est enregistré. Connectez-vous avec ce nouveau mot de passe.",
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    try:
        user = tokens.user_from_token(token, tokens.INVITATION)
        if not user.invitation_pending:
            raise tokens.TokenInvalid(tokens.INVITATION.invalid)
    except DomainError as error:
        return _link_refused(error, tokens.INVITATION)
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            accounts.accept_invitation(token, form.password.data, request.remote_addr or "")
        except (tokens.TokenExpired, tokens.TokenInvalid) as error:
            return _link_refused(error, tokens.INVITATION)
        except DomainError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(f"Bienvenue sur Jalons, {user.nom}. Votre mot de passe est enregistré.", "success")
            return redirect(home_url(user))
    return render_template("auth/accept_invitation.html", form=form, user=user)


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)  # the session version changed: this session carries the new one
            flash("Votre mot de passe est modifié. Vos sessions ouvertes ailleurs sont fermées.",
                  "success")
            return redirect(home_url(user))
    return render_template("auth/change_password.html", form=form)
