"""Domain errors carry a message a user can read; views turn them into flashes or form errors."""
from flask import render_template
from werkzeug.exceptions import SecurityError

UNKNOWN_HOST = (
    "Demande refusée\u00a0: cette adresse ne correspond pas au site Jalons. "
    "Vérifiez l'adresse saisie dans votre navigateur."
)


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
    app.register_error_handler(SecurityError, unknown_host)
    app.register_error_handler(403, page(403, "errors/403.html"))
    app.register_error_handler(404, page(404, "errors/404.html"))
    app.register_error_handler(413, page(413, "errors/413.html"))
    app.register_error_handler(500, page(500, "errors/500.html"))


def unknown_host(error):
    """A Host outside TRUSTED_HOSTS: no URL can be built for it (Flask has no URL adapter),
    so no page template either; a sentence in plain text."""
    return UNKNOWN_HOST, 400, {"Content-Type": "text/plain; charset=utf-8"}
