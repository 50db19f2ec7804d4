"""`flask audit verify`: recompute every dossier's history chain and name the first broken row."""
import sys

import click
from flask.cli import AppGroup

from app.historique.verify import verify_chains

audit_cli = AppGroup("audit", help="Vérification de l'intégrité de l'historique.")


@audit_cli.command("verify")
def verify():
    """Vérifie la chaîne scellée de l'historique de chaque dossier et l'état de ses objets."""
    problems = 0
    for problem in verify_chains():
        problems += 1
        where = problem.entry
        if where is not None:
            click.echo(
                f"Ligne {where.id} de l'historique (dossier {where.dossier_id}, "
                f"{where.at:%d/%m/%Y %H:%M}, « {where.label} ») : {problem.message}.", err=True)
        else:
            click.echo(f"Dossier {problem.dossier_id} : {problem.message}.", err=True)
    if problems:
        click.echo(f"Historique altéré : {problems} chaîne(s) rompue(s).", err=True)
        sys.exit(1)
    click.echo("Historique intègre : toutes les chaînes d'empreintes sont valides.")
