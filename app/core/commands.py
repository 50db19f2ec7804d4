"""`flask outbox send`: the worker that delivers queued e-mails (run it from cron)."""
import time

import click
from flask.cli import AppGroup

from app.core.outbox import send_pending

outbox_cli = AppGroup("outbox", help="Courriels en attente d'envoi.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Continuer à envoyer toutes les 30 secondes.")
def send(loop):
    """Envoie les courriels en attente."""
    while True:
        sent, failed = send_pending()
        if sent or failed:
            click.echo(f"{sent} courriel(s) envoyé(s), {failed} en échec.")
        if not loop:
            break
        time.sleep(30)
