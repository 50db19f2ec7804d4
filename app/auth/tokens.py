"""Signed links for password reset and invitations.

A token carries the user id and a fingerprint of the account's current password hash and
session version. Setting a password changes both, so a link works once and dies as soon as
the password changes by any other way; no table of issued tokens is needed.
"""
import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.auth.models import User
from app.core.db import db
from app.core.errors import DomainError


class TokenExpired(DomainError):
    pass


class TokenInvalid(DomainError):
    pass


@dataclass(frozen=True)
class Purpose:
    salt: str  # a dedicated salt: a reset link can never be used as an invitation, and back
    max_age_setting: str
    expired: str
    invalid: str


RESET = Purpose(
    salt="password-reset",
    max_age_setting="PASSWORD_RESET_MAX_AGE",
    expired="Ce lien de réinitialisation a expiré. Demandez-en un nouveau.",
    invalid=(
        "Ce lien de réinitialisation n'est pas valide ou a déjà été utilisé. "
        "Demandez-en un nouveau."
    ),
)
INVITATION = Purpose(
    salt="invitation",
    max_age_setting="INVITATION_MAX_AGE",
    expired=(
        "Cette invitation a expiré. Demandez à l'administrateur de Jalons de vous l'envoyer à nouveau."
    ),
    invalid=(
        "Cette invitation n'est pas valide ou a déjà été acceptée. Si vous avez déjà choisi "
        "votre mot de passe, connectez-vous\u00a0; sinon demandez une nouvelle invitation."
    ),
)


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose.salt)


def fingerprint(user: User) -> str:
    """Changes whenever the password (or the session version) changes.

    A digest rather than the hash itself: the token's payload is readable, only signed.
    """
    raw = f"{user.password_hash or ''}|{user.session_version}".encode()
    return hashlib.sha256(raw).hexdigest()[:20]


def make_token(user: User, purpose: Purpose) -> str:
    return _serializer(purpose).dumps({"id": user.id, "fp": fingerprint(user)})


def user_from_token(token: str, purpose: Purpose) -> User:
    """The active user the token was made for, or TokenExpired / TokenInvalid.

    The row is locked (PostgreSQL) so that two submissions of one link cannot both succeed.
    """
    max_age = current_app.config[purpose.max_age_setting]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired(purpose.expired) from error
    except BadSignature as error:
        raise TokenInvalid(purpose.invalid) from error
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise TokenInvalid(purpose.invalid)
    user = db.session.scalar(select(User).where(User.id == data["id"]).with_for_update())
    if user is None or not user.active or fingerprint(user) != data.get("fp"):
        raise TokenInvalid(purpose.invalid)
    return user
