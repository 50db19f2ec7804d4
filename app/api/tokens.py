"""Create, authenticate, rate-limit and revoke personal API tokens. Flush, never commit.

A secret is `jalons_` + `secrets.token_urlsafe(32)` (256 random bits): the prefix makes a
leaked one recognisable (secret scanners, logs). Only its SHA-256 is kept; it is shown once,
on the page the creation redirects to (POST, redirect, GET: a refresh creates nothing). Until
that page, it is split in two (`hold`): the secret XOR a one-time random key on the token's
row, the key in the creator's session cookie; the page puts them together and clears both
(`take`), so a second visit shows nothing.

Rate limit: like the login's limiter, counted in the database, so that every gunicorn worker
shares it: at most API_RATE_LIMIT requests per token in a fixed window of
API_RATE_WINDOW_SECONDS. The count is one UPDATE of the token's row per request (atomic:
concurrent requests cannot both take the last slot); `last_used_at` changes in the same
statement only when it is a minute old or more, so what the owner reads moves once a minute.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.api.models import ApiToken
from app.auth.models import RoleGrant, User
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import utcnow

PREFIX = "jalons_"
SHOWN = len(PREFIX) + 4
TOUCH_EVERY = timedelta(minutes=1)
NAME_LENGTH = 100


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: User, nom: str) -> tuple[ApiToken, str]:
    """The new token and its secret (the only time the secret exists outside the client)."""
    nom = (nom or "").strip()
    if not nom:
        raise DomainError("Nommez le jeton (par exemple «\u00a0Grist de la DDT\u00a0»).")
    if len(nom) > NAME_LENGTH:
        raise DomainError(f"Le nom du jeton tient en {NAME_LENGTH} caractères.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, nom=nom, debut=secret[:SHOWN], empreinte=fingerprint(secret))
    db.session.add(token)
    db.session.flush()
    return token, secret


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, key, strict=True))


def hold(token: ApiToken, secret: str) -> str:
    """Keep the secret until the page that shows it: its row gets the secret XOR a new random
    key, and the key (hex) is returned, for the creator's session cookie. Flushes."""
    key = secrets.token_bytes(len(secret.encode()))
    token.a_montrer = _xor(secret.encode(), key).hex()
    db.session.flush()
    return key.hex()


def take(token: ApiToken | None, key: str) -> str | None:
    """The secret held for `token`, once: its row forgets its half. None when already shown
    (or the key does not fit). Flushes."""
    if token is None or not token.a_montrer or not token.active:
        return None
    held, token.a_montrer = bytes.fromhex(token.a_montrer), None
    db.session.flush()
    try:
        secret = _xor(held, bytes.fromhex(key)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return secret if fingerprint(secret) == token.empreinte else None


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def token_of(user: User, token_id: int) -> ApiToken | None:
    """The user's own token of that id (None for anyone else's: it answers 404)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token of that secret, with its user and grants loaded; None if unknown,
    revoked, or its user may not log in (deactivated, a demo account outside demo mode)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.empreinte == fingerprint(secret), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user).selectinload(User.grants).selectinload(RoleGrant.dossier))
    )
    if token is None or not token.user.active:
        return None
    if token.user.demo and not current_app.config["DEMO_MODE"]:
        return None
    return token


def window_start(now: datetime) -> datetime:
    seconds = int(current_app.config["API_RATE_WINDOW_SECONDS"])
    epoch = datetime(1970, 1, 1)
    return epoch + timedelta(seconds=(int((now - epoch).total_seconds()) // seconds) * seconds)


def count_request(token: ApiToken, now: datetime | None = None) -> int | None:
    """Count this request; None while under the limit, else the seconds until the window ends."""
    now = now or utcnow()
    start = window_start(now)
    used = db.session.scalar(
        update(ApiToken).where(ApiToken.id == token.id).values(
            fenetre_requetes=case((ApiToken.fenetre_debut == start, ApiToken.fenetre_requetes + 1), else_=1),
            fenetre_debut=start,
            last_used_at=case((or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOUCH_EVERY),
                               now), else_=ApiToken.last_used_at),
        ).returning(ApiToken.fenetre_requetes).execution_options(synchronize_session=False)
    )
    if used <= int(current_app.config["API_RATE_LIMIT"]):
        return None
    window = timedelta(seconds=int(current_app.config["API_RATE_WINDOW_SECONDS"]))
    return max(1, int((start + window - now).total_seconds()))
