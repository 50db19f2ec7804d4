"""Settings: defaults here, then `instance/config.py`, then the environment.

The environment wins so that a deployment needs no file in the code tree.
"""
import os
from datetime import date
from urllib.parse import urlsplit

ENV_SETTINGS = (
    "SECRET_KEY", "DATABASE_URL", "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME",
    "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_DEFAULT_SENDER",
    "JALONS_ENV", "DEMO_MODE", "SERVER_NAME", "PREFERRED_URL_SCHEME",
    "UPLOAD_MAX_BYTES", "DOCUMENTS_DIR", "BASE_URL", "TRUSTED_HOSTS", "TRUSTED_PROXIES",
    "SESSION_IDLE_SECONDS", "SESSION_MAX_SECONDS", "AUDIT_KEYS", "AUDIT_KEY_ID",
    "OPERATOR_NAME", "OPERATOR_ADDRESS", "OPERATOR_CONTACT", "PUBLICATION_DIRECTOR",
    "HOSTING_PROVIDER", "DPO_CONTACT", "PROGRAMME_END", "EXTENSION_MAX_MONTHS",
    "OUTBOX_CLAIM_LEASE_SECONDS", "STORAGE_BACKEND", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_REGION",
    "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_SERVER_SIDE_ENCRYPTION", "S3_SSE_KMS_KEY_ID",
    "S3_PRESIGNED_SECONDS", "LOG_FORMAT", "API_RATE_LIMIT", "API_RATE_WINDOW_SECONDS", "DEMO_WORKERS",
    "EXPORT_XLSX_SYNC_CELLS", "PREPARED_FILES_DAYS",
)
BOOLEAN_SETTINGS = {"MAIL_USE_TLS", "MAIL_USE_SSL", "DEMO_MODE"}
INTEGER_SETTINGS = {
    "MAIL_PORT", "UPLOAD_MAX_BYTES", "TRUSTED_PROXIES", "SESSION_IDLE_SECONDS", "SESSION_MAX_SECONDS",
    "OUTBOX_CLAIM_LEASE_SECONDS", "EXTENSION_MAX_MONTHS", "API_RATE_LIMIT", "API_RATE_WINDOW_SECONDS",
    "DEMO_WORKERS", "S3_PRESIGNED_SECONDS", "EXPORT_XLSX_SYNC_CELLS", "PREPARED_FILES_DAYS",
}
LIST_SETTINGS = {"TRUSTED_HOSTS"}

# A presigned download URL is a bearer token for one file: it must not outlive a few minutes.
PRESIGNED_MAX_SECONDS = 900

# `make run`, and the hosts a developer's browser (or the browser tests, on any port) uses.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
DEVELOPMENT_HOSTS = ("127.0.0.1", "localhost")


