"""HTTP security headers: the application talks only to its own origin."""
from flask import request

CSP = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "style-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        # Every page is a logged-in user's data, a link's token or a form bound to the
        # session: none may stay in a shared computer's cache or a proxy. A view that knows
        # better (the help diagrams) sets its own header.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
