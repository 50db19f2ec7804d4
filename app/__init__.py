"""Jalons: the lifecycle of the Petites villes de demain programme."""
import os

from flask import Flask

from app import config
from app.core import formatting, logs, routing
from app.core.access import require_login
from app.core.errors import register_error_pages
from app.core.security import set_security_headers, trust_proxies
from app.extensions import csrf, db, login_manager, migrate


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
    app.before_request(require_login)
    app.after_request(set_security_headers)
    trust_proxies(app)

    from app import models  # noqa: F401  (every model known to Alembic and the mappers)
    from app.admin.views import bp as admin_bp
    from app.auth import signin
    from app.auth.views import bp as auth_bp
    from app.conventions.views import bp as conventions_bp
    from app.core.cli import register_cli
    from app.core.context import register_context
    from app.documents.views import bp as documents_bp
    from app.dossiers import actions, avenant_views, views, workspace  # noqa: F401  (their routes join the blueprint)
    from app.dossiers.blueprint import bp as dossiers_bp
    from app.help.views import bp as help_bp
    from app.referentiel.views import bp as referentiel_bp

    signin.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(dossiers_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(referentiel_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(conventions_bp)
    register_context(app)
    register_cli(app)
    logs.redact_tokens(app)
    return app
