"""What the comité's browser test needs beside the demo data, made through the services.

`python -m tests.browser.comite_scenario prepare RUN`: two fiches action of this run,
complete and soumises to the comité, on a dossier of the demo département other than Jonzac
(whose plan d'action the projet's browser test pages through), with a chef de projet account
of its own (chef-de-projet-e2e@jalons.example); prints the dossier's id, the account and the
fiches' codes as JSON on its last line.
`python -m tests.browser.comite_scenario held REUNION_ID`: the meeting's day has come (its
start moved an hour ago, as time would): a séance is recorded from the meeting's day on.
Run in the server's environment (DATABASE_URL…).
"""
import json
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app import create_app
from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.comite.models import ReunionComite
from app.core.db import db
from app.demo import services
from app.dossiers.models import Dossier
from app.projet import fiches, lifecycle, queries
from app.projet.access import PROJET_STATES
from app.projet.models import AxeStrategique

CHEF = "chef-de-projet-e2e@jalons.example"


def _dossier_and_chef():
    dossier = db.session.scalar(
        select(Dossier).where(Dossier.departement_code == services.DEMO_DEPARTEMENT,
                              Dossier.reference != services.DEMO_DOSSIER, Dossier.etat.in_(PROJET_STATES),
                              Dossier.id.in_(select(AxeStrategique.dossier_id)))
        .order_by(Dossier.id))
    chef = db.session.scalar(select(User).where(User.email == CHEF))
    if chef is None:
        chef = User(email=CHEF, nom="Cheffe de projet (compte de test de bout en bout)", demo=True)
        chef.set_password(current_app.config["DEMO_PASSWORD"])
        db.session.add(chef)
        db.session.add(RoleGrant(user=chef, role=Role.CHEF_DE_PROJET, dossier_id=dossier.id))
        db.session.flush()
    return dossier, chef


def prepare(run: str) -> dict:
    dossier, chef = _dossier_and_chef()
    axe = queries.axes_of(dossier)[0]
    codes = []
    for titre in (f"Halles couvertes {run}", f"Voie verte {run}"):
        fiche = fiches.create_fiche(
            dossier, chef, titre=titre, axe_id=axe.id, description="Études et travaux.",
            maitre_ouvrage_code=dossier.communes[0].insee, date_debut=date(2026, 1, 1), date_fin=date(2027, 12, 31),
            cout_ht=Decimal("200000.00"), cout_ttc=Decimal("240000.00"))
        lifecycle.fire(fiche, "soumettre", chef)
        codes.append((fiche.code, titre))
    db.session.commit()
    return {"dossier_id": dossier.id, "email": CHEF, "fiches": codes}


def held(reunion_id: int) -> dict:
    reunion = db.session.get(ReunionComite, reunion_id)
    reunion.debut = datetime.utcnow() - timedelta(hours=1)
    db.session.commit()
    return {"reunion_id": reunion.id}


if __name__ == "__main__":
    with create_app().app_context():
        command, argument = sys.argv[1], sys.argv[2]
        result = prepare(argument) if command == "prepare" else held(int(argument))
        print(json.dumps(result, ensure_ascii=False))
