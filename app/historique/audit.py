"""`flask audit verify` and `flask audit anchor`: the history as evidence."""
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.db import db
from app.core.locks import single_run
from app.core.outbox import queue_mail
from app.historique.anchor import check_anchor, dumps, make_anchor
from app.historique.verify import verify_chains

audit_cli = AppGroup("audit", help="Vérification de l'intégrité de l'historique.")


@audit_cli.command("verify")
@click.option("--anchor", "anchor_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Une ancre écrite par « flask audit anchor » : rien d'antérieur ne doit avoir changé.")
def verify(anchor_file):
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
    if anchor_file is not None:
        try:
            anchor = json.loads(anchor_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            anchor = {}
        for dossier_id, message in check_anchor(anchor):
            problems += 1
            where = f"Dossier {dossier_id}" if dossier_id is not None else f"Ancre {anchor_file.name}"
            click.echo(f"{where} : {message}.", err=True)
    if problems:
        click.echo(f"Historique altéré : {problems} problème(s).", err=True)
        sys.exit(1)
    if anchor_file is not None:
        click.echo(f"Historique intègre, et conforme à l'ancre du {anchor['at']}.")
    else:
        click.echo("Historique intègre : toutes les chaînes d'empreintes sont valides.")


@audit_cli.command("anchor")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier où écrire l'ancre (par défaut : la sortie standard).")
@click.option("--email", help="Adresse à qui envoyer aussi l'ancre (hors de la base, une fois envoyée).")
@single_run("audit anchor")
def anchor(output, email):
    """Écrit l'empreinte des têtes de toutes les chaînes, à conserver hors de la base."""
    text = dumps(make_anchor())
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"Ancre écrite dans {output}.", err=True)
    if email:
        queue_mail(email, "[Jalons] Ancre d'audit de l'historique", "emails/audit_anchor.txt", anchor=text)
        db.session.commit()
        click.echo(f"Ancre mise en file d'envoi pour {email}.", err=True)
