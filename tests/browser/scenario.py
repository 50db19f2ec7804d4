"""A fresh dossier for the lifecycle test, added next to the demo data without changing it.

The demo seed walks almost every dossier past the adhésion, and history cannot be rewound:
so the test gets a new dossier, still "labellisé", made of one commune of the CC de la
Haute-Saintonge (Charente-Maritime) that belongs to no dossier, and a commune account on it.
The demo préfecture account already covers the département.

Run in the server's environment (DATABASE_URL…): `python -m tests.browser.scenario`;
prints the dossier as JSON on its last line. Each run adds a new dossier (pvd-e2e-1, -2…),
so a database prepared once (BROWSER_DATABASE_URL) serves any number of runs.
"""
import json

from sqlalchemy import func, select

E2E_EMAIL = "commune-e2e@jalons.example"
DEPARTEMENT = "17"  # Charente-Maritime, the demo préfecture's
EPCI = "200041523"  # CC de la Haute-Saintonge, the demo dossier's


def create_labellise_dossier() -> dict:
    from flask import current_app

    from app.auth.models import RoleGrant, User
    from app.auth.roles import Role
    from app.core.db import db
    from app.dossiers.models import Dossier, DossierCommune, DossierEtat
    from app.referentiel.models import Commune, Epci

    commune = db.session.scalar(
        select(Commune)
        .where(Commune.departement_code == DEPARTEMENT, Commune.epci_siren == EPCI,
               Commune.insee.not_in(select(DossierCommune.commune_insee)))
        .order_by(Commune.insee)
    )
    if commune is None:
        raise SystemExit(f"No commune of EPCI {EPCI} is left outside a dossier.")
    count = db.session.scalar(
        select(func.count()).select_from(Dossier).where(Dossier.reference.like("pvd-e2e-%"))
    )
    dossier = Dossier(
        reference=f"pvd-e2e-{count + 1}", nom=commune.nom, departement_code=DEPARTEMENT,
        epci_siren=EPCI, etat=DossierEtat.LABELLISE,
    )
    dossier.liens_communes = [DossierCommune(commune_insee=commune.insee)]
    db.session.add(dossier)

    user = db.session.scalar(select(User).where(User.email == E2E_EMAIL))
    if user is None:
        user = User(email=E2E_EMAIL, nom="Mairie (compte de test de bout en bout)", demo=True)
        user.set_password(current_app.config["DEMO_PASSWORD"])
        db.session.add(user)
    db.session.add(RoleGrant(user=user, role=Role.COMMUNE, commune_insee=commune.insee))
    db.session.commit()
    return {
        "id": dossier.id,
        "reference": dossier.reference,
        "nom": dossier.nom,
        "commune_insee": commune.insee,
        "commune_nom": commune.nom,
        "epci_siren": EPCI,
        "epci_nom": db.session.get(Epci, EPCI).nom,
        "email": E2E_EMAIL,
    }


if __name__ == "__main__":
    from app import create_app

    with create_app().app_context():
        print(json.dumps(create_labellise_dossier(), ensure_ascii=False))
