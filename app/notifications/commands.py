"""`flask alerts run` and `flask digest send`, for a daily cron (README, Production)."""
from datetime import date

import click
from flask.cli import AppGroup

from app.core.db import db
from app.core.locks import single_run
from app.core.formatting import today_in_paris
from app.notifications.alerts import run_alerts
from app.notifications.digest import send_digests

alerts_cli = AppGroup("alerts", help="Alertes sur les échéances et les dossiers en attente.")
digest_cli = AppGroup("digest", help="Résumé quotidien des notifications.")


@alerts_cli.command("run")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
              help="Le jour à considérer (par défaut aujourd'hui, à Paris).")
@single_run("alerts run")
def run(day):
    """Envoie les alertes du jour (une seule fois, même lancée deux fois)."""
    today = day.date() if day else today_in_paris()
    counts = run_alerts(today)
    db.session.commit()
    click.echo(f"Alertes du {today:%d/%m/%Y} : " + ", ".join(f"{rule} {n}" for rule, n in counts.items()) + ".")


@digest_cli.command("send")
@single_run("digest send")
def send():
    """Met en file d'envoi le résumé quotidien de chaque personne qui l'a choisi."""
    count = send_digests()
    db.session.commit()
    click.echo(f"{count} résumé(s) mis en file d'envoi.")
