"""What an operator does to the outbox: counts, and failed messages sent back to the queue.

Flush, never commit: the admin view commits. Who retried is a user id, given by the caller
(core knows accounts only by their table).
"""
from sqlalchemy import func, select, update

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import utcnow
from app.core.outbox.models import MessageStatus, OutboxMessage


def counts() -> dict[MessageStatus, int]:
    """Messages by status, every status present (0 when none), in one query."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    ).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in MessageStatus}


def _requeue(**values) -> dict:
    """Attempts start again from 0, counted from now; no claim; the last error stays visible
    until the next attempt replaces it."""
    return {"status": MessageStatus.EN_ATTENTE, "attempts": 0, "claimed_at": None,
            "claimed_by": None, "retried_at": utcnow(), **values}


def retry(message: OutboxMessage, user_id: int) -> None:
    if message.status != MessageStatus.EN_ECHEC:
        raise DomainError(
            f"Le courriel n° {message.id} n'est pas en échec ({message.status.label.lower()})\u00a0: "
            "il n'y a rien à réessayer."
        )
    for name, value in _requeue(retried_by_id=user_id).items():
        setattr(message, name, value)
    db.session.flush()


def retry_failed(user_id: int) -> int:
    """Every failed message back in the queue; returns how many."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.EN_ECHEC)
        .values(**_requeue(retried_by_id=user_id))
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
