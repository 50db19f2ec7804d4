"""Monthly curves since October 2020, up to a day: communes with a signed adhésion, with a
signed convention-cadre, engaged in an ORT, in an OPAH, and the credits granted (cumulated).

Read from the register (app/tableaux/registre.py: one GROUP BY of the variations by day) when it
is up to date, else recomputed from the dates (one GROUP BY per series, a few hundred rows at
most); cumulated here month by month. The last point is the day asked, so it equals the figure
of that day. The geometry of the SVG (drawn by templates/tableaux/_courbe.svg) is computed here.
"""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from app.core.db import db
from app.core.formatting import money_fr, number_fr, to_paris
from app.dossiers.models import Dossier
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, OpahType
from app.tableaux import etats, lecture, registre
from app.tableaux.niveaux import Niveau, resolve
from app.tableaux.recalcul import level_dates, scope, unscoped
from app.tableaux.variations import ALWAYS, in_force, spans_of
from app.workflows.states import FinancementStatut as S

START = date(2020, 10, 1)
MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 36


def points_until(day: date) -> list[date]:
    """The last day of each month from October 2020, then `day` itself."""
    points, year, month = [], START.year, START.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last >= day:
            points.append(day)
            return points
        points.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_label(day: date) -> str:
    return f"{MOIS[day.month - 1]} {day.year}"


@dataclass
class Courbe:
    ident: str
    titre: str
    unite: str  # "communes" or "€"
    points: list[tuple[date, float]]

    def formatted(self, value) -> str:
        return money_fr(value) if self.unite == "€" else number_fr(value)

    @property
    def last(self):
        return self.points[-1][1] if self.points else 0

    @property
    def top(self) -> float:
        """A round upper bound of the axis: 1, 2 or 5 × 10^k above the largest value."""
        largest = max((v for _, v in self.points), default=0)
        if largest <= 0:
            return 1
        scale = 1
        while scale * 10 <= largest:
            scale *= 10
        for step in (1, 2, 5, 10):
            if step * scale >= largest:
                return step * scale
        return 10 * scale

    def x(self, index: int) -> float:
        span = max(len(self.points) - 1, 1)
        return round(LEFT + index * (WIDTH - LEFT - RIGHT) / span, 1)

    def y(self, value) -> float:
        return round(TOP + (1 - float(value) / float(self.top)) * (HEIGHT - TOP - BOTTOM), 1)

    @property
    def polyline(self) -> str:
        return " ".join(f"{self.x(i)},{self.y(v)}" for i, (_, v) in enumerate(self.points))

    def axis_label(self, value) -> str:
        """Short labels on the € axis (« 250\u00a0M€ »), the full amount in the table."""
        if self.unite == "€":
            for divisor, suffix in ((10**9, "Md€"), (10**6, "M€"), (10**3, "k€")):
                if self.top >= divisor:
                    return f"{number_fr(round(float(value) / divisor, 1))}\u00a0{suffix}"
        return self.formatted(value)

    @property
    def y_ticks(self) -> list[tuple[float, str]]:
        return [(self.y(self.top * k / 4), self.axis_label(self.top * k / 4)) for k in range(5)]

    @property
    def x_ticks(self) -> list[tuple[float, str]]:
        """The first point, then each January."""
        return [(self.x(i), str(day.year) if day.month == 1 else month_label(day))
                for i, (day, _) in enumerate(self.points) if i == 0 or (day.month == 1 and i > 2)]

    @property
    def description(self) -> str:
        first, last = self.points[0], self.points[-1]
        return (f"De {self.formatted(first[1])} fin {month_label(first[0])} à {self.formatted(last[1])} "
                f"le {last[0]:%d/%m/%Y}. Les valeurs mois par mois sont dans le tableau qui suit.")

    def as_dict(self) -> dict:
        return {"ident": self.ident, "titre": self.titre, "unite": self.unite,
                "points": [{"date": d.isoformat(), "valeur": str(v) if isinstance(v, Decimal) else v}
                           for d, v in self.points]}


def _cumulate(points, rows, zero) -> list:
    """rows: (start, end or None, amount) → for each point, the sum of the amounts started by
    then and not ended by then (one sweep over the sorted changes)."""
    changes = sorted([(start, amount) for start, _, amount in rows]
                     + [(end, -amount) for _, end, amount in rows if end is not None], key=lambda c: c[0])
    result, total, i = [], zero(0), 0
    for point in points:
        while i < len(changes) and changes[i][0] <= point:
            total += changes[i][1]
            i += 1
        result.append(total)
    return result


def _paris_day(moment):
    return to_paris(moment).date() if moment is not None else None


