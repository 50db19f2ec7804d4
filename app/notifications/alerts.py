"""`flask alerts run`, every morning: the 18-month rule's countdown, dossiers waiting for the
préfecture, compléments left unanswered.

Idempotent and safe when two runs race: each alert is a row of `alert_sent`, unique per
dossier, rule, reference date and step, inserted with "on conflict do nothing … returning";
only the run whose insert took notifies. An extension changes the deadline, so the countdown
starts again from the new date; a signed cadre leaves the rule. Set-based: a bounded number
of statements whatever the number of dossiers.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import date_fr
from app.core.signals import daily_alerts
from app.dossiers.echeance import add_months
from app.dossiers.models import Dossier, DossierEtat as E
from app.dossiers.queries import open_rule
from app.notifications import settings
from app.notifications.models import AlertSent
from app.notifications.recipients import MEMBERS, PORTEURS, PREFECTURE, grants_covering
from app.notifications.services import Message, deliver, path_for
from app.workflows.history import HistoryEntry



@dataclass(frozen=True)
class Due:
    """An alert a dossier is due today: its rule, the date it counts to, its step, its words."""

    dossier_id: int
    rule: str
    reference_date: date
    step: int
    message: str


def deadline_step(deadline: date, today: date, months: tuple[int, ...]) -> tuple[int, str] | None:
    """The step of the countdown `today` has reached (None: not yet the first threshold).

    `months` = (6, 3, 1, 0): step 1 six months before, … step 4 on the day; then one more step
    for every full month overdue."""
    if today > deadline:
        late = 0
        while add_months(deadline, late + 1) <= today:
            late += 1
        if late == 0:  # the day's step (sent on the day, or now if that run was missed)
            return len(months), "L'échéance des 18 mois est dépassée."
        return len(months) + late, f"L'échéance des 18 mois est dépassée depuis {late} mois."
    reached = [i for i, m in enumerate(months, 1) if today >= add_months(deadline, -m)]
    if not reached:
        return None
    step = max(reached)
    m = months[step - 1]
    if m == 0:
        return step, "C'est aujourd'hui le dernier jour pour signer la convention-cadre."
    return step, f"Il reste moins de {m} mois pour signer la convention-cadre."


def due_deadlines(today: date, months: tuple[int, ...]) -> list[Due]:
    horizon = add_months(today, max(months))
    rows = db.session.execute(
        select(Dossier.id, Dossier.echeance_cadre).where(open_rule(), Dossier.echeance_cadre <= horizon)
    ).all()
    due = []
    for dossier_id, deadline in rows:
        reached = deadline_step(deadline, today, months)
        if reached:
            due.append(Due(dossier_id, "echeance", deadline, *reached))
    return due


def due_instructions(today: date, days: int) -> list[Due]:
    limit = today - timedelta(days=days)
    rows = db.session.execute(
        select(Dossier.id, Dossier.etat, Dossier.adhesion_deposee_le, Dossier.cadre_deposee_le).where(
            ((Dossier.etat == E.ADHESION_DEPOSEE) & (Dossier.adhesion_deposee_le <= limit))
            | ((Dossier.etat == E.CADRE_DEPOSEE) & (Dossier.cadre_deposee_le <= limit)))
    ).all()
    return [Due(dossier_id, "instruction", deposited, 1,
                f"Ce dossier attend son instruction depuis le {date_fr(deposited)} (plus de {days} jours).")
            for dossier_id, etat, adhesion, cadre in rows
            for deposited in [adhesion if etat == E.ADHESION_DEPOSEE else cadre]]


def due_completions(today: date, days: int) -> list[Due]:
    asked = (select(HistoryEntry.dossier_id, func.max(HistoryEntry.at).label("at"))
             .where(HistoryEntry.machine == "dossier", HistoryEntry.event.like("demander_complements_%"))
             .group_by(HistoryEntry.dossier_id).subquery())
    rows = db.session.execute(
        select(Dossier.id, asked.c.at).join(asked, asked.c.dossier_id == Dossier.id)
        .where(Dossier.etat.in_((E.ADHESION_A_COMPLETER, E.CADRE_A_COMPLETER)))
    ).all()
    due = []
    for dossier_id, at in rows:
        day = at.date()
        if day <= today - timedelta(days=days):
            due.append(Due(dossier_id, "complements", day, 1,
                           f"Des compléments ont été demandés le {date_fr(day)} et restent sans réponse."))
    return due


def claim(due: list[Due], today: date) -> list[Due]:
    """Insert the alerts not sent yet; return those this run inserted (one statement). Public:
    a feature's own daily alerts (the comité's reminders) claim their keys here too."""
    if not due:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"dossier_id": d.dossier_id, "rule": d.rule, "reference_date": d.reference_date,
             "step": d.step, "sent_on": today} for d in due]
    inserted = db.session.execute(
        dialect.insert(AlertSent).values(rows).on_conflict_do_nothing()
        .returning(AlertSent.dossier_id, AlertSent.rule, AlertSent.reference_date, AlertSent.step)
    ).all()
    won = {tuple(row) for row in inserted}
    return [d for d in due if (d.dossier_id, d.rule, d.reference_date, d.step) in won]


def _not_superseded(due: list[Due]) -> list[Due]:
    """A step already sent (or a later one) for the same countdown: nothing new to say."""
    if not due:
        return []
    sent = dict(((d, r, ref), step) for d, r, ref, step in db.session.execute(
        select(AlertSent.dossier_id, AlertSent.rule, AlertSent.reference_date, func.max(AlertSent.step))
        .where(AlertSent.dossier_id.in_({d.dossier_id for d in due}))
        .group_by(AlertSent.dossier_id, AlertSent.rule, AlertSent.reference_date)
    ).all())
    return [d for d in due if sent.get((d.dossier_id, d.rule, d.reference_date), 0) < d.step]


RULES = {
    "echeance": ("alerte_echeance", MEMBERS, "Échéance de la convention-cadre"),
    "instruction": ("alerte_instruction", PREFECTURE, "Dossier en attente d'instruction"),
    "complements": ("alerte_complements", PORTEURS, "Compléments sans réponse"),
}


def run_alerts(today: date) -> dict[str, int]:
    """Queue today's alerts; returns how many dossiers were alerted, by rule. Flushes.

    Features above (the comité's reminders) add theirs through the `daily_alerts` signal: each
    receiver returns its own {rule: count}."""
    counts = _run_dossier_alerts(today)
    for _, extra in daily_alerts.send("alerts", today=today):
        counts.update(extra or {})
    return counts


def _run_dossier_alerts(today: date) -> dict[str, int]:
    values = settings.current_values()
    due = (due_deadlines(today, settings.SETTINGS["alertes_echeance_mois"].parse(values["alertes_echeance_mois"]))
           + due_instructions(today, settings.SETTINGS["alerte_instruction_jours"].parse(values["alerte_instruction_jours"]))
           + due_completions(today, settings.SETTINGS["alerte_complements_jours"].parse(values["alerte_complements_jours"])))
    won = claim(_not_superseded(due), today)
    if not won:
        return {rule: 0 for rule in RULES}
    dossiers = {d.id: d for d in db.session.scalars(select(Dossier).where(Dossier.id.in_({w.dossier_id for w in won})))}
    roles_needed = set().union(*(RULES[w.rule][1] for w in won))
    holders: dict[int, list[tuple[int, Role]]] = {}
    for dossier_id, user_id, role in grants_covering(list(dossiers), roles_needed):
        holders.setdefault(dossier_id, []).append((user_id, role))
    items = []
    for alert in won:
        kind, roles, title = RULES[alert.rule]
        dossier = dossiers[alert.dossier_id]
        message = Message(kind, title, path_for("dossiers.show", dossier_id=dossier.id), dossier,
                          {"message": alert.message, "deadline": alert.reference_date})
        users = sorted({user_id for user_id, role in holders.get(dossier.id, []) if role in roles})
        items += [(message, user_id) for user_id in users]
    deliver(items, bulk=True)
    return {rule: sum(1 for w in won if w.rule == rule) for rule in RULES}
