"""Login rules: one message for every failure, and a cap on failed attempts."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from app.auth import sessions
from app.auth.models import LoginAttempt, User, UserSession, spend_a_password_check
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import utcnow

BAD_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."
TOO_MANY = (
    "Trop de tentatives de connexion échouées. Réessayez dans 15 minutes, "
    "ou utilisez «\u00a0Mot de passe oublié\u00a0»."
)


def demo_accounts() -> list[User]:
    """The demo accounts the login page offers while demo mode is on (`flask demo seed`)."""
    return db.session.scalars(
        select(User).where(User.demo.is_(True), User.active.is_(True)).order_by(User.id)
    ).all()


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _recent_failures(column, value) -> int:
    """Failures in the window; for an e-mail, only those since its last success.

    A success (a login, or a password reset through the e-mailed link) proves the owner is
    back, so the lock lifts at once instead of 15 minutes later.
    """
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    conditions = [
        column == value, LoginAttempt.success.is_(False), LoginAttempt.at >= utcnow() - window
    ]
    if column is LoginAttempt.email:
        last_success = (
            select(func.max(LoginAttempt.at))
            .where(LoginAttempt.email == value, LoginAttempt.success.is_(True))
            .scalar_subquery()
        )
        conditions.append(or_(last_success.is_(None), LoginAttempt.at > last_success))
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(*conditions))


def refuse_if_locked(email: str, ip: str, message: str = TOO_MANY) -> None:
    """Raise DomainError(message) once the address or the IP is over its failure limit."""
    cfg = current_app.config
    if (
        _recent_failures(LoginAttempt.email, email) >= cfg["LOGIN_MAX_FAILURES_PER_EMAIL"]
        or _recent_failures(LoginAttempt.ip, ip) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]
    ):
        raise DomainError(message)


def authenticate(email: str, password: str, ip: str) -> User:
    """Return the user, or raise DomainError with a message that reveals nothing.

    Unknown e-mail, wrong password, inactive account and demo account outside demo
    mode all get the same message, so the form cannot be used to probe for accounts.
    """
    email = normalize_email(email)
    cfg = current_app.config
    refuse_if_locked(email, ip)
    user = find_user(email)
    if user is None:
        spend_a_password_check(password)
    ok = (
        user is not None
        and user.check_password(password)
        and user.active
        and (cfg["DEMO_MODE"] or not user.demo)
    )
    db.session.add(LoginAttempt(email=email, ip=ip, success=ok))
    if not ok:
        db.session.flush()
        raise DomainError(BAD_CREDENTIALS)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def log_in(email: str, password: str, ip: str, user_agent: str | None) -> UserSession:
    """Authenticate, then open the session the browser will be bound to."""
    return sessions.open_session(authenticate(email, password, ip), user_agent)
