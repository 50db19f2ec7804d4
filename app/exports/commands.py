"""`flask exports generer`: write the large XLSX exports asked for (cron, every minute)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.core.db import db
from app.exports.demandes import claim, pending_ids, process
from app.exports.models import ExportDemande, ExportEtat

exports_cli = AppGroup("exports", help="Grands exports XLSX demandés.")


@exports_cli.command("generer")
def generer():
    """Produit les exports XLSX en attente et prévient chaque demandeur (notification)."""
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
            current_app.logger.exception("Export %s : échec", row_id)
            row = db.session.get(ExportDemande, row_id)
            row.etat, row.erreur = ExportEtat.ECHEC, str(error)[:1000]
            db.session.commit()
            failed += 1
    click.echo(f"Exports produits\u00a0: {done}, en échec\u00a0: {failed}.")
