"""`flask alerts run`: the 18-month countdown, waiting instructions, unanswered compléments;
idempotent, moved by an extension, stopped by a signature."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.db import db
from app.dossiers.echeance import add_months
from app.dossiers.models import DossierEtat as E
from app.notifications.alerts import deadline_step, run_alerts
from app.notifications.models import AlertSent, Notification
from app.workflows import history
from tests.notifications.conftest import notified

DEADLINE = date(2027, 6, 15)
MONTHS = (6, 3, 1, 0)


@pytest.mark.parametrize("today, expected", [
    (add_months(DEADLINE, -6) - timedelta(days=1), None),
    (add_months(DEADLINE, -6), 1),
    (add_months(DEADLINE, -3) - timedelta(days=1), 1),
    (add_months(DEADLINE, -3), 2),
    (add_months(DEADLINE, -1), 3),
    (DEADLINE - timedelta(days=1), 3),
    (DEADLINE, 4),
    (DEADLINE + timedelta(days=1), 4),  # overdue, less than a month: the day's alert stands
    (add_months(DEADLINE, 1), 5),
    (add_months(DEADLINE, 2) - timedelta(days=1), 5),
    (add_months(DEADLINE, 2), 6),
])
def test_the_countdown_steps(today, expected):
    step = deadline_step(DEADLINE, today, MONTHS)
    assert (step[0] if step else None) == expected


@pytest.fixture
def running(world):
    dossier = world.dossier
    dossier.etat, dossier.adhesion_signee_le, dossier.echeance_cadre = E.CADRE_REDACTION, add_months(DEADLINE, -18), DEADLINE
    db.session.flush()
    return world


def alerts_of(world):
    return db.session.scalars(select(Notification).where(Notification.dossier_id == world.dossier.id,
                                                        Notification.kind == "alerte_echeance")
                              .order_by(Notification.id)).all()


def test_three_months_before_the_members_are_alerted_once_a_day_whatever_the_runs(running):
    today = add_months(DEADLINE, -3)
    run_alerts(today)
    first = alerts_of(running)
    assert notified(running, first) == {"commune", "commune_voisine", "epci", "chef", "prefecture"}
    assert "moins de 3 mois" in first[0].body
    run_alerts(today)
    run_alerts(today + timedelta(days=1))
    assert len(alerts_of(running)) == len(first)  # nothing new until the next threshold


def test_a_first_run_late_in_the_countdown_sends_only_the_current_step(running):
    run_alerts(add_months(DEADLINE, -1))
    rows = alerts_of(running)
    assert len({n.body for n in rows}) == 1 and "moins de 1 mois" in rows[0].body
    run_alerts(add_months(DEADLINE, -1) + timedelta(days=3))
    assert len(alerts_of(running)) == len(rows)  # the 6- and 3-month steps are not sent afterwards


def test_overdue_dossiers_are_alerted_monthly(running):
    for day in (DEADLINE, add_months(DEADLINE, 1), add_months(DEADLINE, 1) + timedelta(days=10),
                add_months(DEADLINE, 2)):
        run_alerts(day)
    bodies = [n.body for n in alerts_of(running) if n.user_id == running.users["prefecture"].id]
    assert len(bodies) == 3
    assert "aujourd'hui le dernier jour" in bodies[0] and "depuis 1 mois" in bodies[1] and "depuis 2 mois" in bodies[2]


def test_an_extension_moves_the_future_alerts(running):
    run_alerts(add_months(DEADLINE, -3))
    count = len(alerts_of(running))
    running.dossier.echeance_cadre = add_months(DEADLINE, 6)
    db.session.flush()
    run_alerts(add_months(DEADLINE, -1))  # one month before the old deadline: 7 months before the new one
    assert len(alerts_of(running)) == count
    run_alerts(add_months(DEADLINE, 0))  # 6 months before the new deadline
    assert len(alerts_of(running)) > count


def test_a_signed_cadre_stops_the_alerts(running):
    running.dossier.cadre_signee_le, running.dossier.etat = add_months(DEADLINE, -4), E.MISE_EN_OEUVRE
    db.session.flush()
    run_alerts(add_months(DEADLINE, -3))
    assert alerts_of(running) == []


def test_a_dossier_waiting_for_instruction_tells_the_prefecture_after_30_days(world):
    world.dossier.etat, world.dossier.adhesion_deposee_le = E.ADHESION_DEPOSEE, date(2026, 10, 1)
    db.session.flush()
    run_alerts(date(2026, 10, 30))
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "alerte_instruction",
                                                                       Notification.dossier_id == world.dossier.id)) == 0
    run_alerts(date(2026, 10, 31))
    rows = db.session.scalars(select(Notification).where(Notification.kind == "alerte_instruction",
                                                         Notification.dossier_id == world.dossier.id)).all()
    assert notified(world, rows) == {"prefecture"} and "1 octobre 2026" in rows[0].body or "1er octobre 2026" in rows[0].body


def test_unanswered_completions_remind_the_porteurs_after_30_days(world):
    dossier = world.dossier
    dossier.etat = E.CADRE_A_COMPLETER
    history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
                   event="demander_complements_cadre", label="Demander des compléments",
                   from_state=E.CADRE_DEPOSEE, to_state=E.CADRE_A_COMPLETER, at=datetime(2026, 9, 1, 10))
    db.session.flush()
    run_alerts(date(2026, 10, 1))
    rows = db.session.scalars(select(Notification).where(Notification.kind == "alerte_complements",
                                                         Notification.dossier_id == dossier.id)).all()
    assert notified(world, rows) == {"commune", "commune_voisine", "epci", "chef"}


def test_the_number_of_statements_does_not_grow_with_the_dossiers(running, count_queries):
    from tests import factories

    def measure():
        with count_queries() as counter:
            run_alerts(add_months(DEADLINE, -3))
        return counter.count

    small = measure()
    db.session.query(AlertSent).delete()
    for _ in range(20):
        factories.dossier(etat=E.CADRE_REDACTION, adhesion_signee_le=add_months(DEADLINE, -18),
                          echeance_cadre=DEADLINE)
    db.session.flush()
    db.session.query(AlertSent).delete()
    large = measure()
    assert large <= small + 2, (small, large)


@pytest.mark.no_transaction
def test_two_runs_at_once_queue_nothing_twice(app):
    """Two `alerts run` on PostgreSQL at the same instant: each alert is claimed by one of them."""
    import threading

    from sqlalchemy import text

    from app.auth.roles import Role
    from tests import factories

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("la course entre deux transactions se joue sur PostgreSQL")
    with app.app_context():  # committed for real: the two runs have their own connections
        dep = factories.departement()
        dossiers = [factories.dossier(departement_obj=dep, etat=E.CADRE_REDACTION,
                                      adhesion_signee_le=add_months(DEADLINE, -18), echeance_cadre=DEADLINE)
                    for _ in range(5)]
        agent = factories.user_with_role(Role.PREFECTURE, departement_code=dep.code)
        ids, agent_id, email = [d.id for d in dossiers], agent.id, agent.email
        geo = {"dep": dep.code, "region": dep.region_code,
               "communes": [d.liens_communes[0].commune_insee for d in dossiers],
               "epcis": [d.epci_siren for d in dossiers]}
        db.session.commit()
    barrier, errors = threading.Barrier(2), []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                run_alerts(add_months(DEADLINE, -3))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — the test reads it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        with app.app_context():
            counts = db.session.execute(
                select(Notification.dossier_id, func.count()).where(Notification.user_id == agent_id)
                .group_by(Notification.dossier_id)).all()
            assert sorted(counts) == sorted((i, 1) for i in ids)
    finally:
        with app.app_context():
            params = {"ids": ids, "u": agent_id, "email": email, **geo}
            for statement in (
                "DELETE FROM outbox_message WHERE recipient = :email",
                "DELETE FROM notification WHERE dossier_id = ANY(:ids)",
                "DELETE FROM alert_sent WHERE dossier_id = ANY(:ids)",
                "DELETE FROM role_grant WHERE user_id = :u",
                'DELETE FROM "user" WHERE id = :u',
                "DELETE FROM dossier_commune WHERE dossier_id = ANY(:ids)",
                "DELETE FROM dossier WHERE id = ANY(:ids)",
                "DELETE FROM commune WHERE insee = ANY(:communes)",
                "DELETE FROM epci WHERE siren = ANY(:epcis)",
                "DELETE FROM departement WHERE code = :dep",
                "DELETE FROM region WHERE code = :region",
            ):
                db.session.execute(text(statement), params)
            db.session.commit()
