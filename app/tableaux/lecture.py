"""The figures of a level at a day read from the register (app/tableaux/registre.py): the sums
before the day's month plus that month's variations up to the day, by département — one row per
figure and a month of variations, whatever the size of the programme and of its history.

A level a user may open lies inside their scope (app/tableaux/niveaux.py: the ANCT everything,
a préfecture its départements, a partner its régions and départements), so the level's
départements are all there is to filter on. The late dossiers are listed from their keys in
the register (their deadline at that day in them).
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, cast, func, select, union_all

from app.core.db import db
from app.dossiers.models import Dossier
from app.projet.territoire_models import OpahType
from app.tableaux.registre import NOT_SUMMED, month_of
from app.tableaux.models import Cumul as C, Variation as V
from app.tableaux.niveaux import NATIONAL, Niveau
from app.tableaux.resultats import COUNTS, OPAH_TYPES, Figures, Ligne, Retard, assemble, by_financeur
from app.tableaux.variations import parse_late_key
from app.workflows.states import FicheEtat

CENTS = Decimal("0.01")


def in_level(level: Niveau, table=V):
    return [] if level.kind == NATIONAL else [table.departement_code.in_(level.codes)]


def sums_at(level: Niveau, au: date, state):
    """(departement_code, indicateur, cle, sum) of every summed figure at the end of `au`."""
    month = min(month_of(au), state.dernier_mois)
    recent = (select(V.departement_code, V.indicateur, V.cle, V.valeur)
              .where(V.jour <= au, V.indicateur != NOT_SUMMED, *in_level(level)))
    if au < state.premier_mois:  # before the programme: its few variations alone
        parts = recent
    else:
        parts = union_all(
            select(C.departement_code, C.indicateur, C.cle, C.valeur).where(C.mois == month, *in_level(level, C)),
            recent.where(V.jour >= month))
    rows = parts.subquery("parts")
    return db.session.execute(
        select(rows.c.departement_code, rows.c.indicateur, rows.c.cle, func.sum(rows.c.valeur))
        .group_by(rows.c.departement_code, rows.c.indicateur, rows.c.cle)
    ).all()


def compute(level: Niveau, au: date, state) -> Figures:
    sums = sums_at(level, au, state)
    counts: dict[str, dict[str, int]] = {}
    opah = {kind.value: 0 for kind in OPAH_TYPES}
    fiches = {etat.value: 0 for etat in FicheEtat}
    credits: dict[str, int] = {}  # "statut:source" → cents
    undated = 0
    for dep, indicateur, cle, value in sums:
        value = int(value or 0)
        if indicateur == "communes_opah":
            opah[OpahType(cle).value] += value
        elif indicateur == "opah_sans_date":
            undated += value
        elif indicateur == "fiches" and cle in fiches:
            fiches[cle] += value
        elif indicateur == "credits":
            credits[cle] = credits.get(cle, 0) + value
        elif indicateur in COUNTS:
            counts.setdefault(dep, {})[indicateur] = value
    retards = late(level, au)
    late_by_dep: dict[str, int] = {}
    for r in retards:
        late_by_dep[r.departement_code] = late_by_dep.get(r.departement_code, 0) + 1
    lines = []
    for code, nom, _ in level.departements:
        line = Ligne(code, nom, **counts.get(code, {}))
        line.dossiers_retard = late_by_dep.get(code, 0)
        lines.append(line)
    amounts = [(cle.split(":", 1)[1], cle.split(":", 1)[0], Decimal(cents) * CENTS) for cle, cents in credits.items()]
    return assemble(level, au, lines, opah=opah, opah_sans_date=undated, credits=by_financeur(amounts),
                    fiches=fiches, retards=retards)


def late(level: Niveau, au: date) -> list[Retard]:
    """The dossiers late at `au`: the keys whose variations sum to 1, each naming its dossier,
    its adhésion, its deadline at that day and whether an extension set it (variations.late_key)."""
    keys = (select(V.cle.label("cle"), func.substr(V.cle, 1, 10).label("dossier_id"))
            .where(V.indicateur == NOT_SUMMED, V.jour <= au, *in_level(level))
            .group_by(V.cle).having(func.sum(V.valeur) > 0).subquery("en_retard"))
    rows = db.session.execute(
        select(Dossier.id, Dossier.reference, Dossier.nom, Dossier.departement_code, keys.c.cle)
        .join(keys, Dossier.id == cast(keys.c.dossier_id, Integer))
    ).all()
    result = []
    for i, ref, nom, dep, key in rows:
        _, adhesion, due, extended = parse_late_key(key)
        result.append(Retard(i, ref, nom, dep, adhesion, due, extended))
    return result


def series(level: Niveau, au: date, indicateurs) -> dict[str, list[tuple[date, int]]]:
    """indicateur → (day, variation) of the level up to `au`, in day order (its kinds summed)."""
    rows = db.session.execute(
        select(V.indicateur, V.jour, func.sum(V.valeur))
        .where(V.indicateur.in_(list(indicateurs)), V.jour <= au, *in_level(level))
        .group_by(V.indicateur, V.jour).order_by(V.indicateur, V.jour)
    ).all()
    result = {name: [] for name in indicateurs}
    for indicateur, jour, value in rows:
        result[indicateur].append((jour, int(value or 0)))
    return result
