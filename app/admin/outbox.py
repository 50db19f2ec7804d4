"""The "Envois" page: what the outbox holds and the failed messages sent back to it.

The messages' bodies are never shown: a reset or invitation link is a key to an account.
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.core.outbox import MessageStatus, OutboxMessage
from app.core.outbox import operations

STATUTS = {status.value: status for status in MessageStatus}


def messages_query(statut: str = ""):
    """Newest first, filtered by a status value ("en_echec"…); anything else lists them all."""
    stmt = select(OutboxMessage).options(joinedload(OutboxMessage.retried_by))
    if statut in STATUTS:
        stmt = stmt.where(OutboxMessage.status == STATUTS[statut])
    return stmt.order_by(OutboxMessage.id.desc())


def counts() -> dict[MessageStatus, int]:
    return operations.counts()


def retry_message(message: OutboxMessage, admin: User) -> None:
    operations.retry(message, admin.id)


def retry_failed(admin: User) -> int:
    return operations.retry_failed(admin.id)
