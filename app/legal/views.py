"""Accessibility statement, legal notice and personal data: public pages, linked from the footer.

Their text is in app/templates/legal/, for the operator to complete; who the operator is and
how to reach them are settings (OPERATOR_* in app/config.py), shown as "à compléter" until set.
"""
from flask import Blueprint, current_app, render_template

from app.core.access import public

bp = Blueprint("legal", __name__)

SETTINGS = ("OPERATOR_NAME", "OPERATOR_ADDRESS", "OPERATOR_CONTACT", "PUBLICATION_DIRECTOR",
            "HOSTING_PROVIDER", "DPO_CONTACT")


def _page(template: str):
    operator = {name: current_app.config.get(name) for name in SETTINGS}
    return render_template(template, operator=operator)


@bp.route("/accessibilite")
@public
def accessibilite():
    return _page("legal/accessibilite.html")


@bp.route("/mentions-legales")
@public
def mentions_legales():
    return _page("legal/mentions_legales.html")


@bp.route("/donnees-personnelles")
@public
def donnees_personnelles():
    return _page("legal/donnees_personnelles.html")
