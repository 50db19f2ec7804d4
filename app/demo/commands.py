"""`flask demo seed`: the demo data (demo mode only), idempotent and quick when already there."""
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.avenants.models import Avenant
from app.demo import checks, echelle, parallele, services
from app.demo.comite import seed_comites, to_hold
from app.demo.projet import seed_projets
from app.demo.territoire import seed_territoire
from app.dossiers.models import Dossier
from app.projet.models import FicheAction
from app.projet.territoire_models import PosteChefDeProjet
from app.pvd.importer import import_pvd
from app.referentiel.commands import import_command
from app.referentiel.models import Commune
from app.tableaux import registre
from app.workflows.history import HistoryEntry

demo_cli = AppGroup("demo", help="Données de démonstration.")
PROJETS_SEED = 2021  # the projets de territoire's draws (the walk's: 2020)
PVD_FILE = Path(__file__).resolve().parents[2] / "data" / "pvd-communes-2021.csv"


@demo_cli.command("seed")
@click.option("--sans-historique", is_flag=True, help="Ne pas faire vivre les dossiers (comptes seulement).")
@click.option("--scale", type=click.IntRange(1, 50), default=1, show_default=True,
              help="Un programme N fois plus grand : les dossiers faits vivre, copiés N - 1 fois (tests de charge).")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Processus qui font vivre les dossiers côte à côte (par défaut DEMO_WORKERS, sinon un par cœur).")
@click.option("--sans-registre", is_flag=True,
              help="Laisser le registre des tableaux de bord périmé (flask demo comites le reconstruit ; "
                   "d'ici là, les chiffres sont recalculés depuis l'historique).")
@click.option("--base", is_flag=True,
              help="D'abord, dans ce même processus : flask db upgrade et flask referentiel import --if-changed.")
@click.pass_context
def seed(ctx, sans_historique, scale, workers, sans_registre, base):
    """Crée les comptes de démonstration et fait vivre les dossiers PVD (DEMO_MODE=1)."""
    started = phase = time.perf_counter()
    if not current_app.config["DEMO_MODE"]:  # before anything is written, the schema included
        raise click.ClickException("Le mode démonstration n'est pas activé : définissez DEMO_MODE=1.")
    if base:  # `make run`: each flask command spends seconds importing the application
        upgrade()
        ctx.invoke(import_command, source=None, if_changed=True)
        phase = _phase("Base et référentiel", phase)
    try:
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

        cpu, children = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        used, made = parallele.walk_programme(
            today_in_paris(), actors_for,
            archive_for=lambda d: d.reference == jonzac,
            workers=workers or current_app.config["DEMO_WORKERS"] or parallele.default_workers(),
            projets=PROJETS_SEED,
            progress=lambda n, total: click.echo(f"  {n}/{total} dossiers (ce processus)"),
        )
        for scenario, count in sorted(used.items()):
            click.echo(f"  {scenario} : {count}")
        click.echo("  projets de territoire : " + _counts(made))
        # the processor time of each side: on a loaded machine, what the walk would take alone
        others = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - children
        click.echo(f"  temps de processeur : {time.process_time() - cpu:.1f} s ici"
                   + (f", {others:.1f} s dans les autres processus" if others else ""))
        phase = _phase("Dossiers faits vivre, et leurs projets de territoire", phase)

    # The walk gave FA-01 to each dossier that deposited a cadre (app/demo/projet.prepare_cadre),
    # then the rest of their projets; a walk stopped before them leaves them to be seeded here.
    if not sans_historique and not db.session.scalar(select(func.count(FicheAction.id)).where(FicheAction.numero > 1)):
        click.echo("Projets de territoire (axes, fiches action, financements)…")
        made = seed_projets(today_in_paris(), PROJETS_SEED)
        db.session.commit()
        click.echo("  " + _counts(made))
        phase = _phase("Projets de territoire", phase)
    if not sans_historique and not db.session.scalar(select(func.count(PosteChefDeProjet.id))):
        click.echo("Postes de chef de projet, OPAH…")
        made = seed_territoire()
        db.session.commit()
        click.echo("  " + _counts(made))
        phase = _phase("Postes et OPAH", phase)

    if not sans_historique and scale > 1 and not echelle.clones_exist():
        click.echo(f"Programme {scale} fois plus grand : chaque dossier copié {scale - 1} fois…")
        echelle.clone_programme(scale, progress=click.echo)
        phase = _phase("Copies", phase)

    held = to_hold(services.DEMO_DEPARTEMENT) if not sans_historique else []
    if held:
        click.echo("Comités de projet de la Charente-Maritime (séances passées, procès-verbaux, avis)…")
        made = seed_comites(today_in_paris(), held, _user("partenaire@jalons.example"))
        db.session.commit()
        click.echo("  " + _counts(made))
        click.echo("  Ceux des autres départements : flask demo comites (make run le lance à côté du serveur).")

    if not sans_registre:
        phase = _rebuild_register(phase)

    for account, action in accounts:
        click.echo(f"Compte {account.role.label} : {account.email} ({action})")
    click.echo(f"Mot de passe des comptes de démonstration : {current_app.config['DEMO_PASSWORD']}")
    _summary(dashboard=not sans_registre)
    click.echo(f"Terminé en {time.perf_counter() - started:.1f} s.")


