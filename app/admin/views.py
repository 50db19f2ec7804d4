from flask import Blueprint

from app.auth.roles import Role
from app.core.access import require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/utilisateurs")
@require_role(Role.ADMIN)
def users():
    return "TODO"
