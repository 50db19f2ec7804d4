"""Senders and queuers at once, each with its own connection and real transactions."""
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.db import db
from app.core.outbox import MessageStatus, OutboxMessage, send_pending
from app.core.outbox.claims import claim, new_sender_id
from tests.core.outbox.helpers import queue

pytestmark = pytest.mark.no_transaction
DOMAIN = "course-test.fr"


def postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SKIP LOCKED et l'attente sur l'index unique se jouent sur PostgreSQL")


@pytest.fixture
def committed(app):
    """Messages committed for real, removed afterwards; yields a function that queues n."""

    def make(n, **options):
        with app.app_context():
            ids = [queue(app, f"agent{i}@{DOMAIN}", **options).id for i in range(n)]
            db.session.remove()
        return ids

    yield make
    with app.app_context():
        db.session.execute(text("DELETE FROM outbox_message WHERE recipient LIKE :d"), {"d": f"%@{DOMAIN}"})
        db.session.commit()


def statuses(app) -> dict:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).where(OutboxMessage.recipient.like(f"%@{DOMAIN}"))
            .group_by(OutboxMessage.status)
        ).all()
        db.session.remove()
    return dict(rows)


class Sender(threading.Thread):
    """`flask outbox send` in small batches until there is nothing left for it."""

    def __init__(self, app, start_together):
        super().__init__(daemon=True)
        self.app, self.start_together = app, start_together
        self.sent, self.error = 0, None

    def run(self):
        with self.app.app_context():
            try:
                self.start_together.wait(10)
                while True:
                    sent, failed = send_pending(limit=5)
                    self.sent += sent
                    if not sent and not failed:
                        break
            except Exception as error:  # noqa: BLE001 — the test reads it
                self.error = error
            finally:
                db.session.remove()


def test_two_senders_started_at_once_send_each_message_exactly_once(app, committed, smtp_server):
    """On PostgreSQL the claims skip each other's locked rows; on SQLite one claim waits for
    the other's. Either way no message is claimed twice."""
    committed(40)
    smtp_server.delay = 0.01  # each batch takes a while: the senders overlap
    start_together = threading.Barrier(2)
    senders = [Sender(app, start_together) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(60)
    assert [s.error for s in senders] == [None, None]
    recipients = [e.rcpt_tos[0] for e in smtp_server.envelopes]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    assert sorted(s.sent for s in senders)[0] > 0  # both took part
    assert sum(s.sent for s in senders) == 40
    assert statuses(app) == {MessageStatus.ENVOYE: 40}


def test_a_claim_in_progress_is_skipped_not_waited_for(app, committed):
    postgresql_only(app)
    ids = committed(10)
    with app.app_context():
        other = Session(db.engine)
        try:
            locked = other.scalars(
                select(OutboxMessage.id).order_by(OutboxMessage.id).where(OutboxMessage.id.in_(ids))
                .limit(4).with_for_update()
            ).all()
            # Waiting for those locks would fail within a second instead of hanging the test.
            db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
            _, claimed = claim(new_sender_id(), 100, ignore_backoff=True)
            assert set(claimed) == set(ids) - set(locked)
        finally:
            other.rollback()
            other.close()
            db.session.remove()


def test_two_transactions_queuing_the_same_key_make_one_message(app, committed):
    """The second insert waits on the unique index for the first transaction, then finds its
    message: no error reaches the caller, one message in the outbox."""
    postgresql_only(app)
    acted, release = threading.Event(), threading.Event()
    results = {}

    def queuer(name, hold):
        with app.app_context():
            try:
                message = queue(app, f"{name}@{DOMAIN}", commit=False, idempotency_key=f"cle:{DOMAIN}")
                acted.set()
                if hold:
                    release.wait(10)
                db.session.commit()
                results[name] = message.id
            except Exception as error:  # noqa: BLE001 — the test reads it
                results[name] = error
            finally:
                acted.set()
                db.session.remove()

    first = threading.Thread(target=queuer, args=("premier", True), daemon=True)
    first.start()
    assert acted.wait(10)
    second = threading.Thread(target=queuer, args=("second", False), daemon=True)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting on the first one's row in the unique index
    release.set()
    first.join(10)
    second.join(10)
    assert isinstance(results["premier"], int) and results["second"] == results["premier"]
    with app.app_context():
        keys = db.session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key == f"cle:{DOMAIN}")
        )
        db.session.remove()
    assert keys == 1
