"""What the convention-cadre takes from the projet de territoire (for the lead's convention
work: its template context and its deposit guard call these; this module imports no convention).

- `for_convention(dossier)`: the strategy (axes and their indicators), the plan d'action (the
  fiches validated, engaged or done, with their financing), the maquette financière (every year,
  refused lines left out), the ORT and OPAH of the communes and the secteurs d'intervention.
- `cadre_missing(dossier)`: what the projet still lacks for the convention-cadre to be deposited
  (an axe with an indicator, a fiche validée), in words; empty when nothing is missing.
"""
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.db import db
from app.projet import revitalisation
from app.projet.maquette import Maquette, maquette
from app.projet.models import FicheAction, Indicateur
from app.projet.queries import axes_of
from app.projet.summary import Summary, summary
from app.workflows.states import FicheEtat, FinancementStatut

IN_PLAN = (FicheEtat.VALIDEE, FicheEtat.ENGAGEE, FicheEtat.REALISEE)


@dataclass
class ProjetDeTerritoire:
    axes: list
    fiches: list
    maquette: Maquette
    summary: Summary
    communes: list  # (Commune, CommuneRevitalisation)
    secteurs: list


def for_convention(dossier) -> ProjetDeTerritoire:
    fiches = db.session.scalars(
        select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(IN_PLAN))
        .options(joinedload(FicheAction.axe), selectinload(FicheAction.lignes))
        .order_by(FicheAction.numero)).all()
    kept = [s for s in FinancementStatut if s != FinancementStatut.REFUSE]
    rows = revitalisation.rows_of(dossier)
    return ProjetDeTerritoire(
        axes=axes_of(dossier), fiches=fiches, maquette=maquette(dossier, None, kept), summary=summary(dossier),
        communes=[(c, rows[c.insee]) for c in dossier.communes], secteurs=revitalisation.secteurs_of(dossier),
    )


def cadre_missing(dossier) -> list[str]:
    missing = []
    has_indicator = db.session.scalar(select(exists().where(
        Indicateur.dossier_id == dossier.id, Indicateur.axe_id.is_not(None))))
    if not has_indicator:
        missing.append("un axe stratégique avec au moins un indicateur")
    has_fiche = db.session.scalar(select(exists().where(
        FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(IN_PLAN))))
    if not has_fiche:
        missing.append("au moins une fiche action validée par le comité de projet")
    return missing
