"""`flask pvd import FICHIER.csv`: create or refresh the PVD dossiers from the programme's list."""
from pathlib import Path

import click
from flask.cli import AppGroup

from app.core.db import db
from app.core.errors import DomainError
from app.pvd.importer import import_pvd

pvd_cli = AppGroup("pvd", help="Liste des communes Petites villes de demain.")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


@pvd_cli.command("import")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
def import_command(fichier):
    """Importe la liste des communes PVD (géographie 2020) en dossiers, sur le référentiel actuel."""
    try:
        report = import_pvd(fichier)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"Erreur : {error}", err=True)
        raise SystemExit(1) from None

    for notice in sorted(report.remapped):
        click.echo(f"ligne {notice.line} : remappée — {notice.message}")
    for notice in sorted(report.warnings):
        click.echo(f"ligne {notice.line} : attention — {notice.message}")
    for notice in sorted(report.rejected):
        click.echo(f"ligne {notice.line} : rejetée — {notice.message}")
    for change in report.changes:
        click.echo(change)

    if report.dossiers == 0:
        db.session.rollback()
        click.echo("Erreur : aucune ligne n'a pu être importée.", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(
        "Résumé : "
        f"dossiers {report.created} créé(s), {report.updated} mis à jour, {report.unchanged} inchangé(s) ; "
        f"{_plural(report.communes, 'commune', 'communes')} ; "
        f"{_plural(report.remapped_lines, 'ligne remappée', 'lignes remappées')} ; "
        f"{_plural(len(report.rejected), 'ligne rejetée', 'lignes rejetées')}."
    )
