"""Login, logout, forgotten password, invitation acceptance and password change."""
from urllib.parse import urlsplit

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_login import current_user

from app.auth import accounts, services, sessions, signin, tokens
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from app.core.access import public
from app.core.db import db
from app.core.errors import DomainError

bp = Blueprint("auth", __name__)


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
            record = services.log_in(form.email.data, form.password.data,
                                     request.remote_addr or "", request.user_agent.string)
        except DomainError as error:
            db.session.commit()  # the failed attempt is recorded: it is what rate limiting counts
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            signin.sign_in(record)
            flash(f"Bienvenue, {record.user.nom}.", "success")
            return redirect(safe_next(request.args.get("next"), record.user))
    demo = services.demo_accounts() if current_app.config["DEMO_MODE"] else []
    return render_template("auth/login.html", form=form, demo_accounts=demo,
                           demo_password=current_app.config["DEMO_PASSWORD"])


@bp.route("/deconnexion", methods=["POST"])
def logout():
    sessions.revoke(signin.current_session())  # a copy of the cookie is worth nothing now
    db.session.commit()
    signin.sign_out()
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


def _link_key(purpose: tokens.Purpose) -> str:
    return f"{purpose.salt}-token"


def _keep_link(token: str, purpose: tokens.Purpose, endpoint: str):
    """At the first visit the token leaves the URL: kept in the session, and the browser sent
    to the same page without it. It then stays out of the access logs (but for this one
    request, which app/core/logs.py redacts), the Referer headers and the browser history."""
    session[_link_key(purpose)] = token
    return redirect(url_for(endpoint), 303)


def _kept_token(purpose: tokens.Purpose) -> str:
    token = session.get(_link_key(purpose))
    if not isinstance(token, str):
        raise tokens.TokenInvalid(purpose.invalid)
    return token


def _link_refused(error: DomainError, purpose: tokens.Purpose):
    """410 for an expired link, 400 for any other: the page says why, in French."""
    session.pop(_link_key(purpose), None)
    status = 410 if isinstance(error, tokens.TokenExpired) else 400
    return render_template("auth/link_refused.html", message=str(error), purpose=purpose.salt), status


@bp.route("/mot-de-passe/<token>")
@public
def reset_link(token):
    return _keep_link(token, tokens.RESET, "auth.reset_password")


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@public
def reset_password():
    try:
        token = _kept_token(tokens.RESET)
        user = accounts.reset_target(token)
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
            signin.sign_out()  # whoever was logged in here, the new password starts a clean session
            flash("Votre mot de passe est enregistré. Connectez-vous avec ce nouveau mot de passe.",
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/invitation/<token>")
@public
def invitation_link(token):
    return _keep_link(token, tokens.INVITATION, "auth.accept_invitation")


@bp.route("/invitation", methods=["GET", "POST"])
@public
def accept_invitation():
    try:
        token = _kept_token(tokens.INVITATION)
        user = accounts.invitation_target(token)
    except DomainError as error:
        return _link_refused(error, tokens.INVITATION)
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            record = accounts.accept_invitation(token, form.password.data,
                                                request.remote_addr or "", request.user_agent.string)
        except (tokens.TokenExpired, tokens.TokenInvalid) as error:
            return _link_refused(error, tokens.INVITATION)
        except DomainError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            signin.sign_in(record)  # a new Flask session: the kept token goes with the old one
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
            record = accounts.change_password(user, form.current.data, form.password.data,
                                              request.remote_addr or "", request.user_agent.string)
        except DomainError as error:
            db.session.commit()  # a wrong current password is recorded, as a failed login is
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            signin.sign_in(record)  # every session ended: this browser gets a new one
            flash("Votre mot de passe est modifié. Vos sessions ouvertes ailleurs sont fermées.",
                  "success")
            return redirect(home_url(user))
    return render_template("auth/change_password.html", form=form)
