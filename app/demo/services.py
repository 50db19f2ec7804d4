"""Demo accounts: one per role, each with a real scope taken from the PVD list.

The scope is the dossier of Jonzac and six other communes of the CC de la Haute-Saintonge
(pvd-75-17-4, Charente-Maritime, Nouvelle-Aquitaine): a real multi-commune convention group,
writing its convention-cadre. A second commune, EPCI and chef de projet walk the adhésion from
the start: Courçon (pvd-75-17-2), still "labellisé", in the CC Aunis Atlantique, whose other
PVD dossier, Marans (pvd-75-17-5), has avenants in every state (app/demo/lifecycle.py).
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.models import Dossier

DEMO_DOSSIER = "pvd-75-17-4"
DEMO_COMMUNE = "17197"  # Jonzac
DEMO_EPCI = "200041523"  # CC de la Haute-Saintonge
DEMO_DEPARTEMENT = "17"  # Charente-Maritime
DEMO_REGION = "75"  # Nouvelle-Aquitaine
ADHESION_DOSSIER = "pvd-75-17-2"  # Courçon, still "labellisé"
ADHESION_COMMUNE = "17127"  # Courçon
ADHESION_EPCI = "200041499"  # CC Aunis Atlantique (Courçon, Marans)
AVENANTS_DOSSIER = "pvd-75-17-5"  # Marans


@dataclass(frozen=True)
class DemoAccount:
    email: str
    nom: str
    role: Role
    scope: dict


def demo_accounts(dossier: Dossier, adhesion: Dossier) -> list[DemoAccount]:
    return [
        DemoAccount("commune@jalons.example", "Mairie de Jonzac (démo)", Role.COMMUNE,
                    {"commune_insee": DEMO_COMMUNE}),
        DemoAccount("epci@jalons.example", "CC de la Haute-Saintonge (démo)", Role.EPCI,
                    {"epci_siren": DEMO_EPCI}),
        DemoAccount("chef-de-projet@jalons.example", "Cheffe de projet PVD (démo)",
                    Role.CHEF_DE_PROJET, {"dossier_id": dossier.id}),
        DemoAccount("prefecture@jalons.example", "Préfecture de la Charente-Maritime (démo)",
                    Role.PREFECTURE, {"departement_code": DEMO_DEPARTEMENT}),
        DemoAccount("partenaire@jalons.example", "Banque des territoires Nouvelle-Aquitaine (démo)",
                    Role.PARTENAIRE, {"organisation": "Banque des territoires",
                                      "region_code": DEMO_REGION}),
        DemoAccount("anct@jalons.example", "Direction du programme ANCT (démo)", Role.ANCT, {}),
        DemoAccount("admin@jalons.example", "Administration Jalons (démo)", Role.ADMIN, {}),
        DemoAccount("commune-courcon@jalons.example", "Mairie de Courçon (démo)", Role.COMMUNE,
                    {"commune_insee": ADHESION_COMMUNE}),
        DemoAccount("epci-aunis-atlantique@jalons.example", "CC Aunis Atlantique (démo)", Role.EPCI,
                    {"epci_siren": ADHESION_EPCI}),
        DemoAccount("chef-de-projet-courcon@jalons.example", "Chef de projet PVD de Courçon (démo)",
                    Role.CHEF_DE_PROJET, {"dossier_id": adhesion.id}),
    ]


def seed_accounts() -> list[tuple[DemoAccount, str]]:
    """Create or refresh the demo accounts; returns each account with what was done.

    Idempotent: an existing account gets the demo password back and keeps one active grant.
    """
    if not current_app.config["DEMO_MODE"]:
        raise DomainError(
            "Le mode démonstration n'est pas activé : définissez DEMO_MODE=1 pour créer "
            "les comptes de démonstration."
        )
    dossiers = {reference: db.session.scalar(select(Dossier).where(Dossier.reference == reference))
                for reference in (DEMO_DOSSIER, ADHESION_DOSSIER)}
    for reference, dossier in dossiers.items():
        if dossier is None:
            raise DomainError(
                f"Le dossier de démonstration {reference} est absent : importez d'abord la liste "
                "PVD (flask pvd import data/pvd-communes-2021.csv)."
            )
    password = current_app.config["DEMO_PASSWORD"]
    results = []
    for account in demo_accounts(dossiers[DEMO_DOSSIER], dossiers[ADHESION_DOSSIER]):
        user = db.session.scalar(select(User).where(User.email == account.email))
        action = "mis à jour"
        if user is None:
            user = User(email=account.email, nom=account.nom, demo=True)
            db.session.add(user)
            action = "créé"
        user.nom, user.demo, user.active = account.nom, True, True
        if not user.check_password(password):
            user.set_password(password)
        has_grant = any(
            g.role == account.role
            and all(getattr(g, key) == value for key, value in account.scope.items())
            for g in user.active_grants
        )
        if not has_grant:
            db.session.add(RoleGrant(user=user, role=account.role, **account.scope))
        results.append((account, action))
    db.session.flush()
    return results