SERIES = (
    ("adhesion", "communes_adhesion", "Communes ayant signé leur convention d'adhésion", "communes"),
    ("cadre", "communes_cadre", "Communes ayant signé leur convention-cadre", "communes"),
    ("ort", "communes_ort", "Communes engagées dans une ORT", "communes"),
    ("opah", "communes_opah", "Communes en OPAH", "communes"),
    ("credits", "credits_accordes", "Crédits accordés, cumulés", "€"),
)


def courbes(level: Niveau, au: date, user) -> list[Courbe]:
    points = points_until(au)
    if registre.lisible() is not None:
        changes = lecture.series(level, au, [indicateur for _, indicateur, _, _ in SERIES])
        values = {indicateur: _cumulate(points, [(day, None, v) for day, v in rows], int)
                  for indicateur, rows in changes.items()}
        values["credits_accordes"] = [(Decimal(v) / 100).quantize(Decimal("0.01"))
                                      for v in values["credits_accordes"]]
    else:
        values = _recomputed(level, au, user, points)
    return [Courbe(ident, titre, unite, list(zip(points, values[indicateur])))
            for ident, indicateur, titre, unite in SERIES]


def _recomputed(level: Niveau, au: date, user, points) -> dict[str, list]:
    """The series from the history and the rows' dates (the register out of date)."""
    dates = level_dates(level, au)
    d = dates.c
    nc = etats.communes_count()
    rows = db.session.execute(
        select(d.adhesion_le, d.cadre_le, d.sortie_at, func.sum(func.coalesce(nc.c.n, 0)))
        .select_from(Dossier)
        .join(dates, d.dossier_id == Dossier.id)
        .outerjoin(nc, nc.c.dossier_id == Dossier.id)
        .where(scope(level, user), d.adhesion_le.is_not(None))
        .group_by(d.adhesion_le, d.cadre_le, d.sortie_at)
    ).all()
    adhesion = [(a, _paris_day(s), int(n)) for a, _, s, n in rows]
    cadre = [(c, _paris_day(s), int(n)) for _, c, s, n in rows if c is not None]
    ort_rows = db.session.execute(
        select(CommuneRevitalisation.ort_engagee_le, d.sortie_at, func.count())
        .join(Dossier, Dossier.id == CommuneRevitalisation.dossier_id)
        .outerjoin(dates, d.dossier_id == Dossier.id)
        .where(scope(level, user), CommuneRevitalisation.ort_engagee_le <= au)
        .group_by(CommuneRevitalisation.ort_engagee_le, d.sortie_at)
    ).all()
    ort = [(o, _paris_day(s), int(n)) for o, s, n in ort_rows]
    stmt = (select(LigneFinancement.decide_le, func.sum(LigneFinancement.montant))
            .where(LigneFinancement.statut.in_([S.ACCORDE, S.VERSE]), LigneFinancement.decide_le <= au))
    if not unscoped(level, user):
        stmt = (stmt.join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
                .join(Dossier, Dossier.id == FicheAction.dossier_id).where(scope(level, user)))
    credit_rows = db.session.execute(stmt.group_by(LigneFinancement.decide_le)).all()
    credits = [(day, None, Decimal(amount or 0).quantize(Decimal("0.01"))) for day, amount in credit_rows]
    return {"communes_adhesion": _cumulate(points, adhesion, int), "communes_cadre": _cumulate(points, cadre, int),
            "communes_ort": _cumulate(points, ort, int), "communes_opah": _cumulate(points, _opah(level, au, user, dates), int),
            "credits_accordes": _cumulate(points, credits, lambda _: Decimal("0.00"))}


def _opah(level, au, user, dates) -> list:
    """(start, end, 1) of each commune's time in an OPAH (its periods, while its dossier is in)."""
    P = OpahPeriode
    rows = db.session.execute(
        select(P.revitalisation_id, P.id, P.depuis_le, P.opah_type, dates.c.sortie_at)
        .join(CommuneRevitalisation, CommuneRevitalisation.id == P.revitalisation_id)
        .join(Dossier, Dossier.id == CommuneRevitalisation.dossier_id)
        .outerjoin(dates, dates.c.dossier_id == Dossier.id)
        .where(scope(level, user), or_(P.depuis_le.is_(None), P.depuis_le <= au))
    ).all()
    periods: dict[int, list] = {}
    exits = {}
    for revit, period, since, kind, sortie in rows:
        periods.setdefault(revit, []).append((since or ALWAYS, period, OpahType(kind)))
        exits[revit] = _paris_day(sortie)
    return [(start, end, 1) for revit, rows in periods.items()
            for kind, start, end in spans_of(in_force(rows), exits[revit]) if kind != OpahType.AUCUNE]


def series(niveau: str, code: str | None, au: date, user) -> list[Courbe]:
    """The curves of a level, as `figures.figures` takes it (HorsPerimetre when not the user's)."""
    return courbes(resolve(user, niveau, code), au, user)
