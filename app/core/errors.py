"""Domain errors carry a message a user can read; views turn them into flashes or form errors.

Error pages roll the request's transaction back before rendering: a failed flush leaves the
session unusable, and the page itself reads the current user. A lock or serialization
failure of the database (two people acting at the same instant) is the "modifié entre-temps"
of optimistic locking seen from the other side: the user gets that message, not a 500.
"""
import logging

from flask import render_template
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import Forbidden, SecurityError

from app.core.db import db

log = logging.getLogger(__name__)

UNKNOWN_HOST = (
    "Demande refusée\u00a0: cette adresse ne correspond pas au site Jalons. "
    "Vérifiez l'adresse saisie dans votre navigateur."
)

CONFLICT = (
    "Ce dossier a été modifié entre-temps par une autre personne. "
    "Rechargez la page pour voir son état actuel, puis recommencez si besoin."
)
# SQLSTATEs of PostgreSQL's concurrency failures: serialization, deadlock, lock not available.
CONCURRENCY_SQLSTATES = {"40001", "40P01", "55P03"}


class DomainError(Exception):
    """A rule of the programme refused the operation; `str(error)` is shown to the user."""


class ConflictError(DomainError):
    """The object changed since the user loaded it."""


def is_concurrency_failure(error: BaseException) -> bool:
    """A database error that only says another transaction held what this one needed."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in CONCURRENCY_SQLSTATES:
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — the page must render even if the connection is gone
        log.exception("Échec du retour arrière avant une page d'erreur")
        db.session.remove()


def register_error_pages(app):
    def page(code, template):
        def handler(error):
            _rollback()
            return render_template(template, error=error), code
        return handler

    def database_error(error):
        if not is_concurrency_failure(error):
            raise error  # a real failure: Flask's 500 page, logged
        _rollback()
        log.info("Conflit d'accès concurrent : %s", error.orig)
        return render_template("errors/409.html", error=CONFLICT), 409

    app.register_error_handler(400, page(400, "errors/400.html"))  # a refused CSRF token, too
    app.register_error_handler(SecurityError, unknown_host)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, page(404, "errors/404.html"))
    app.register_error_handler(413, page(413, "errors/413.html"))
    app.register_error_handler(429, page(429, "errors/429.html"))
    app.register_error_handler(500, page(500, "errors/500.html"))
    app.register_error_handler(DBAPIError, database_error)


def unknown_host(error):
    """A Host outside TRUSTED_HOSTS: no URL can be built for it (Flask has no URL adapter),
    so no page template either; a sentence in plain text."""
    return UNKNOWN_HOST, 400, {"Content-Type": "text/plain; charset=utf-8"}


def forbidden(error):
    """403, with the reason when the view gave one (`abort(403, description="…")`)."""
    _rollback()
    reason = getattr(error, "description", None)
    if reason == Forbidden.description:
        reason = None
    return render_template("errors/403.html", error=error, reason=reason), 403
