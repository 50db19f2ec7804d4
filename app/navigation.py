"""What every template can use: the navigation of the current user's roles.

A module of the application itself, beside create_app: it links to every feature's pages.
"""
from flask import request, url_for
from flask_login import current_user

from app.auth.roles import Role
from app.instruction.views import can_instruct


def navigation() -> list[dict]:
    """Menu entries by role; each entry is also protected on the server side."""
    if not current_user.is_authenticated:
        return []
    items = [("dossiers.index", "Mes dossiers", None)]
    if can_instruct(current_user):
        items.append(("instruction.workspace", "Instruction", None))
    items.append(("territoires.communes", "Communes", None))
    items.append(("territoires.epcis", "Intercommunalités", None))
    items.append(("help.parcours", "Aide", None))
    if current_user.has_role(Role.ADMIN):
        items.append(("admin.users", "Utilisateurs", None))
        items.append(("admin.outbox_messages", "Envois", None))
    entries = []
    for endpoint, label, _ in items:
        entries.append({
            "url": url_for(endpoint),
            "label": label,
            "current": request.endpoint == endpoint,
        })
    return entries


def register_context(app):
    @app.context_processor
    def inject():
        return {"navigation": navigation, "Role": Role, "demo_mode": app.config["DEMO_MODE"]}
