"""The projet de territoire of a dossier in figures: what the dossier page's block shows and
what a convention template can print. Aggregates in SQL, a fixed number of statements."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select

from app.core.db import db
from app.core.formatting import today_in_paris
from app.projet.access import can_edit_projet
from app.projet.lifecycle import covered_amount
from app.projet.models import ZERO, FicheAction, Indicateur, LigneFinancement, MesureIndicateur, euros
from app.workflows.states import FICHE_CLOSED, FicheEtat, FinancementStatut as S

DUE_SHOWN = 10


@dataclass
class Summary:
    fiches_par_etat: list = field(default_factory=list)  # (FicheEtat, count), in the machine's order
    fiches: int = 0
    cout_ht: Decimal = ZERO  # of the fiches neither refused nor abandoned
    prevu: Decimal = ZERO  # financing lines not refused
    accorde: Decimal = ZERO  # accordé or versé
    verse: Decimal = ZERO
    couvert: Decimal = ZERO  # accordé + autofinancement
    indicateurs: int = 0
    avec_cible: int = 0
    cibles_atteintes: int = 0
    fiches_en_retard: list = field(default_factory=list)
    fiches_en_retard_total: int = 0
    sans_mesure: list = field(default_factory=list)  # indicators without a value this year
    sans_mesure_total: int = 0
    annee: int = 0
    can_edit: bool = False  # the user the block is shown to may write the projet


    @property
    def a_faire(self) -> int:
        return self.fiches_en_retard_total + self.sans_mesure_total



def latest_value():
    """SQL: the last measured value of an indicator (by date, then entry)."""
    return (select(MesureIndicateur.valeur).where(MesureIndicateur.indicateur_id == Indicateur.id)
            .order_by(MesureIndicateur.mesure_le.desc(), MesureIndicateur.id.desc()).limit(1)
            .correlate(Indicateur).scalar_subquery())


def target_reached():
    """SQL: the last value reached the target — upwards, or downwards when the target is below
    the baseline (a vacancy rate to bring down)."""
    last = latest_value()
    down = and_(Indicateur.valeur_initiale.is_not(None), Indicateur.cible < Indicateur.valeur_initiale)
    return case((down, last <= Indicateur.cible), else_=last >= Indicateur.cible)


def summary(dossier, user=None, today: date | None = None) -> Summary:
    """The figures of the projet; with `user`, whether that user may write it (the block's buttons)."""
    today = today or today_in_paris()
    out = Summary(annee=today.year, can_edit=user is not None and can_edit_projet(dossier, user))
    counts = dict(db.session.execute(
        select(FicheAction.etat, func.count()).where(FicheAction.dossier_id == dossier.id).group_by(FicheAction.etat)
    ).all())
    out.fiches_par_etat = [(etat, counts[etat]) for etat in FicheEtat if counts.get(etat)]
    out.fiches = sum(counts.values())
    live = FicheAction.etat.not_in([FicheEtat.REFUSEE, FicheEtat.ABANDONNEE])
    out.cout_ht = euros(db.session.scalar(
        select(func.sum(FicheAction.cout_ht)).where(FicheAction.dossier_id == dossier.id, live)))
    money = db.session.execute(
        select(func.sum(case((LigneFinancement.statut != S.REFUSE, LigneFinancement.montant))),
               func.sum(case((LigneFinancement.statut.in_([S.ACCORDE, S.VERSE]), LigneFinancement.montant))),
               func.sum(case((LigneFinancement.statut == S.VERSE, LigneFinancement.montant))),
               func.sum(covered_amount()))
        .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
        .where(FicheAction.dossier_id == dossier.id, live)
    ).one()
    out.prevu, out.accorde, out.verse, out.couvert = (euros(v) for v in money)
    indicators = db.session.execute(
        select(func.count(), func.count(Indicateur.cible),
               func.sum(case((and_(Indicateur.cible.is_not(None), target_reached()), 1), else_=0)))
        .where(Indicateur.dossier_id == dossier.id)
    ).one()
    out.indicateurs, out.avec_cible, out.cibles_atteintes = indicators[0], indicators[1], int(indicators[2] or 0)
    late = (select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.date_fin < today,
                                      FicheAction.etat.not_in(FICHE_CLOSED)))
    out.fiches_en_retard_total = db.session.scalar(select(func.count()).select_from(late.subquery()))
    out.fiches_en_retard = db.session.scalars(late.order_by(FicheAction.date_fin).limit(DUE_SHOWN)).all()
    measured = exists().where(MesureIndicateur.indicateur_id == Indicateur.id,
                              MesureIndicateur.mesure_le >= date(today.year, 1, 1))
    stale = select(Indicateur).where(Indicateur.dossier_id == dossier.id, ~measured)
    out.sans_mesure_total = db.session.scalar(select(func.count()).select_from(stale.subquery()))
    out.sans_mesure = db.session.scalars(stale.order_by(Indicateur.id).limit(DUE_SHOWN)).all()
    return out
