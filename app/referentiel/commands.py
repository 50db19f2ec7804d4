"""`flask referentiel import`: load or refresh communes, EPCI, départements and régions."""
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import datetime_fr
from app.referentiel.importer import import_referentiel

referentiel_cli = AppGroup("referentiel", help="Référentiel géographique (communes, EPCI, départements, régions).")


@referentiel_cli.command("import")
@click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier des fichiers JSON (par défaut : node_modules/@etalab/decoupage-administratif/data).")
@click.option("--if-changed", is_flag=True,
              help="Ne rien faire si ces fichiers ont déjà été importés (même somme de contrôle).")
def import_command(source, if_changed):
    """Importe ou met à jour le référentiel géographique."""
    started = time.perf_counter()
    try:
        result = import_referentiel(source, if_changed=if_changed, progress=click.echo)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Erreur : {error}", err=True)
        raise SystemExit(1) from None
    if result.unchanged_since is not None:
        click.echo(
            "Référentiel inchangé depuis l'import du "
            f"{datetime_fr(result.unchanged_since.imported_at)} (même somme de contrôle) : rien à faire."
        )
        return
    db.session.commit()

    for anomaly in result.anomalies:
        click.echo(f"Anomalie : {anomaly}")
    click.echo("Import terminé :")
    for label, count in result.counts.items():
        click.echo(
            f"  {label} : {count.created} créé(e)s, {count.updated} mis(es) à jour, "
            f"{count.unchanged} inchangé(e)s"
        )
    if result.skipped_overseas:
        click.echo(f"  {result.skipped_overseas} communes des collectivités d'outre-mer ignorées.")
    if result.anomalies:
        click.echo(f"  {len(result.anomalies)} anomalie(s) signalée(s) ci-dessus.")
    click.echo(f"Durée : {time.perf_counter() - started:.1f} s.")