class Defaults:
    # "production" unless told otherwise: the safe default is the strict one.
    JALONS_ENV = "production"
    DEMO_MODE = False
    DEMO_PASSWORD = "jalons-demo-2026"
    SECRET_KEY = None
    DATABASE_URL = None
    # The public address of Jalons, e.g. https://jalons.anct.gouv.fr: every e-mailed link is
    # built from it, never from the request's Host header (which a client chooses).
    BASE_URL = None
    # Host names accepted besides BASE_URL's (a request for any other answers 400).
    TRUSTED_HOSTS = None
    # How many reverse proxies stand in front of Jalons and append to X-Forwarded-*. At 0
    # those headers are ignored: a client could write anything in them.
    TRUSTED_PROXIES = 0
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A session ends after this long without a request, and this long after the login.
    SESSION_IDLE_SECONDS = 2 * 3600
    SESSION_MAX_SECONDS = 12 * 3600
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
    # A sender's claim on a message lasts this long; past it, the claim of a sender that died
    # (killed mid-batch, host lost) is taken by the next one.
    OUTBOX_CLAIM_LEASE_SECONDS = 10 * 60
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    INVITATION_MAX_AGE = 7 * 24 * 3600
    LOGIN_MAX_FAILURES_PER_EMAIL = 5
    LOGIN_MAX_FAILURES_PER_IP = 30
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    PAGE_SIZE = 25
    # The API (app/api/): requests per token in a fixed window, and the size of its pages.
    API_RATE_LIMIT = 120
    API_RATE_WINDOW_SECONDS = 60
    API_PAGE_SIZE = 100
    API_MAX_PAGE_SIZE = 500
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    # An XLSX export of more cells (rows × columns) is written in the background (app/exports/
    # demandes.py): openpyxl writes about 40,000 cells a second, so this is about 5 s of a worker.
    EXPORT_XLSX_SYNC_CELLS = 200_000
    # Days a prepared XLSX export or « point d'avancement » report is kept once ready (or
    # failed): then its file is deleted and the request marked expired (it holds names of
    # people; a new request prepares it again). `flask exports generer` and `flask rapports
    # generer` do it after their requests.
    PREPARED_FILES_DAYS = 30
    # Where documents are kept (app/core/storage.py): "local" (DOCUMENTS_DIR) or "s3".
    STORAGE_BACKEND = "local"
    DOCUMENTS_DIR = None
    S3_ENDPOINT_URL = None
    S3_BUCKET = None
    S3_REGION = None
    S3_ACCESS_KEY_ID = None
    S3_SECRET_ACCESS_KEY = None
    S3_SERVER_SIDE_ENCRYPTION = None  # "AES256" or "aws:kms"
    S3_SSE_KMS_KEY_ID = None
    # Seconds a presigned download URL lives (0: off, every file goes through the application).
    S3_PRESIGNED_SECONDS = 0
    # "json": one JSON object per log line, with the request id (app/core/logs.py); else text.
    LOG_FORMAT = "text"
    # Processes that walk the demo's dossiers side by side (`flask demo seed`): None, one per core.
    DEMO_WORKERS = None
    # Archive the generated convention PDF at each submission (off in most tests: it is slow).
    ARCHIVE_CONVENTIONS = True
    # Convention PDFs a user may have rendered (not served from the cache) in the window.
    CONVENTION_PDF_RENDERS_PER_USER = 10
    CONVENTION_PDF_RENDER_WINDOW_SECONDS = 10 * 60
    TIMEZONE = "Europe/Paris"
    LOCALE = "fr_FR"
    PROGRAMME_START = "2020-10-01"
    # The end of the programme (ISO date): the conventions run until then, no extension of
    # the 18-month deadline goes past it. The one end date of the code: read it through
    # app.dossiers.echeance.programme_end().
    PROGRAMME_END = "2026-12-31"
    # An extension of the 18-month deadline moves it by this many months at most.
    EXTENSION_MAX_MONTHS = 12
    # Cofinancing of the chef de projet post (ANCT, Banque des territoires, Anah): at most this
    # share of its cost, and this much a year (the higher cap when the Anah cofinances), until
    # the end date (pro rata of the days in post for a partial year).
    CHEF_DE_PROJET_TAUX_MAX = "0.75"
    CHEF_DE_PROJET_PLAFOND_ANNUEL = "45000"
    CHEF_DE_PROJET_PLAFOND_ANNUEL_ANAH = "55000"
    CHEF_DE_PROJET_FIN_COFINANCEMENT = "2026-03-31"
    # Keys of the history's HMAC chain: "id:secret,id:secret" (the environment), never in the
    # database; AUDIT_KEY_ID names the one new rows are signed with (the others still verify).
    AUDIT_KEYS = None
    AUDIT_KEY_ID = None
    # Who runs this Jalons, for the legal pages (app/legal/): unset ones show "à compléter".
    OPERATOR_NAME = "Agence nationale de la cohésion des territoires (ANCT)"
    OPERATOR_ADDRESS = None
    OPERATOR_CONTACT = None  # an address for questions, accessibility and personal data requests
    PUBLICATION_DIRECTOR = None
    HOSTING_PROVIDER = None  # name and address of the host
    DPO_CONTACT = None  # the data protection officer (délégué à la protection des données)


def _coerce(name, value):
    if name in BOOLEAN_SETTINGS:
        return value.strip().lower() in {"1", "true", "yes", "oui", "on"}
    if name in INTEGER_SETTINGS:
        return int(value)
    if name in LIST_SETTINGS:
        return _split(value)
    return value


def _split(value) -> list[str]:
    """A comma-separated string (the environment) or a list (instance/config.py)."""
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value or () if item.strip()]


def _base_url(value: str, development: bool) -> str:
    parts = urlsplit(value.strip())
    schemes = {"http", "https"} if development else {"https"}
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"BASE_URL n'est pas une adresse valable\u00a0: {value!r}. Attendu\u00a0: "
            "l'adresse publique de Jalons, en https en production, par exemple "
            "https://jalons.anct.gouv.fr."
        )
    return value.strip().rstrip("/")


def _trusted_hosts(cfg, development: bool) -> list[str]:
    """BASE_URL's host, then TRUSTED_HOSTS, SERVER_NAME's host and, in development, 127.0.0.1
    and localhost. Werkzeug ignores the port when it compares."""
    hosts = [urlsplit(cfg["BASE_URL"]).hostname, *_split(cfg["TRUSTED_HOSTS"])]
    if cfg.get("SERVER_NAME"):
        hosts.append(urlsplit("//" + cfg["SERVER_NAME"]).hostname)
    if development:
        hosts.extend(DEVELOPMENT_HOSTS)
    return list(dict.fromkeys(host.lower() for host in hosts if host))


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
    if not cfg["BASE_URL"]:
        if not development:
            raise RuntimeError(
                "BASE_URL est obligatoire en production\u00a0: l'adresse publique de Jalons, par "
                "exemple https://jalons.anct.gouv.fr (les liens des courriels en partent)."
            )
        cfg["BASE_URL"] = DEVELOPMENT_BASE_URL
    cfg["BASE_URL"] = _base_url(cfg["BASE_URL"], development)
    # Flask (3.1) answers 400 to a request whose Host is not in this list.
    cfg["TRUSTED_HOSTS"] = _trusted_hosts(cfg, development)
    _check_programme_dates(cfg)
    if not 0 <= int(cfg["S3_PRESIGNED_SECONDS"]) <= PRESIGNED_MAX_SECONDS:
        raise RuntimeError(f"S3_PRESIGNED_SECONDS : de 0 (désactivé) à {PRESIGNED_MAX_SECONDS} secondes "
                           "(un lien de téléchargement présigné doit vivre peu de temps).")
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
            f"PROGRAMME_END «\u00a0{cfg['PROGRAMME_END']}\u00a0» n'est pas une date de la forme AAAA-MM-JJ."
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
