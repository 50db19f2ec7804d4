"""`flask outbox send` (from cron) and `flask outbox worker` (a process): deliver the outbox."""
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.db import db
from app.core.outbox import send_pending

outbox_cli = AppGroup("outbox", help="Courriels en attente d'envoi.")
BATCH = 100


def _report(sent: int, failed: int) -> None:
    if sent or failed:
        click.echo(f"{sent} courriel(s) envoyé(s), {failed} en échec.")


@outbox_cli.command("send")
@click.option("--now", "ignore_backoff", is_flag=True,
              help="Envoyer aussi les courriels qui attendent leur prochain essai (délai ignoré).")
@click.option("--limit", default=BATCH, show_default=True, type=click.IntRange(min=1),
              help="Nombre de courriels au plus.")
def send(ignore_backoff, limit):
    """Envoie les courriels en attente (une fois ; lancez-le depuis cron)."""
    _report(*send_pending(limit, ignore_backoff=ignore_backoff))


@outbox_cli.command("worker")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(min=1),
              help="Secondes entre deux passages.")
def worker(interval):
    """Envoie les courriels en attente en continu, jusqu'à SIGTERM ou Ctrl-C.

    A signal lets the message being sent finish and be recorded, then the worker stops.
    """
    stop = threading.Event()

    def ask_to_stop(signum, frame):
        stop.set()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Envoi des courriels toutes les {interval} secondes (arrêt : SIGTERM ou Ctrl-C).")
    try:
        while not stop.is_set():
            try:
                sent, failed = send_pending(BATCH, stop=stop)
            except Exception:  # noqa: BLE001 — a database restart must not end the worker
                current_app.logger.exception("Envoi des courriels : passage interrompu")
                db.session.remove()
                sent = failed = 0
            _report(sent, failed)
            if sent + failed < BATCH:  # a full batch: more may be waiting, go on at once
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Arrêt demandé : envoi des courriels terminé.")
