"""Server-side sessions: opened at login, checked at every request, revoked at logout.

A session ends when it is revoked (logout, password change, deactivation), after
SESSION_IDLE_SECONDS without a request, or SESSION_MAX_SECONDS after the login, whatever
the activity. Flush, never commit.
"""
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from app.auth.models import RoleGrant, User, UserSession
from app.core.db import db
from app.core.formatting import utcnow

# last_seen_at is written at most this often: not one UPDATE per page. The idle limit is
# then reached up to this much early, never late.
TOUCH_EVERY = timedelta(minutes=1)
USER_AGENT_LENGTH = 300


def open_session(user: User, user_agent: str | None) -> UserSession:
    now = utcnow()
    record = UserSession(
        id=secrets.token_urlsafe(32), user=user, created_at=now, last_seen_at=now,
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def has_expired(record: UserSession) -> bool:
    cfg, now = current_app.config, utcnow()
    return (
        now - record.last_seen_at > timedelta(seconds=cfg["SESSION_IDLE_SECONDS"])
        or now - record.created_at > timedelta(seconds=cfg["SESSION_MAX_SECONDS"])
    )


def live_session(session_id) -> UserSession | None:
    """The session of that id if it is neither revoked nor expired, with its user and the
    user's grants (what every page needs), in one query and two small ones."""
    if not isinstance(session_id, str) or not session_id:
        return None
    record = db.session.scalar(
        select(UserSession)
        .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
        .options(joinedload(UserSession.user)
                 .selectinload(User.grants).selectinload(RoleGrant.dossier))
    )
    if record is None or has_expired(record):
        return None
    return record


def touch(record: UserSession) -> bool:
    """Note the activity; True when the row changed (the caller commits)."""
    now = utcnow()
    if now - record.last_seen_at < TOUCH_EVERY:
        return False
    record.last_seen_at = now
    db.session.flush()
    return True


def revoke(record: UserSession) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.flush()


def revoke_all(user: User) -> None:
    """Every open session of the user ends: on a password change or a deactivation."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
