"""Which sender sends which message: a claim, committed before anything is sent.

Two senders started at once (cron overlapping a slow run, two hosts, a worker and a manual
`flask outbox send`) never claim the same message, so none goes twice. A sender that dies
after claiming leaves its claim behind; past the lease (OUTBOX_CLAIM_LEASE_SECONDS) another
sender takes it again.
"""
import os
import secrets
import socket
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox.models import RETRY_AFTER, MessageStatus, OutboxMessage


def new_sender_id() -> str:
    """Host, process and a random part: unique per run, and it says where a claim came from."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"[:64]


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_LEASE_SECONDS"])


def due(now: datetime):
    """A failed message waits longer after each attempt.

    The delays count from the message's creation (or from an admin's retry), so a server down
    for an hour costs three attempts, not all five in a few minutes.
    """
    start = func.coalesce(OutboxMessage.retried_at, OutboxMessage.created_at)
    return or_(*(
        and_(OutboxMessage.attempts == attempts, start <= now - delay)
        for attempts, delay in enumerate(RETRY_AFTER)
    ))


def _claimable(now: datetime, ignore_backoff: bool):
    conditions = [
        OutboxMessage.status == MessageStatus.EN_ATTENTE,
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - lease()),
    ]
    if not ignore_backoff:
        conditions.append(due(now))
    return and_(*conditions)


def claim(sender_id: str, limit: int, ignore_backoff: bool = False) -> tuple[datetime, list[int]]:
    """Claim up to `limit` messages for `sender_id` and commit; returns (claim time, their ids).

    PostgreSQL: the rows are locked with SKIP LOCKED, so a concurrent sender passes over them
    instead of waiting, then stamped. SQLite has one writer at a time: a single UPDATE chooses
    and stamps in its own short transaction, and the ids are read back by the sender's name.
    """
    now = utcnow()
    stamp = update(OutboxMessage).values(claimed_at=now, claimed_by=sender_id).execution_options(
        synchronize_session=False
    )
    chosen = select(OutboxMessage.id).where(_claimable(now, ignore_backoff)).order_by(OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(chosen.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(stamp.where(OutboxMessage.id.in_(ids)))
    else:
        db.session.execute(stamp.where(OutboxMessage.id.in_(chosen.scalar_subquery())))
    db.session.commit()
    claimed = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.claimed_by == sender_id, OutboxMessage.status == MessageStatus.EN_ATTENTE)
        .order_by(OutboxMessage.id)
    ).all()
    return now, list(claimed)


def release(sender_id: str) -> None:
    """Give back what this sender claimed and did not try (a batch cut short)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.claimed_by == sender_id)
        .values(claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
