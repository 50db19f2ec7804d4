"""What a convention template is given: the parties, their signataires and délibérations, the
cadre's sections and the dates, read from the models (app/conventions/contenu.py).

A draft says "projet" and is dated today. A signed convention is printed from what stood at
its signature (`Signature`): its date, the chefs de projet then in post, and the 18-month
deadline counted from the adhésion's signature, never from a later extension.
The cadre's strategy, plan d'action and maquette financière come from the projet de
territoire (app/projet/convention.py): today's for a draft, the snapshot recorded in the
signature's history row for a signed cadre (None when that signature predates it).
"""
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import bindparam, select

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.conventions.contenu import KINDS, du_departement, read
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers.echeance import DELAI_MOIS, add_months, programme_end
from app.dossiers.models import Dossier
from app.projet.convention import hydrate, snapshot

__all__ = ["KINDS", "Signature", "chefs_de_projet", "convention_context", "du_departement"]

TITLES = {
    "adhesion": "Convention d'adhésion au programme Petites villes de demain",
    "cadre": "Convention-cadre Petites villes de demain valant opération de revitalisation "
             "de territoire (ORT)",
}

SHORT_TITLES = {"adhesion": "Convention d'adhésion", "cadre": "Convention-cadre valant ORT"}


@dataclass(frozen=True)
class Signature:
    """What a signed convention is printed from, as it stood when it was signed."""

    signed_on: date
    chefs_de_projet: tuple[str, ...]
    projet: dict | None = None  # the cadre's app.projet.convention.snapshot, as recorded then


@cache
def _chefs_statement():
    return (select(User.nom).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.CHEF_DE_PROJET, RoleGrant.dossier_id == bindparam("dossier_id"),
                   RoleGrant.revoked_at.is_(None), User.active.is_(True))
            .order_by(User.nom))


def chefs_de_projet(dossier: Dossier) -> list[str]:
    """The names of the users who hold the chef de projet role on this dossier (a statement
    built once: every signature records them)."""
    return list(dict.fromkeys(db.session.scalars(_chefs_statement(), {"dossier_id": dossier.id})))


def convention_context(dossier: Dossier, kind: str, today: date | None = None,
                       signature: Signature | None = None) -> dict:
    """The template's context; `signature` None: a draft ("projet")."""
    if kind not in KINDS:
        raise ValueError(f"Type de convention inconnu\u00a0: {kind}")
    contenu = read(dossier, kind)
    departement = dossier.departement
    signed_on = signature.signed_on if signature else None
    # The adhésion's 18 months run from its own signature (printed in the signed adhésion).
    echeance = add_months(signed_on, DELAI_MOIS) if signed_on and kind == "adhesion" else None
    projet = None
    if kind == "cadre":
        projet = hydrate(signature.projet if signature else snapshot(dossier))
    return {
        "kind": kind,
        "title": TITLES[kind],
        "short_title": SHORT_TITLES[kind],
        "dossier": dossier,
        "contenu": contenu,
        "communes": dossier.communes,
        "epci": dossier.epci,
        "departement": departement,
        "prefet": f"le préfet {du_departement(departement.code, departement.nom)}",
        "chefs_de_projet": list(signature.chefs_de_projet) if signature else chefs_de_projet(dossier),
        "programme_end": programme_end(),
        "today": today or today_in_paris(),
        "signed_on": signed_on,
        "echeance_18_mois": echeance,
        "projet": projet,
    }
