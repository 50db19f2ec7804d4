"""What the demo must show, checked on the database: `flask demo check` (the browser suite
runs it after `flask demo seed`).

Every state of both machines has its subjects, and the programme's figures hold over time
(shares of the communes, as the progress reports count them; tolerances around the published
figures: 23 % of conventions-cadres signed at 31/01/2023, 90 % at 31/12/2024, 99.9 % of
adhésions signed).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.avenants.models import Avenant
from app.comite.models import ReunionComite
from app.core.db import db
from app.core.formatting import today_in_paris
from app.demo.echelle import SEPARATOR
from app.dossiers.models import Dossier, DossierCommune
from app.tableaux.figures import compute
from app.tableaux.niveaux import national_level
from app.workflows.states import AvenantEtat, DossierEtat

# (label, date or None for today, column, low, high)
CALIBRATION = (
    ("communes avec une convention-cadre signée au 31/01/2023", date(2023, 1, 31), "cadre_signee_le", 0.18, 0.28),
    ("communes avec une convention-cadre signée au 31/12/2024", date(2024, 12, 31), "cadre_signee_le", 0.85, 0.95),
    ("communes avec une convention d'adhésion signée", None, "adhesion_signee_le", 0.995, 1.0),
)


@dataclass
class Figure:
    label: str
    share: float
    low: float
    high: float

    @property
    def ok(self) -> bool:
        return self.low <= self.share <= self.high


def figures() -> list[Figure]:
    total = db.session.scalar(select(func.count()).select_from(DossierCommune)) or 1
    result = []
    for label, day, column, low, high in CALIBRATION:
        signed = getattr(Dossier, column)
        query = select(func.count()).select_from(DossierCommune).join(Dossier).where(signed.is_not(None))
        if day is not None:
            query = query.where(signed <= day)
        result.append(Figure(label, db.session.scalar(query) / total, low, high))
    return result


# The national dashboard (app/tableaux, from the history) against the published figures:
# (label, day or None for today, figure, low, high); shares in %, the rest in communes (for a
# programme copied by `flask demo seed --scale N`, N times the published number).
DASHBOARD = (
    ("communes avec une convention d'adhésion signée (%)", None, "pct_adhesion", 99.5, 100.0),
    ("communes avec une convention-cadre signée au 31/01/2023 (publié\u00a0: 365)", date(2023, 1, 31),
     "communes_cadre", 290, 450),
    ("communes avec une convention-cadre signée au 31/12/2024 (%, publié\u00a0: 90\u00a0%)", date(2024, 12, 31),
     "pct_cadre", 85.0, 95.0),
    ("communes engagées dans une ORT au 31/12/2022 (publié\u00a0: 291)", date(2022, 12, 31), "communes_ort", 230, 400),
    ("communes en OPAH au 31/01/2023 (publié\u00a0: 638)", date(2023, 1, 31), "opah_total", 600, 680),
)


@dataclass
class Chiffre:
    label: str
    value: float
    low: float
    high: float

    @property
    def ok(self) -> bool:
        return self.value is not None and self.low <= self.value <= self.high


def dashboard() -> list[Chiffre]:
    """The national dashboard's figures at the reports' dates, within the demo's calibration."""
    level, result, cache = national_level(), [], {}
    copies = scale()
    for label, day, name, low, high in DASHBOARD:
        if not name.startswith("pct_"):
            low, high = low * copies, high * copies
        day = day or today_in_paris()
        if day not in cache:
            cache[day] = compute(level, day, None)
        figures = cache[day]
        value = figures.opah_total if name == "opah_total" else getattr(figures.total, name)
        result.append(Chiffre(f"tableau de bord national\u00a0: {label}", value, low, high))
    return result


def scale() -> int:
    """How many times the walked programme is in the database (1, or N after --scale N)."""
    total = db.session.scalar(select(func.count(Dossier.id)))
    originals = db.session.scalar(select(func.count(Dossier.id)).where(~Dossier.reference.contains(SEPARATOR)))
    return max(round(total / originals), 1) if originals else 1


def comites() -> tuple[int, int]:
    """(dossiers at mise en œuvre that held a comité de projet, dossiers at mise en œuvre)."""
    at_work = select(Dossier.id).where(Dossier.etat == DossierEtat.MISE_EN_OEUVRE)
    held = select(func.count(func.distinct(ReunionComite.dossier_id))).where(ReunionComite.dossier_id.in_(at_work))
    return db.session.scalar(held), db.session.scalar(select(func.count()).select_from(at_work.subquery()))


def missing_states() -> list[str]:
    """The states of either machine that no subject is in."""
    dossiers = set(db.session.scalars(select(Dossier.etat).distinct()))
    avenants = set(db.session.scalars(select(Avenant.etat).distinct()))
    return ([e.label for e in DossierEtat if e not in dossiers]
            + [e.label for e in AvenantEtat if e not in avenants])
