"""Where each dossier stood at the end of a given day, read from its history, in SQL.

A step counts from its business date: a signature from the signature date the préfecture
recorded (`effective_on`), a sortie, a clôture or an extension from the day it was recorded
(`at`, a Paris day). So a dossier signed later counts as unsigned then, and a withdrawn one
counts until its sortie. The 18-month deadline at that day is the extension granted by then,
else the adhésion's signature + 18 months (app/dossiers/echeance.py), compared in SQL through
the signature dates whose deadline falls before the day (`first_start_reaching`).
"""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, or_, select

from app.dossiers.echeance import DELAI_MOIS, add_months
from app.dossiers.models import DossierCommune
from app.core.formatting import PARIS
from app.workflows.history import HistoryEntry as H

EVENTS = ("signer_adhesion", "signer_cadre", "declarer_sortie", "cloturer", "prolonger_delai")


def end_of_day(on: date) -> datetime:
    """The naive UTC instant at which the Paris day `on` ends (history rows store naive UTC)."""
    local = datetime.combine(on + timedelta(days=1), time(0), tzinfo=PARIS)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def first_start_reaching(day: date) -> date:
    """The first signature date whose 18-month deadline is on or after `day`: a deadline comes
    before `day` exactly when the adhésion was signed before this date."""
    start = add_months(day, -DELAI_MOIS)
    while add_months(start, DELAI_MOIS) < day:
        start += timedelta(days=1)
    while add_months(start - timedelta(days=1), DELAI_MOIS) >= day:
        start -= timedelta(days=1)
    return start


def dossier_dates(on: date, dossiers=None):
    """One row per dossier with history: its signatures by `on`, whether it had left by then,
    the deadline an extension set by then. `dossiers`: a SELECT of the ids to read (a level's),
    all of them by default."""
    end = end_of_day(on)
    where = [H.subject_type == "dossier", H.event.in_(EVENTS)]
    if dossiers is not None:
        where.append(H.dossier_id.in_(dossiers))

    def signed(event):
        return func.min(case((and_(H.event == event, H.effective_on <= on), H.effective_on)))

    def recorded(event, value):
        return func.max(case((and_(H.event == event, H.at < end), value)))

    return (
        select(
            H.dossier_id.label("dossier_id"),
            signed("signer_adhesion").label("adhesion_le"),
            signed("signer_cadre").label("cadre_le"),
            func.min(case((and_(H.event == "declarer_sortie", H.at < end), H.at))).label("sortie_at"),
            recorded("cloturer", 1).label("cloture"),
            recorded("prolonger_delai", H.effective_on).label("prorogee_le"),
        )
        .where(*where)
        .group_by(H.dossier_id)
        .subquery("etat_au")
    )


def communes_count():
    """One row per dossier: how many communes it groups."""
    return (select(DossierCommune.dossier_id.label("dossier_id"), func.count().label("n"))
            .group_by(DossierCommune.dossier_id).subquery("nb_communes"))


class Conditions:
    """The SQL conditions of a dossier's situation at `on`, over `dossier_dates(on)` joined."""

    def __init__(self, dates, on: date, programme_end: date):
        self.dates, self.on = dates, on
        d = dates.c
        self.en_programme = d.sortie_at.is_(None)
        self.adhesion = and_(self.en_programme, d.adhesion_le.is_not(None))
        self.cadre = and_(self.en_programme, d.cadre_le.is_not(None))

        def deadline_before(day: date):
            return or_(and_(d.prorogee_le.is_not(None), d.prorogee_le < day),
                       and_(d.prorogee_le.is_(None), d.adhesion_le < first_start_reaching(day)))

        # "Échéance dépassée" (app/dossiers/echeance.statut): running, past, within the programme.
        self.retard = and_(
            self.adhesion, d.cadre_le.is_(None), d.cloture.is_(None),
            deadline_before(on), deadline_before(programme_end + timedelta(days=1)),
        )

    def echeance(self, adhesion_le: date | None, prorogee_le: date | None) -> date | None:
        """The deadline of a listed row (the same rule, in Python)."""
        if adhesion_le is None:
            return None
        return prorogee_le or add_months(adhesion_le, DELAI_MOIS)
