"""`flask exports generer`: write the large XLSX exports asked for (cron, every minute)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.exports.demandes import QUEUE, process

exports_cli = AppGroup("exports", help="Grands exports XLSX demandés.")


@exports_cli.command("generer")
def generer():
    """Produit les exports XLSX en attente et prévient chaque demandeur (notification), puis
    efface les fichiers des exports terminés depuis plus de PREPARED_FILES_DAYS jours."""
    done, failed = QUEUE.run(process)
    expired = QUEUE.expire(current_app.config["PREPARED_FILES_DAYS"])
    click.echo(f"Exports produits\u00a0: {done}, en échec\u00a0: {failed}, expirés\u00a0: {expired}.")
