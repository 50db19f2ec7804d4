"""Jalons: the lifecycle of the Petites villes de demain programme."""
import os

from flask import Flask

from app import config, models  # noqa: F401  (models: every mapper known to Alembic)
from app.admin.views import bp as admin_bp
from app.api.account import bp as api_tokens_bp
from app.api.views import bp as api_bp
from app.auth.views import bp as auth_bp
from app.avenants.views import bp as avenants_bp
from app.comite import subscribers as comite
from app.comite.blueprint import bp as comite_bp
from app.conventions import services as conventions
from app.conventions.fetcher import StaticOnlyFetcher
from app.conventions.views import bp as conventions_bp
from app.core import formatting, logs, routing
from app.core.access import require_login
from app.core.commands import outbox_cli
from app.core.errors import register_error_pages
from app.core.security import set_security_headers, trust_proxies
from app.auth import signin
from app.demo.commands import demo_cli
from app.dossiers.documents import bp as documents_bp
from app.dossiers.views import bp as dossiers_bp
from app.exploitation.commands import storage_cli
from app.exploitation.health import bp as exploitation_bp
from app.exports.commands import exports_cli
from app.exports.views import bp as exports_bp
from app.extensions import csrf, db, login_manager, migrate
from app.help.views import bp as help_bp
from app.historique.audit import audit_cli
from app.instruction.views import bp as instruction_bp
from app.legal.views import bp as legal_bp
from app.navigation import register_context
from app.notifications import subscribers as notifications
from app.notifications.commands import alerts_cli, digest_cli
from app.notifications.settings_views import bp as settings_bp
from app.notifications.views import bp as notifications_bp
from app.projet import subscribers as projet
from app.projet.blueprint import bp as projet_bp
from app.pvd.commands import pvd_cli
from app.referentiel.commands import referentiel_cli
from app.tableaux import registre
from app.tableaux.commands import rapports_cli, tableaux_cli
from app.tableaux.views import bp as tableaux_bp
from app.territoires.views import bp as territoires_bp

BLUEPRINTS = (auth_bp, admin_bp, dossiers_bp, documents_bp, avenants_bp, instruction_bp,
              territoires_bp, help_bp, conventions_bp, legal_bp, notifications_bp, settings_bp,
              projet_bp, exploitation_bp, exports_bp, api_tokens_bp, api_bp, tableaux_bp, comite_bp)
COMMANDS = (referentiel_cli, pvd_cli, demo_cli, outbox_cli, audit_cli, alerts_cli, digest_cli, storage_cli,
            rapports_cli, tableaux_cli, exports_cli)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    routing.register(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    formatting.register(app)
    register_error_pages(app)
    logs.init_app(app)  # first: every later hook and view logs with the request's id
    app.before_request(require_login)
    app.after_request(set_security_headers)
    trust_proxies(app)
    signin.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for command in COMMANDS:
        app.cli.add_command(command)
    register_context(app)
    # PDFs of other features (the maquette financière) load only static files, as conventions do.
    app.extensions["pdf_url_fetcher"] = StaticOnlyFetcher
    _subscribe_once()
    logs.redact_tokens(app)
    return app


_subscribed = False


def _subscribe_once() -> None:
    """Signals are process-wide (blinker): connect the receivers once, whatever the apps."""
    global _subscribed
    if not _subscribed:
        conventions.subscribe()
        notifications.subscribe()
        projet.subscribe()
        comite.subscribe()
        registre.subscribe()  # the dashboards' register, kept in step by every flush
        _subscribed = True
