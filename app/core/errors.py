"""Domain errors carry a message a user can read; views turn them into flashes or form errors."""
from flask import render_template
from werkzeug.exceptions import Forbidden


class DomainError(Exception):
    """A rule of the programme refused the operation; `str(error)` is shown to the user."""


class ConflictError(DomainError):
    """The object changed since the user loaded it."""


def register_error_pages(app):
    def page(code, template):
        def handler(error):
            return render_template(template, error=error), code
        return handler

    app.register_error_handler(400, page(400, "errors/400.html"))  # a refused CSRF token, too
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, page(404, "errors/404.html"))
    app.register_error_handler(413, page(413, "errors/413.html"))
    app.register_error_handler(500, page(500, "errors/500.html"))


def forbidden(error):
    """403, with the reason when the view gave one (`abort(403, description="…")`)."""
    reason = getattr(error, "description", None)
    if reason == Forbidden.description:
        reason = None
    return render_template("errors/403.html", error=error, reason=reason), 403
