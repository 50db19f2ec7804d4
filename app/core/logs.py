"""The tokens of e-mailed links stay out of the logs.

A reset or invitation link carries its token in the path (`/mot-de-passe/<token>`). The
view moves it into the session at once (app/auth/views.py), so only that first request's
line could show it: this filter rewrites it to `/mot-de-passe/[jeton]` in the dev server's
request log (`werkzeug`), gunicorn's access and error logs, and the application's own log.
The rules are found in the URL map: any rule with a `token` argument is redacted.

Every request also gets an id (`init_app`): the one the trusted proxy sent in X-Request-Id
(letters, digits, dashes: a client cannot inject a line), or a new one. It is in the
response's X-Request-Id, in every log record written while the request runs and in its
access line (logger "jalons.access": method, path with tokens redacted, status, duration,
user id). With LOG_FORMAT=json every record is one JSON object per line, for a collector.
"""
import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

from flask import current_app, g, has_request_context, request

REDACTED = "[jeton]"
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


class RedactTokens(logging.Filter):
    def __init__(self, pattern: re.Pattern):
        super().__init__()
        self.pattern = pattern

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record: the handler reports it, as it would without us
        redacted = self.pattern.sub(rf"\g<1>{REDACTED}", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if isinstance(getattr(record, "path", None), str):  # the access line's own field
            record.path = self.pattern.sub(rf"\g<1>{REDACTED}", record.path)
        return True


def token_paths(app) -> re.Pattern | None:
    """The path of every rule taking a `token`, up to it, then the token itself."""
    prefixes = sorted({
        re.escape(rule.rule.split("<", 1)[0])
        for rule in app.url_map.iter_rules() if "token" in rule.arguments
    })
    if not prefixes:
        return None
    return re.compile(rf"({'|'.join(prefixes)})[^\s/?#\"']+")


def redact_tokens(app) -> None:
    """Once every blueprint is registered. A new application replaces the filter of the one
    before (the tests build several)."""
    pattern = token_paths(app)
    for name in (*LOGGERS, ACCESS_LOGGER, app.logger.name):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactTokens)]:
            logger.removeFilter(old)
        if pattern is not None:
            logger.addFilter(RedactTokens(pattern))


# --- one id per request, JSON lines --------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
ACCESS_LOGGER = "jalons.access"


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("method", "path", "status", "duration_ms", "user_id", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({name: getattr(record, name) for name in self.FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _start_request():
    sent = request.headers.get(REQUEST_ID_HEADER, "") if _trust_request_id() else ""
    g.request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _trust_request_id() -> bool:
    return current_app.config.get("TRUSTED_PROXIES", 0) > 0


def _end_request(response):
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    started = g.get("request_started")
    if started is not None and request.endpoint != "static":
        # The user only if the request loaded it: loading it here would read (and renew) the
        # session of a request that must not touch it (the API's, with its token only).
        user = g.get("_login_user")
        user_id = user.get_id() if user is not None and user.is_authenticated else None
        logging.getLogger(ACCESS_LOGGER).info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": request.path, "status": response.status_code,
                   "duration_ms": round((time.perf_counter() - started) * 1000, 1), "user_id": user_id,
                   "remote_addr": request.remote_addr})
    return response


def init_app(app) -> None:
    """Request ids and the access line; JSON records when LOG_FORMAT=json."""
    app.before_request(_start_request)
    app.after_request(_end_request)
    root = logging.getLogger()
    access = logging.getLogger(ACCESS_LOGGER)
    access.setLevel(logging.INFO)
    for logger in (root, access, app.logger):
        if not any(isinstance(f, RequestIdFilter) for f in logger.filters):
            logger.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler = next((h for h in root.handlers if getattr(h, "jalons_json", False)), None)
        if handler is None:
            handler = logging.StreamHandler()
            handler.jalons_json = True
            handler.addFilter(RequestIdFilter())
            root.addHandler(handler)
        handler.setFormatter(JsonFormatter())
        root.setLevel(logging.INFO)
        app.logger.handlers.clear()  # Flask's default handler: the root's JSON one instead
        app.logger.propagate = True
