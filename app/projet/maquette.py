"""The maquette financière of a dossier: fiches × financeurs, with row, column and grand
totals, each a SQL aggregate (no sum made in Python over lines). Filtered by year and by the
lines' status."""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import db
from app.projet import financeurs
from app.projet.models import ZERO, FicheAction, LigneFinancement, euros
from app.workflows.states import FinancementStatut



@dataclass
class Row:
    fiche: FicheAction
    cells: dict  # source code → amount
    total: Decimal


@dataclass
class Maquette:
    annee: int | None
    statuts: tuple
    annees: list  # the years the dossier's lines name, for the filter
    sources: list = field(default_factory=list)  # financeurs.Source, in the reference order
    rows: list = field(default_factory=list)
    column_totals: dict = field(default_factory=dict)
    total: Decimal = ZERO

    @property
    def periode(self) -> str:
        return str(self.annee) if self.annee else "toutes les années"

    @property
    def statuts_label(self) -> str:
        if not self.statuts or set(self.statuts) == set(FinancementStatut):
            return "tous les statuts"
        return ", ".join(s.label.lower() for s in self.statuts)



def maquette(dossier, annee: int | None = None, statuts=()) -> Maquette:
    statuts = tuple(FinancementStatut(s) for s in statuts)
    annees = db.session.scalars(
        select(LigneFinancement.annee).distinct().join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
        .where(FicheAction.dossier_id == dossier.id).order_by(LigneFinancement.annee)).all()
    out = Maquette(annee=annee, statuts=statuts, annees=annees)
    where = [FicheAction.dossier_id == dossier.id]
    if annee:
        where.append(LigneFinancement.annee == annee)
    if statuts:
        where.append(LigneFinancement.statut.in_(statuts))

    def grouped(*columns):
        return db.session.execute(
            select(*columns, func.sum(LigneFinancement.montant))
            .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id).where(*where).group_by(*columns)
        ).all()

    cells: dict[int, dict] = {}
    for fiche_id, source, amount in grouped(LigneFinancement.fiche_id, LigneFinancement.source):
        cells.setdefault(fiche_id, {})[source] = euros(amount)
    row_totals = {fiche_id: euros(amount) for fiche_id, amount in grouped(LigneFinancement.fiche_id)}
    out.column_totals = {source: euros(amount) for source, amount in grouped(LigneFinancement.source)}
    out.total = euros(db.session.scalar(
        select(func.sum(LigneFinancement.montant))
        .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id).where(*where)))
    out.sources = [s for s in financeurs.SOURCES if s.code in out.column_totals]
    if row_totals:
        fiches = db.session.scalars(select(FicheAction).where(FicheAction.id.in_(list(row_totals)))
                                    .order_by(FicheAction.numero)).all()
        out.rows = [Row(f, cells.get(f.id, {}), row_totals[f.id]) for f in fiches]
    return out
