"""Access rules shared by every blueprint.

Every endpoint needs a logged-in user unless it is marked `public`: a new route is
closed by default. Roles are checked with `require_role`; objects out of scope answer 404.
"""
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

def public(view):
    """Mark a view as reachable without logging in."""
    view.is_public = True
    return view


def token_only(view):
    """Mark a view as authenticated by its own bearer token, never by the session cookie
    (the API): the login wall lets it through, and nothing reads or renews the session."""
    view.is_public = True
    view.token_only = True
    return view


def uses_session() -> bool:
    """False for the views marked `token_only`: the session cookie is not theirs to read."""
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "token_only", False)


def require_login():
    """before_request hook: send anonymous users to the login page."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_role(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