@demo_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
@click.option("--journal-comites", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Journal de flask demo comites (par défaut instance/demo-comites.log).")
@click.pass_context
def serve(ctx, host, port, journal_comites):
    """make run : flask demo seed --base --sans-registre, puis l'application sur http://HOST:PORT
    dans ce même processus (comme flask run, sans l'importer une seconde fois), et à côté
    flask demo comites (journal : instance/demo-comites.log), arrêté avec le serveur."""
    ctx.invoke(seed, base=True, sans_registre=True)
    db.session.remove()  # what the seed loaded: each request opens its own session
    app = current_app._get_current_object()
    log_path = journal_comites or Path(app.instance_path) / "demo-comites.log"
    command = [sys.executable, "-m", "flask", "--app", ctx.find_object(ScriptInfo).app_import_path or "wsgi",
               "demo", "comites"]
    with open(log_path, "w") as log:
        beside = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    # stopped by a signal (not only Ctrl+C), the comités beside are stopped too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"Registre des tableaux de bord et comités passés des autres départements : en arrière-plan ({log_path}).")
    click.echo(f"Jalons : http://{host}:{port}/ (Ctrl+C pour arrêter)")
    try:
        run_simple(host, port, app, threaded=True)
    finally:
        beside.terminate()
        beside.wait()


@demo_cli.command("comites")
def comites():
    """Tient un comité de projet passé (procès-verbal compris) dans chaque dossier qui n'en a pas,
    après avoir reconstruit le registre des tableaux de bord s'il est périmé."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("Le mode démonstration n'est pas activé : définissez DEMO_MODE=1.")
    _rebuild_register(time.perf_counter())  # first: the comités then keep it in step
    ids = to_hold()
    click.echo(f"Comités de projet passés : {len(ids)} dossiers, un procès-verbal chacun…")
    started = time.perf_counter()
    made = seed_comites(today_in_paris(), ids, _user("partenaire@jalons.example"), commit=True,
                        progress=lambda n, total: click.echo(f"  {n}/{total} dossiers"))
    click.echo("  " + _counts(made))
    click.echo(f"Terminé en {time.perf_counter() - started:.1f} s.")


@demo_cli.command("check")
def check():
    """Vérifie que la démonstration montre chaque étape et suit la trajectoire du programme."""
    problems = _summary()
    if problems:
        raise click.ClickException("Démonstration incomplète : " + " ; ".join(problems))
    click.echo("Chaque étape des deux cycles de vie a ses dossiers ; les chiffres suivent la trajectoire.")


def _summary(dashboard: bool = True) -> list[str]:
    """Print the states and the calibration figures; return what is missing or out of range.
    `dashboard=False`: not the national dashboard's (with the register out of date, they are
    recomputed from the whole history, a second more before make run's first page; `flask
    demo check` prints them)."""
    for title, model in (("Dossiers", Dossier), ("Avenants", Avenant)):
        counts = sorted(db.session.execute(select(model.etat, func.count()).group_by(model.etat)).all(),
                        key=lambda row: row[0].value)
        click.echo(f"{title} par étape : " + ", ".join(f"{etat.label} {n}" for etat, n in counts))
    problems = [f"aucun sujet à l'étape « {label} »" for label in checks.missing_states()]
    for figure in checks.figures():
        click.echo(f"  {figure.label} : {figure.share:.1%} (attendu de {figure.low:.1%} à {figure.high:.1%})")
        if not figure.ok:
            problems.append(f"{figure.label} : {figure.share:.1%}")
    for figure in checks.dashboard() if dashboard else ():
        click.echo(f"  {figure.label} : {figure.value} (attendu de {figure.low} à {figure.high})")
        if not figure.ok:
            problems.append(f"{figure.label} : {figure.value}")
    if not dashboard:
        click.echo("  tableau de bord national : flask demo check le compare aux chiffres publiés.")
    held, at_work = checks.comites()
    click.echo(f"  dossiers en mise en œuvre qui ont tenu un comité de projet : {held} sur {at_work}"
               + (" (les autres : flask demo comites)" if held < at_work else ""))
    return problems


def _rebuild_register(phase: float) -> float:
    if not registre.lisible():  # the bulk writes went around the dashboards' register
        rows = registre.reconstruire_et_valider()
        phase = _phase(f"Registre des tableaux de bord ({rows} lignes)", phase)
    return phase


def _counts(made: dict) -> str:
    return ", ".join(f"{name} : {count}" for name, count in made.items())


def _phase(label: str, since: float) -> float:
    now = time.perf_counter()
    click.echo(f"{label} en {now - since:.1f} s.")
    return now


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))
