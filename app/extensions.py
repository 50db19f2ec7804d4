"""Flask extensions, created unbound and initialised in create_app."""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from app.core.db import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
migrate = Migrate()
csrf = CSRFProtect()

__all__ = ["db", "login_manager", "migrate", "csrf"]
