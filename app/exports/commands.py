"""`flask exports generer`: write the large XLSX exports asked for (cron, every minute)."""
import click
from flask.cli import AppGroup

from app.exports.demandes import QUEUE, process

exports_cli = AppGroup("exports", help="Grands exports XLSX demandés.")


@exports_cli.command("generer")
def generer():
    """Produit les exports XLSX en attente et prévient chaque demandeur (notification)."""
    done, failed = QUEUE.run(process)
    click.echo(f"Exports produits\u00a0: {done}, en échec\u00a0: {failed}.")
