"""A browser is logged in while its Flask session names a live UserSession row.

Flask-Login keeps the user id in the session (`_user_id`); the loader also looks up the
row named by SESSION_KEY. A cookie copied before a logout, or a remember-me cookie (which
carries only the user id), therefore finds nothing.
"""
from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from app.auth import sessions
from app.auth.models import User, UserSession
from app.core.access import uses_session
from app.core.db import db
from app.extensions import login_manager

SESSION_KEY = "session_id"


def load_user(user_id: str) -> User | None:
    record = sessions.live_session(session.get(SESSION_KEY))
    if record is None or str(record.user_id) != user_id:
        return None
    user = record.user
    if not user.active:
        return None  # a deactivated account loses its open sessions at once
    if user.demo and not current_app.config["DEMO_MODE"]:
        return None  # demo accounts exist only while demo mode is on
    g.user_session = record
    return user


def current_session() -> UserSession | None:
    """The row of this browser's session, if it is logged in."""
    if not current_user.is_authenticated:  # runs the loader once per request
        return None
    return g.get("user_session")


def session_data(record: UserSession) -> dict:
    """What the Flask session of a browser logged in with `record` holds."""
    return {SESSION_KEY: record.id, "_user_id": str(record.user_id), "_fresh": True}


def sign_in(record: UserSession) -> None:
    """Bind this browser to `record`, once it is committed.

    The Flask session starts empty: nothing from before the login is carried over, the
    CSRF secret (`csrf_token`) included, so a token read before the login is worth nothing.
    """
    session.clear()
    session[SESSION_KEY] = record.id
    login_user(record.user)
    g.user_session = record


def sign_out() -> None:
    """Forget the session in this browser (the caller revokes its row), CSRF secret too."""
    session.clear()
    logout_user()  # after clear(): it may ask for the remember-me cookie to be deleted
    g.pop("user_session", None)


def note_activity() -> None:
    """before_request: load the session (expired or revoked, the user is anonymous) and
    record the visit, at most once a minute; committed at once, whatever the view does."""
    if request.endpoint == "static" or not uses_session():
        return
    record = current_session()
    if record is not None and sessions.touch(record):
        db.session.commit()


def init_app(app) -> None:
    login_manager.user_loader(load_user)
    app.before_request(note_activity)
