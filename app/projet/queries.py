"""Loading the projet's rows of a dossier the user may see (the dossier is loaded through its
scope first: out of scope is a 404 before any of these runs)."""
from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.db import db
from app.projet.lifecycle import covered_amount
from app.projet.models import (
    AxeStrategique, FicheAction, Indicateur, LigneFinancement, MesureIndicateur, NoteAvancement,
)


def axes_of(dossier, measures: bool = True) -> list[AxeStrategique]:
    """The axes with their own indicators and those indicators' measures (three statements;
    two without the measures)."""
    indicateurs = selectinload(AxeStrategique.indicateurs)
    return db.session.scalars(
        select(AxeStrategique).where(AxeStrategique.dossier_id == dossier.id)
        .options(indicateurs.selectinload(Indicateur.mesures) if measures else indicateurs)
        .order_by(AxeStrategique.ordre, AxeStrategique.id)
    ).all()


def get_axe(dossier, axe_id: int) -> AxeStrategique:
    axe = db.session.scalar(select(AxeStrategique).where(AxeStrategique.id == axe_id,
                                                         AxeStrategique.dossier_id == dossier.id))
    if axe is None:
        abort(404)
    return axe


def get_indicateur(dossier, indicateur_id: int) -> Indicateur:
    indicateur = db.session.scalar(
        select(Indicateur).where(Indicateur.id == indicateur_id, Indicateur.dossier_id == dossier.id)
        .options(selectinload(Indicateur.mesures).joinedload(MesureIndicateur.saisi_par),
                 joinedload(Indicateur.axe), joinedload(Indicateur.fiche))
    )
    if indicateur is None:
        abort(404)
    return indicateur


def get_fiche(dossier, numero: int, *, full: bool = False) -> FicheAction:
    """A fiche of the dossier by its number; `full` loads what its page shows."""
    stmt = select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.numero == numero)
    if full:
        stmt = stmt.options(
            joinedload(FicheAction.axe), joinedload(FicheAction.commune),
            selectinload(FicheAction.lignes),
            selectinload(FicheAction.indicateurs).selectinload(Indicateur.mesures),
            selectinload(FicheAction.notes).joinedload(NoteAvancement.ecrite_par),
        )
    fiche = db.session.scalar(stmt)
    if fiche is None:
        abort(404)
    fiche.dossier = dossier
    return fiche


def get_line(fiche, line_id: int) -> LigneFinancement:
    line = db.session.scalar(select(LigneFinancement).where(LigneFinancement.id == line_id,
                                                            LigneFinancement.fiche_id == fiche.id))
    if line is None:
        abort(404)
    line.fiche = fiche
    return line


def fiches_page(dossier, per_page: int):
    """A page of the dossier's fiches with their axes; `amounts(page)` adds their financing."""
    stmt = (select(FicheAction).where(FicheAction.dossier_id == dossier.id)
            .options(joinedload(FicheAction.axe)).order_by(FicheAction.numero))
    return db.paginate(stmt, per_page=per_page, max_per_page=100, error_out=False)


def amounts(fiche_ids) -> dict[int, tuple]:
    """fiche id → (planned, covered) of its financing plan, in one aggregate."""
    if not fiche_ids:
        return {}
    rows = db.session.execute(
        select(LigneFinancement.fiche_id, func.sum(LigneFinancement.montant), func.sum(covered_amount()))
        .where(LigneFinancement.fiche_id.in_(list(fiche_ids)))
        .group_by(LigneFinancement.fiche_id)
    )
    return {fiche_id: (planned, covered) for fiche_id, planned, covered in rows}
