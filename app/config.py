"""Settings: defaults here, then `instance/config.py`, then the environment.

The environment wins so that a deployment needs no file in the code tree.
"""
import os
from datetime import date

ENV_SETTINGS = (
    "SECRET_KEY", "DATABASE_URL", "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME",
    "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_DEFAULT_SENDER",
    "JALONS_ENV", "DEMO_MODE", "SERVER_NAME", "PREFERRED_URL_SCHEME",
    "UPLOAD_MAX_BYTES", "DOCUMENTS_DIR", "AUDIT_KEYS", "AUDIT_KEY_ID",
    "PROGRAMME_END", "EXTENSION_MAX_MONTHS",
)
BOOLEAN_SETTINGS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "DEMO_MODE"}
INTEGER_SETTINGS = {"MAIL_PORT", "UPLOAD_MAX_BYTES", "EXTENSION_MAX_MONTHS"}


class Defaults:
    # "production" unless told otherwise: the safe default is the strict one.
    JALONS_ENV = "production"
    DEMO_MODE = False
    DEMO_PASSWORD = "jalons-demo-2026"
    SECRET_KEY = None
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a long form filled slowly must not be lost
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_DEFAULT_SENDER = "Jalons <ne-pas-repondre@jalons.anct.gouv.fr>"
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    INVITATION_MAX_AGE = 7 * 24 * 3600
    LOGIN_MAX_FAILURES_PER_EMAIL = 5
    LOGIN_MAX_FAILURES_PER_IP = 30
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    PAGE_SIZE = 25
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    # Archive the generated convention PDF at each submission (off in most tests: it is slow).
    ARCHIVE_CONVENTIONS = True
    TIMEZONE = "Europe/Paris"
    LOCALE = "fr_FR"
    PROGRAMME_START = "2020-10-01"
    # The end of the programme (ISO date): the conventions run until then, no extension of
    # the 18-month deadline goes past it. The one end date of the code: read it through
    # app.dossiers.echeance.programme_end().
    PROGRAMME_END = "2026-12-31"
    # An extension of the 18-month deadline moves it by this many months at most.
    EXTENSION_MAX_MONTHS = 12
    # Keys of the history's HMAC chain: "id:secret,id:secret" (the environment), never in the
    # database; AUDIT_KEY_ID names the one new rows are signed with (the others still verify).
    AUDIT_KEYS = None
    AUDIT_KEY_ID = None


def _coerce(name, value):
    if name in BOOLEAN_SETTINGS:
        return value.strip().lower() in {"1", "true", "yes", "oui", "on"}
    if name in INTEGER_SETTINGS:
        return int(value)
    return value


def load(app, overrides=None):
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name in ENV_SETTINGS:
        if name in os.environ:
            app.config[name] = _coerce(name, os.environ[name])
    if overrides:
        app.config.update(overrides)

    cfg = app.config
    development = cfg["JALONS_ENV"] in {"development", "test"}
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"] or (
            "sqlite:///" + os.path.join(app.instance_path, "jalons.sqlite3")
        )
    if not cfg["SECRET_KEY"]:
        if not development:
            raise RuntimeError(
                "SECRET_KEY est obligatoire en production : définissez la variable "
                "d'environnement SECRET_KEY ou instance/config.py."
            )
        cfg["SECRET_KEY"] = "dev-only-not-secret"
    _load_audit_keys(cfg, development)
    _check_programme_dates(cfg)
    if development:
        # Plain http on 127.0.0.1: a Secure cookie would never come back.
        cfg["SESSION_COOKIE_SECURE"] = False
        cfg["REMEMBER_COOKIE_SECURE"] = False
    else:
        cfg["DEBUG"] = False
    cfg["MAX_CONTENT_LENGTH"] = cfg["UPLOAD_MAX_BYTES"] + 1024 * 1024


def _check_programme_dates(cfg) -> None:
    """A mistyped end date would silently refuse every extension: fail at start-up instead."""
    try:
        date.fromisoformat(str(cfg["PROGRAMME_END"]))
    except ValueError:
        raise RuntimeError(
            f"PROGRAMME_END « {cfg['PROGRAMME_END']} » n'est pas une date de la forme AAAA-MM-JJ."
        ) from None
    if int(cfg["EXTENSION_MAX_MONTHS"]) < 1:
        raise RuntimeError("EXTENSION_MAX_MONTHS doit être un nombre de mois supérieur ou égal à 1.")


DEV_AUDIT_KEY = {"dev": "jalons-dev-audit-key-not-secret"}


def _load_audit_keys(cfg, development: bool) -> None:
    """AUDIT_KEYS as {id: secret}, from "id:secret,id:secret" or a dict (instance/config.py)."""
    keys = cfg["AUDIT_KEYS"]
    if isinstance(keys, str):
        pairs = [item.split(":", 1) for item in keys.split(",") if item.strip()]
        if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
            raise RuntimeError("AUDIT_KEYS doit être de la forme « id:secret,id:secret ».")
        keys = {name.strip(): secret.strip() for name, secret in pairs}
    if not keys:
        if not development:
            raise RuntimeError(
                "AUDIT_KEYS est obligatoire en production : la clé qui scelle l'historique des "
                "dossiers ne doit pas être dans la base (voir la section Sécurité du README)."
            )
        keys = dict(DEV_AUDIT_KEY)
    cfg["AUDIT_KEYS"] = keys
    if not cfg["AUDIT_KEY_ID"]:
        cfg["AUDIT_KEY_ID"] = next(iter(keys))
    if cfg["AUDIT_KEY_ID"] not in keys:
        raise RuntimeError(f"AUDIT_KEY_ID « {cfg['AUDIT_KEY_ID']} » ne figure pas dans AUDIT_KEYS.")
