"""E-mails are written to an outbox in the request's transaction and sent by a worker.

A rolled-back request therefore sends nothing, and a failing SMTP server never breaks a page.
`queue_mail` (queue.py) writes a message; `send_pending` (sender.py, `flask outbox send`)
claims what is due (claims.py) and sends it; operations.py is what an admin does about it.
"""
from app.core.outbox.models import (
    MAX_ATTEMPTS, RETRY_AFTER, MessageStatus, OutboxAttachment, OutboxMessage,
)
from app.core.outbox.queue import queue_mail
from app.core.outbox.sender import send_pending

__all__ = [
    "MAX_ATTEMPTS", "RETRY_AFTER", "MessageStatus", "OutboxAttachment", "OutboxMessage",
    "queue_mail", "send_pending",
]
