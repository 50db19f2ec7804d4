"""`flask rapports generer`: render the pending "point d'avancement" requests (cron, every minute).
`flask tableaux reconstruire | verifier`: the register the dashboards read (app/tableaux/registre.py)."""
import time
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.db import db
from app.core.formatting import today_in_paris
from app.tableaux import registre
from app.tableaux.models import EtatRegistre
from app.tableaux.rapports import QUEUE, process

rapports_cli = AppGroup("rapports", help="Rapports «\u00a0point d'avancement\u00a0» demandés.")
tableaux_cli = AppGroup("tableaux", help="Le registre des chiffres des tableaux de bord.")


@rapports_cli.command("generer")
def generer():
    """Produit les rapports en attente et prévient chaque demandeur (notification), puis efface
    les fichiers des rapports terminés depuis plus de PREPARED_FILES_DAYS jours."""
    done, failed = QUEUE.run(process)
    expired = QUEUE.expire(current_app.config["PREPARED_FILES_DAYS"])
    click.echo(f"Rapports produits\u00a0: {done}, en échec\u00a0: {failed}, expirés\u00a0: {expired}.")


@tableaux_cli.command("reconstruire")
@click.option("--si-perime", is_flag=True,
              help="Seulement s'il n'est pas à jour (jamais construit, écriture en masse, PROGRAMME_END changé, "
                   "sommes mensuelles dépassées).")
def reconstruire(si_perime):
    """Reconstruit le registre des tableaux de bord à partir de l'historique et des données."""
    state = registre.lisible()
    if si_perime and state is not None and state.dernier_mois >= registre.month_of(today_in_paris()):
        click.echo("Le registre est à jour.")
        return
    started = time.perf_counter()
    rows = registre.reconstruire_et_valider()
    click.echo(f"Registre reconstruit\u00a0: {rows} lignes en {time.perf_counter() - started:.1f} s.")


@tableaux_cli.command("verifier")
def verifier():
    """Compare le registre à une reconstruction (code de sortie 1 s'il diffère ou n'est pas à jour)."""
    state = db.session.get(EtatRegistre, 1)
    if state is None or not state.a_jour:
        raise click.ClickException("Le registre n'est pas à jour\u00a0: lancez «\u00a0flask tableaux reconstruire\u00a0».")
    differences = registre.ecarts()
    for what, key, stored, expected in differences[:20]:
        words = " ".join(f"{v:%d/%m/%Y}" if isinstance(v, date) else (v or "-") for v in key)
        click.echo(f"  {what} {words}\u00a0: {stored} au lieu de {expected}")
    if differences:
        raise click.ClickException(f"{len(differences)} écarts entre le registre et l'historique.")
    click.echo("Le registre est exact.")
