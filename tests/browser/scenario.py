"""The dossier the lifecycle test walks: the demo's labellisé dossier, with its commune account.

`flask demo seed` leaves Courçon (pvd-75-17-2, CC Aunis Atlantique, Charente-Maritime) still
"labellisé", with the demo account commune-courcon@jalons.example on it; the demo préfecture
covers the département. History cannot be rewound: on a database already used by an earlier
run (BROWSER_DATABASE_URL), Courçon has moved on, and a new labellisé dossier is added beside
the demo data instead (pvd-e2e-1, -2…: one commune of the same EPCI that belongs to no
dossier), with a commune account of its own.

Run in the server's environment (DATABASE_URL…): `python -m tests.browser.scenario`;
prints the dossier as JSON on its last line.
"""
import json

from flask import current_app
from sqlalchemy import func, select

from app import create_app
from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.demo import services
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import Commune, Epci
from app.workflows.history import HistoryChain

DEMO_EMAIL = "commune-courcon@jalons.example"
E2E_EMAIL = "commune-e2e@jalons.example"


def labellise_dossier() -> dict:
    dossier = db.session.scalar(select(Dossier).where(Dossier.reference == services.ADHESION_DOSSIER))
    fresh = dossier is not None and dossier.etat == DossierEtat.LABELLISE and not db.session.get(
        HistoryChain, dossier.id)
    if fresh:
        commune, email = dossier.communes[0], DEMO_EMAIL
    else:
        dossier, commune = _new_dossier()
        email = E2E_EMAIL
    return {
        "id": dossier.id, "reference": dossier.reference, "nom": dossier.nom,
        "commune_insee": commune.insee, "commune_nom": commune.nom,
        "epci_siren": dossier.epci_siren, "epci_nom": db.session.get(Epci, dossier.epci_siren).nom,
        "email": email,
    }


def _new_dossier():
    commune = db.session.scalar(
        select(Commune)
        .where(Commune.epci_siren == services.ADHESION_EPCI,
               Commune.insee.not_in(select(DossierCommune.commune_insee)))
        .order_by(Commune.insee)
    )
    if commune is None:
        raise SystemExit(f"No commune of EPCI {services.ADHESION_EPCI} is left outside a dossier.")
    count = db.session.scalar(select(func.count()).select_from(Dossier).where(Dossier.reference.like("pvd-e2e-%")))
    dossier = Dossier(reference=f"pvd-e2e-{count + 1}", nom=commune.nom, departement_code=commune.departement_code,
                      epci_siren=services.ADHESION_EPCI, etat=DossierEtat.LABELLISE)
    dossier.liens_communes = [DossierCommune(commune_insee=commune.insee)]
    db.session.add(dossier)
    user = db.session.scalar(select(User).where(User.email == E2E_EMAIL))
    if user is None:
        user = User(email=E2E_EMAIL, nom="Mairie (compte de test de bout en bout)", demo=True)
        user.set_password(current_app.config["DEMO_PASSWORD"])
        db.session.add(user)
    db.session.add(RoleGrant(user=user, role=Role.COMMUNE, commune_insee=commune.insee))
    db.session.commit()
    return dossier, commune


if __name__ == "__main__":
    with create_app().app_context():
        print(json.dumps(labellise_dossier(), ensure_ascii=False))
