"""`flask demo seed`: the demo data (demo mode only), idempotent and quick when already there."""
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.avenants.models import Avenant
from app.comite.models import ReunionComite
from app.demo import checks, echelle, services
from app.demo.comite import seed_comites
from app.demo.lifecycle import seed_lifecycle
from app.demo.projet import seed_projets
from app.demo.territoire import seed_territoire
from app.dossiers.models import Dossier
from app.projet.models import FicheAction
from app.pvd.importer import import_pvd
from app.referentiel.models import Commune
from app.tableaux import registre
from app.workflows.history import HistoryEntry

demo_cli = AppGroup("demo", help="Données de démonstration.")
PVD_FILE = Path(__file__).resolve().parents[2] / "data" / "pvd-communes-2021.csv"


@demo_cli.command("seed")
@click.option("--sans-historique", is_flag=True, help="Ne pas faire vivre les dossiers (comptes seulement).")
@click.option("--scale", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Un programme N fois plus grand : les dossiers faits vivre, copiés N - 1 fois (tests de charge).")
def seed(sans_historique, scale):
    """Crée les comptes de démonstration et fait vivre les dossiers PVD (DEMO_MODE=1)."""
    started = phase = time.perf_counter()
    try:
        if not current_app.config["DEMO_MODE"]:
            raise DomainError("Le mode démonstration n'est pas activé : définissez DEMO_MODE=1.")
        if not db.session.scalar(select(func.count(Commune.insee))):
            raise DomainError("Le référentiel est vide : lancez d'abord « flask referentiel import ».")
        if not db.session.scalar(select(func.count(Dossier.id))):
            click.echo("Import de la liste des Petites villes de demain…")
            report = import_pvd(PVD_FILE)
            db.session.commit()
            click.echo(f"{report.dossiers} dossiers importés.")
        accounts = services.seed_accounts()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None

    if not sans_historique and not db.session.scalar(select(func.count(HistoryEntry.id))):
        click.echo("Les dossiers prennent vie (conventions, instructions, signatures)…")
        users = {a.email: _user(a.email) for a, _ in accounts}
        porteurs = {  # the demo accounts that carry a dossier's steps in its history
            services.DEMO_DOSSIER: users["chef-de-projet@jalons.example"],
            services.AVENANTS_DOSSIER: users["epci-aunis-atlantique@jalons.example"],
        }
        prefecture = users["prefecture@jalons.example"]
        jonzac = services.DEMO_DOSSIER

        def actors_for(dossier):
            if dossier.departement_code != services.DEMO_DEPARTEMENT:
                return {}
            return {"prefecture": prefecture, "porteur": porteurs.get(dossier.reference)}

        used = seed_lifecycle(
            today_in_paris(), actors_for,
            archive_for=lambda d: d.reference == jonzac,
            progress=lambda n, total: click.echo(f"  {n}/{total} dossiers"),
        )
        for scenario, count in sorted(used.items()):
            click.echo(f"  {scenario} : {count}")
        phase = _phase("Dossiers faits vivre", phase)

    # The walk gave FA-01 to each dossier that deposited a cadre (app/demo/projet.prepare_cadre);
    # the projets are seeded when no other fiche exists yet.
    if not sans_historique and not db.session.scalar(select(func.count(FicheAction.id)).where(FicheAction.numero > 1)):
        click.echo("Projets de territoire (axes, fiches action, financements, chefs de projet, OPAH)…")
        made = {**seed_projets(today_in_paris()), **seed_territoire()}
        db.session.commit()
        click.echo("  " + ", ".join(f"{name} : {count}" for name, count in made.items()))
        phase = _phase("Projets de territoire", phase)

    if not sans_historique and scale > 1 and not echelle.clones_exist():
        click.echo(f"Programme {scale} fois plus grand : chaque dossier copié {scale - 1} fois…")
        echelle.clone_programme(scale, progress=click.echo)
        phase = _phase("Copies", phase)

    if not sans_historique and not db.session.scalar(select(func.count(ReunionComite.id))):
        click.echo("Comités de projet (séances passées, procès-verbaux, avis)…")
        partner = _user("partenaire@jalons.example")
        made = seed_comites(today_in_paris(), services.DEMO_DEPARTEMENT, partner)
        db.session.commit()
        click.echo("  " + ", ".join(f"{name} : {count}" for name, count in made.items()))

    if not registre.lisible():  # the bulk writes above went around the dashboards' register
        rows = registre.reconstruire()
        db.session.commit()
        phase = _phase(f"Registre des tableaux de bord ({rows} lignes)", phase)

    for account, action in accounts:
        click.echo(f"Compte {account.role.label} : {account.email} ({action})")
    click.echo(f"Mot de passe des comptes de démonstration : {current_app.config['DEMO_PASSWORD']}")
    _summary()
    click.echo(f"Terminé en {time.perf_counter() - started:.1f} s.")


@demo_cli.command("check")
def check():
    """Vérifie que la démonstration montre chaque étape et suit la trajectoire du programme."""
    problems = _summary()
    if problems:
        raise click.ClickException("Démonstration incomplète : " + " ; ".join(problems))
    click.echo("Chaque étape des deux cycles de vie a ses dossiers ; les chiffres suivent la trajectoire.")


def _summary() -> list[str]:
    """Print the states and the calibration figures; return what is missing or out of range."""
    for title, model in (("Dossiers", Dossier), ("Avenants", Avenant)):
        counts = sorted(db.session.execute(select(model.etat, func.count()).group_by(model.etat)).all(),
                        key=lambda row: row[0].value)
        click.echo(f"{title} par étape : " + ", ".join(f"{etat.label} {n}" for etat, n in counts))
    problems = [f"aucun sujet à l'étape « {label} »" for label in checks.missing_states()]
    for figure in checks.figures():
        click.echo(f"  {figure.label} : {figure.share:.1%} (attendu de {figure.low:.1%} à {figure.high:.1%})")
        if not figure.ok:
            problems.append(f"{figure.label} : {figure.share:.1%}")
    for figure in checks.dashboard():
        click.echo(f"  {figure.label} : {figure.value} (attendu de {figure.low} à {figure.high})")
        if not figure.ok:
            problems.append(f"{figure.label} : {figure.value}")
    return problems


def _phase(label: str, since: float) -> float:
    now = time.perf_counter()
    click.echo(f"{label} en {now - since:.1f} s.")
    return now


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))
