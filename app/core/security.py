"""HTTP security headers (the application talks only to its own origin), and the proxies
whose X-Forwarded-* headers are believed."""
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

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


def trust_proxies(app) -> None:
    """Believe the last TRUSTED_PROXIES entries of X-Forwarded-For, -Proto and -Host.

    Behind a proxy, `remote_addr` is the proxy's: every user would share the login
    limiter's per-address count. Each proxy appends what it saw, so only the entries the
    trusted proxies appended are the truth; anything before them is the client's claim.
    """
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
