"""What every template can use: the navigation of the current user's roles."""
from flask import request, url_for
from flask_login import current_user

from app.auth.roles import Role


def navigation() -> list[dict]:
    """Menu entries by role; each entry is also protected on the server side."""
    if not current_user.is_authenticated:
        return []
    items = [("dossiers.index", "Mes dossiers", None)]
    if current_user.has_role(Role.PREFECTURE):
        items.append(("dossiers.workspace", "Instruction", None))
    items.append(("referentiel.communes", "Communes", None))
    items.append(("referentiel.epcis", "Intercommunalités", None))
    items.append(("help.parcours", "Aide", None))
    if current_user.has_role(Role.ADMIN):
        items.append(("admin.users", "Utilisateurs", None))
    entries = []
    for endpoint, label, _ in items:
        entries.append({
            "url": url_for(endpoint),
            "label": label,
            "current": request.endpoint == endpoint,
        })
    return entries


def etat_label(value: str | None) -> str:
    """A state of a dossier, or of an avenant (their history rows share the dossier's chain)."""
    from app.dossiers.avenants import AvenantEtat
    from app.dossiers.models import DossierEtat

    if not value:
        return "—"
    for states in (DossierEtat, AvenantEtat):
        try:
            return states(value).label
        except ValueError:
            continue
    return value


def register_context(app):
    @app.context_processor
    def inject():
        return {"navigation": navigation, "Role": Role, "demo_mode": app.config["DEMO_MODE"],
                "etat_label": etat_label}
