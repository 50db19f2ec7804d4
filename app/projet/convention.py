"""What the convention-cadre takes from the projet de territoire (the conventions' template
context and their deposit guard call these; this module imports no convention).

- `snapshot(dossier)`: the strategy (axes and their indicators), the plan d'action (the fiches
  validated, engaged or done, each with its financing) and the maquette financière of those
  fiches (financeurs × years, refused lines left out: a table that fits a printed page whatever
  the number of fiches), as plain JSON values — amounts as decimal strings, dates ISO — so that the
  signature can record them in its history row and a signed convention be printed from what
  stood then, never from today's data.
- `cadre_gaps(dossier, kind)`: subscribed to `projet_gaps`; what the projet still lacks for
  the convention-cadre to be deposited (an axe with an indicator, a fiche validée), in words.
"""
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from app.core.db import db
from app.projet import financeurs
from app.projet.models import ZERO, FicheAction, Indicateur, LigneFinancement, euros
from app.projet.queries import axes_of
from app.workflows.states import FicheEtat, FinancementStatut

IN_PLAN = (FicheEtat.VALIDEE, FicheEtat.ENGAGEE, FicheEtat.REALISEE)
KEPT = tuple(s for s in FinancementStatut if s != FinancementStatut.REFUSE)
SNAPSHOT_VERSION = 1


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def snapshot(dossier) -> dict:
    """The projet's part of the convention-cadre, as it stands now (a bounded number of
    statements whatever the number of fiches and lines)."""
    axes = [{
        "titre": axe.titre, "enjeux": axe.enjeux or "",
        "indicateurs": [{
            "nom": i.nom, "type": i.type.label, "unite": i.unite,
            "valeur_initiale": _amount(i.valeur_initiale), "date_initiale": _day(i.date_initiale),
            "cible": _amount(i.cible), "date_cible": _day(i.date_cible),
        } for i in axe.indicateurs],
    } for axe in axes_of(dossier, measures=False)]
    names = dossier.collectivite_names()
    fiches = db.session.scalars(
        select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(IN_PLAN))
        .options(joinedload(FicheAction.axe)).order_by(FicheAction.numero)).all()
    kept = (FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(IN_PLAN), LigneFinancement.statut.in_(KEPT))
    per_fiche = dict(db.session.execute(
        select(LigneFinancement.fiche_id, func.sum(LigneFinancement.montant))
        .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id).where(*kept)
        .group_by(LigneFinancement.fiche_id)).all())
    plan = [{
        "code": f.code, "titre": f.titre, "axe": f.axe.titre if f.axe else None, "etat": f.etat.label,
        "maitre_ouvrage": f.maitre_ouvrage(names), "debut": _day(f.date_debut), "fin": _day(f.date_fin),
        "cout_ht": _amount(f.cout_ht), "cout_ttc": _amount(f.cout_ttc),
        "financement": _amount(euros(per_fiche.get(f.id))),
    } for f in fiches]
    cells: dict[str, dict[int, Decimal]] = {}
    for source, year, total in db.session.execute(
            select(LigneFinancement.source, LigneFinancement.annee, func.sum(LigneFinancement.montant))
            .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id).where(*kept)
            .group_by(LigneFinancement.source, LigneFinancement.annee)):
        cells.setdefault(source, {})[year] = euros(total)
    years = sorted({year for by_year in cells.values() for year in by_year})
    sources = sorted(cells, key=lambda code: financeurs.ORDER.get(code, len(financeurs.ORDER)))
    return {
        "version": SNAPSHOT_VERSION,
        "axes": axes,
        "fiches": plan,
        "maquette": {  # financeurs × years; each sum is the database's (no float, no drift)
            "annees": years,
            "rows": [{"financeur": financeurs.source(code).label,
                      "cells": [_amount(cells[code].get(year)) for year in years],
                      "total": _amount(sum(cells[code].values(), ZERO))} for code in sources],
            "totals": [_amount(sum((cells[code].get(year, ZERO) for code in sources), ZERO)) for year in years],
            "total": _amount(sum((v for by_year in cells.values() for v in by_year.values()), ZERO)),
        },
    }





AMOUNTS = frozenset({"valeur_initiale", "cible", "cout_ht", "cout_ttc", "financement", "total"})
AMOUNT_LISTS = frozenset({"cells", "totals"})
DAYS = frozenset({"date_initiale", "date_cible", "debut", "fin"})


def hydrate(value):
    """A snapshot's values back as the templates print them: Decimal amounts, dates."""
    if isinstance(value, list):
        return [hydrate(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in AMOUNTS and item is not None:
            out[key] = Decimal(item)
        elif key in AMOUNT_LISTS:
            out[key] = [None if x is None else Decimal(x) for x in item]
        elif key in DAYS and item:
            out[key] = date.fromisoformat(item)
        else:
            out[key] = hydrate(item)
    return out


@cache
def _has_indicator():
    return select(exists().where(Indicateur.dossier_id == bindparam("dossier_id"), Indicateur.axe_id.is_not(None)))


@cache
def _has_fiche():
    return select(exists().where(FicheAction.dossier_id == bindparam("dossier_id"), FicheAction.etat.in_(IN_PLAN)))


def cadre_missing(dossier) -> list[str]:
    """What the projet lacks for a convention-cadre (two statements, built once: every deposit
    of a cadre asks)."""
    missing = []
    if not db.session.scalar(_has_indicator(), {"dossier_id": dossier.id}):
        missing.append("un axe stratégique avec au moins un indicateur")
    if not db.session.scalar(_has_fiche(), {"dossier_id": dossier.id}):
        missing.append("au moins une fiche action validée par le comité de projet")
    return missing


def cadre_gaps(dossier, *, kind: str, **_) -> list[str]:
    """Subscribed to `projet_gaps`: the convention-cadre formalises the projet de territoire."""
    return cadre_missing(dossier) if kind == "cadre" else []
