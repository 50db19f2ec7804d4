"""`flask rapports generer`: render the pending "point d'avancement" requests (cron, every minute)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.core.db import db
from app.tableaux.models import RapportDemande, RapportEtat
from app.tableaux.rapports import claim, pending_ids, process

rapports_cli = AppGroup("rapports", help="Rapports «\u00a0point d'avancement\u00a0» demandés.")


@rapports_cli.command("generer")
def generer():
    """Produit les rapports en attente et prévient chaque demandeur (notification)."""
    done = failed = 0
    for row_id in pending_ids():
        if not claim(row_id):  # another worker took it meanwhile
            db.session.rollback()
            continue
        db.session.commit()
        try:
            process(row_id)
            db.session.commit()
            done += 1
        except Exception as error:  # noqa: BLE001 (the request is marked failed, the log says why)
            db.session.rollback()
            current_app.logger.exception("Rapport %s : échec", row_id)
            row = db.session.get(RapportDemande, row_id)
            row.etat, row.erreur = RapportEtat.ECHEC, str(error)[:1000]
            db.session.commit()
            failed += 1
    click.echo(f"Rapports produits\u00a0: {done}, en échec\u00a0: {failed}.")
