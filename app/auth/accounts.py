"""Password reset, invitations and password change: the rules, without HTTP.

Services flush and never commit; e-mails go to the outbox in the caller's transaction.
"""
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, select

from app.auth import tokens
from app.auth.models import LoginAttempt, User
from app.auth.passwords import check_policy
from app.auth.services import find_user
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import de, utcnow
from app.core.outbox import OutboxMessage, queue_mail

RESET_SUBJECT = "Jalons\u00a0: réinitialisation de votre mot de passe"
INVITATION_SUBJECT = "Jalons\u00a0: vous êtes invité à rejoindre le suivi Petites villes de demain"
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


def request_password_reset(email: str) -> OutboxMessage | None:
    """Queue a reset link if the address has an account that may use one.

    Returns the message or None, but the view must answer the same either way: the
    page must not tell who has an account. Demo accounts share one published password
    (resetting it would lock the other visitors out), so they never get a link.
    """
    user = find_user(email)
    if user is None or not user.active or user.demo:
        return None
    if _recent_reset_mails(user.email) >= MAX_RESET_MAILS_PER_HOUR:
        return None
    token = tokens.make_token(user, tokens.RESET)
    return queue_mail(
        user.email,
        RESET_SUBJECT,
        "emails/password_reset.txt",
        user=user,
        url=url_for("auth.reset_password", token=token, _external=True),
        validity=duration_fr(current_app.config["PASSWORD_RESET_MAX_AGE"]),
    )


def reset_password(token: str, password: str, ip: str) -> User:
    """Set the password a reset link was sent for; the link then stops working."""
    user = tokens.user_from_token(token, tokens.RESET)
    check_policy(password, user.email)
    user.set_password(password)
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
        user=user,
        inviter=inviter,
        grants=user.active_grants,
        url=url_for("auth.accept_invitation", token=token, _external=True),
        validity=duration_fr(current_app.config["INVITATION_MAX_AGE"]),
    )


def accept_invitation(token: str, password: str, ip: str) -> User:
    """The invitee chooses a password and is logged in: the acceptance counts as a login."""
    user = tokens.user_from_token(token, tokens.INVITATION)
    if not user.invitation_pending:
        raise tokens.TokenInvalid(tokens.INVITATION.invalid)
    check_policy(password, user.email)
    user.set_password(password)
    user.last_login_at = utcnow()
    db.session.add(LoginAttempt(email=user.email, ip=ip, success=True))
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Ends every other session of the user (set_password bumps session_version)."""
    if not user.check_password(current):
        raise DomainError("Le mot de passe actuel est incorrect.")
    check_policy(new, user.email)
    user.set_password(new)
    db.session.flush()
