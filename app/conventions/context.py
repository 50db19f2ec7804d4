"""What a convention template is given: the parties and the dates, from the models.

The projet de territoire (diagnostic, axes stratégiques, fiches action and their financing)
has no model yet: the templates print "[à compléter]" there until that feature lands.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers.echeance import programme_end
from app.dossiers.models import Dossier
from app.referentiel.noms import du_departement

KINDS = ("adhesion", "cadre")

TITLES = {
    "adhesion": "Convention d'adhésion au programme Petites villes de demain",
    "cadre": "Convention-cadre Petites villes de demain valant opération de revitalisation "
             "de territoire (ORT)",
}

SHORT_TITLES = {"adhesion": "Convention d'adhésion", "cadre": "Convention-cadre valant ORT"}

# The national partners named in every convention; their representatives are local.
PARTENAIRES = ("Banque des territoires", "Anah", "Cerema")

@dataclass
class Signataire:
    """One signature block: who signs, for which party."""

    partie: str
    qualite: str
    nom: str | None = None
    note: str | None = None


def chefs_de_projet(dossier: Dossier) -> list[str]:
    """The names of the users who hold the chef de projet role on this dossier."""
    rows = db.session.scalars(
        select(User.nom)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.CHEF_DE_PROJET, RoleGrant.dossier_id == dossier.id,
               RoleGrant.revoked_at.is_(None), User.active.is_(True))
        .order_by(User.nom)
    )
    return list(dict.fromkeys(rows))


def convention_context(dossier: Dossier, kind: str, today: date | None = None) -> dict:
    if kind not in KINDS:
        raise ValueError(f"Type de convention inconnu : {kind}")
    communes = dossier.communes
    departement = dossier.departement
    epci = dossier.epci
    prefet = f"le préfet {du_departement(departement.code, departement.nom)}"
    signed_on = dossier.adhesion_signee_le if kind == "adhesion" else dossier.cadre_signee_le

    signataires = [
        Signataire(f"Commune de {c.nom}", "Le maire") for c in communes
    ]
    if epci is not None:
        signataires.append(Signataire(epci.nom, "Le président"))
    if kind == "cadre":
        signataires.append(Signataire(
            "Ville principale de l'intercommunalité", "Le maire",
            note="Si elle n'est pas déjà signataire au titre des communes bénéficiaires.",
        ))
    signataires.append(Signataire("L'État", prefet[0].upper() + prefet[1:]))
    note = "Partenaire signataire le cas échéant." if kind == "adhesion" else None
    signataires += [Signataire(nom, "Son représentant", note=note) for nom in PARTENAIRES]

    return {
        "kind": kind,
        "title": TITLES[kind],
        "short_title": SHORT_TITLES[kind],
        "dossier": dossier,
        "communes": communes,
        "epci": epci,
        "departement": departement,
        "prefet": prefet,
        "partenaires": PARTENAIRES,
        "signataires": signataires,
        "chefs_de_projet": chefs_de_projet(dossier),
        "programme_end": programme_end(),
        "today": today or today_in_paris(),
        "signed_on": signed_on,
    }
