"""Password reset, invitations and password change: the rules, without HTTP.

Services flush and never commit; e-mails go to the outbox in the caller's transaction.
"""
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from app.auth import sessions, tokens
from app.auth.models import LoginAttempt, User, UserSession
from app.auth.passwords import check_policy
from app.auth.services import find_user, normalize_email, refuse_if_locked
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import de, utcnow
from app.core.outbox import OutboxMessage, queue_mail
from app.core.urls import external_url

RESET_SUBJECT = "Jalons\u00a0: réinitialisation de votre mot de passe"
RESET_TEMPLATE = "emails/password_reset.txt"
RESET_HTML_TEMPLATE = "emails/password_reset.html"
INVITATION_SUBJECT = "Jalons\u00a0: vous êtes invité à rejoindre le suivi Petites villes de demain"
TOO_MANY_CURRENT = (
    "Trop de tentatives avec un mot de passe actuel incorrect. Réessayez dans {minutes} minutes."
)
# A form anyone can post to must not become a way to flood someone's mailbox.
MAX_RESET_MAILS_PER_HOUR = 3


def duration_fr(seconds: int) -> str:
    """A validity in words: « 2 heures », « 7 jours »."""
    hours = max(1, round(seconds / 3600))
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} jour{'s' if days > 1 else ''}"
    return f"{hours} heure{'s' if hours > 1 else ''}"


def _recent_reset_mails(email: str) -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.recipient == email,
            OutboxMessage.subject == RESET_SUBJECT,
            OutboxMessage.created_at >= utcnow() - timedelta(hours=1),
        )
    )


def _reset_mail(user: User) -> dict:
    return {
        "user": user,
        "url": external_url("auth.reset_link", token=tokens.make_token(user, tokens.RESET)),
        "validity": duration_fr(current_app.config["PASSWORD_RESET_MAX_AGE"]),
    }


def request_password_reset(email: str) -> OutboxMessage | None:
    """Queue a reset link if the address has an account that may use one.

    Returns the message or None, but the view must answer the same either way: the
    page must not tell who has an account. Demo accounts share one published password
    (resetting it would lock the other visitors out), so they never get a link; nor does
    an invitee who has not chosen a password yet: the invitation, which expires, is the
    only way in.

    Its time must not tell either: with or without a link, the same queries run and the same
    e-mail is rendered; only the INSERT of the message differs.
    """
    user = find_user(email)
    address = user.email if user else normalize_email(email)
    recent = _recent_reset_mails(address)
    may_reset = (
        user is not None and user.active and not user.demo and not user.invitation_pending
        and recent < MAX_RESET_MAILS_PER_HOUR
    )
    context = _reset_mail(user or User(id=0, email=address, nom="", session_version=1))
    if not may_reset:
        # The work of a real message, discarded.
        render_template(RESET_TEMPLATE, **context)
        render_template(RESET_HTML_TEMPLATE, **context)
        return None
    return queue_mail(user.email, RESET_SUBJECT, RESET_TEMPLATE, html_template=RESET_HTML_TEMPLATE, **context)


def reset_target(token: str) -> User:
    """The account a reset link may set the password of, or TokenExpired / TokenInvalid."""
    user = tokens.user_from_token(token, tokens.RESET)
    if user.invitation_pending:
        raise tokens.TokenInvalid(tokens.RESET.invalid)
    return user


def reset_password(token: str, password: str, ip: str) -> User:
    """Set the password a reset link was sent for; the link then stops working, and every
    session of the account ends (whoever forgot the password may not be the only one in)."""
    user = reset_target(token)
    check_policy(password, user.email)
    user.set_password(password)
    sessions.revoke_all(user)
    # The link proves control of the mailbox, as a login proves the password: recording it as
    # a success lifts the lock that "Trop de tentatives" put on the account.
    db.session.add(LoginAttempt(email=user.email, ip=ip, success=True))
    db.session.flush()
    return user


def queue_invitation(user: User, inviter: User) -> OutboxMessage:
    if not user.invitation_pending:
        raise DomainError(f"{user} a déjà choisi son mot de passe\u00a0: son invitation est acceptée.")
    if not user.active:
        raise DomainError(f"Le compte {de(user)} est désactivé\u00a0: réactivez-le avant de l'inviter.")
    token = tokens.make_token(user, tokens.INVITATION)
    return queue_mail(
        user.email,
        INVITATION_SUBJECT,
        "emails/invitation.txt",
        html_template="emails/invitation.html",
        user=user,
        inviter=inviter,
        grants=user.active_grants,
        url=external_url("auth.invitation_link", token=token),
        validity=duration_fr(current_app.config["INVITATION_MAX_AGE"]),
    )


def invitation_target(token: str) -> User:
    """The invitee who has not chosen a password yet, or TokenExpired / TokenInvalid."""
    user = tokens.user_from_token(token, tokens.INVITATION)
    if not user.invitation_pending:
        raise tokens.TokenInvalid(tokens.INVITATION.invalid)
    return user


def accept_invitation(token: str, password: str, ip: str, user_agent: str | None) -> UserSession:
    """The invitee chooses a password and is logged in: the acceptance counts as a login."""
    user = invitation_target(token)
    check_policy(password, user.email)
    user.set_password(password)
    user.last_login_at = utcnow()
    db.session.add(LoginAttempt(email=user.email, ip=ip, success=True))
    return sessions.open_session(user, user_agent)


def change_password(user: User, current: str, new: str, ip: str, user_agent: str | None) -> UserSession:
    """Ends every session of the user, this one included, and opens a new one for this
    browser: a session id known before the change is worth nothing after it.

    The current password is checked as at the login, with the same limits and the same
    table: a stolen session must not become a way to guess it without end.
    """
    minutes = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60
    refuse_if_locked(user.email, ip, TOO_MANY_CURRENT.format(minutes=minutes))
    ok = user.check_password(current)
    db.session.add(LoginAttempt(email=user.email, ip=ip, success=ok))
    if not ok:
        db.session.flush()
        raise DomainError("Le mot de passe actuel est incorrect.")
    check_policy(new, user.email)
    user.set_password(new)
    sessions.revoke_all(user)
    return sessions.open_session(user, user_agent)
