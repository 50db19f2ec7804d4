"""What every template can use: the navigation of the current user's roles.

A module of the application itself, beside create_app: it links to every feature's pages.
"""
from flask import request, url_for
from flask_login import current_user

from app.auth.roles import Role
from app.auth.views import home_url
from app.instruction.views import can_instruct
from app.notifications.settings_views import can_edit_programme
from app.notifications.views import unread_count
from app.tableaux.niveaux import can_see_dashboards


def navigation() -> list[dict]:
    """Menu entries by role; each entry is also protected on the server side."""
    if not current_user.is_authenticated:
        return []
    items = []
    if current_user.administers_only:
        items.append(("admin.users", "Utilisateurs"))
    else:
        items.append(("dossiers.index", "Mes dossiers"))
    if can_instruct(current_user):
        items.append(("instruction.workspace", "Instruction"))
    if can_see_dashboards(current_user):
        items.append(("tableaux.index", "Tableaux de bord"))
    if current_user.has_role(Role.PARTENAIRE):
        items.append(("comite.partenaire", "Ce qui vous attend"))
    items.append(("territoires.communes", "Communes"))
    items.append(("territoires.epcis", "Intercommunalités"))
    if can_edit_programme(current_user):
        items.append(("parametres.edit", "Paramètres"))
    items.append(("help.index", "Aide"))
    if current_user.is_admin and not current_user.administers_only:
        items.append(("admin.users", "Utilisateurs"))
    if current_user.is_admin:
        items.append(("admin.outbox_messages", "Envois"))
    return [
        {"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint}
        for endpoint, label in items
    ]


def home() -> str:
    """The page the logo leads to: the user's own home, or the login page."""
    return home_url(current_user) if current_user.is_authenticated else url_for("auth.login")


def register_context(app):
    @app.context_processor
    def inject():
        return {"navigation": navigation, "home": home, "Role": Role, "demo_mode": app.config["DEMO_MODE"],
                "unread_notifications": lambda: unread_count(current_user)}
