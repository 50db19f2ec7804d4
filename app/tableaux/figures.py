"""The figures of the "point d'avancement" for a level and a day: `figures(niveau, code, au, user)`.

Plain values (app/tableaux/resultats.py), for the dashboard, the PDF report and the API. Read
from the register (app/tableaux/lecture.py: sums of the variations up to that day, kept in step
by every write) when it is up to date; otherwise recomputed from the history and the rows'
dates (app/tableaux/recalcul.py), which gives the same figures, more slowly.
"""
from datetime import date

from app.tableaux import lecture, recalcul, registre
from app.tableaux.niveaux import Niveau, resolve
from app.tableaux.resultats import NOTES, STATUTS, Figures, Ligne, Retard

__all__ = ["Figures", "Ligne", "Retard", "NOTES", "STATUTS", "figures", "compute"]


def figures(niveau: str, code: str | None, au: date, user) -> Figures:
    """The figures of a level (`"national"`, `"region"` + code, `"departement"` + code) at the
    end of the day `au`, as `user` may see them; HorsPerimetre (app/tableaux/niveaux.py) when
    the level is not theirs (its `status`: 403 or 404)."""
    return compute(resolve(user, niveau, code), au, user)


def compute(level: Niveau, au: date, user) -> Figures:
    """`level` as resolved for `user` (inside their scope), or for no user (the programme's own
    figures, for commands such as `flask demo check`)."""
    state = registre.lisible()
    if state is not None:
        return lecture.compute(level, au, state)
    return recalcul.compute(level, au, user)
