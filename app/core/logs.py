"""The tokens of e-mailed links stay out of the logs.

A reset or invitation link carries its token in the path (`/mot-de-passe/<token>`). The
view moves it into the session at once (app/auth/views.py), so only that first request's
line could show it: this filter rewrites it to `/mot-de-passe/[jeton]` in the dev server's
request log (`werkzeug`), gunicorn's access and error logs, and the application's own log.
The rules are found in the URL map: any rule with a `token` argument is redacted.
"""
import logging
import re

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
    for name in (*LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactTokens)]:
            logger.removeFilter(old)
        if pattern is not None:
            logger.addFilter(RedactTokens(pattern))
