"""The outbox's tables: one row per e-mail, its attachments beside it."""
import enum
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow

# When, counted from its creation (or from an admin's retry), a message may be tried again
# (index = attempts so far). After the last one the message is "en échec".
RETRY_AFTER = (
    timedelta(0), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8)
)
MAX_ATTEMPTS = len(RETRY_AFTER)
IDEMPOTENCY_KEY_LENGTH = 200


class MessageStatus(str, enum.Enum):
    EN_ATTENTE = "en_attente"
    ENVOYE = "envoye"
    EN_ECHEC = "en_echec"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    MessageStatus.EN_ATTENTE: "En attente",
    MessageStatus.ENVOYE: "Envoyé",
    MessageStatus.EN_ECHEC: "En échec",
}


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # the plain text part, always there
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)  # extra headers: List-Unsubscribe…
    # A caller's name for "this e-mail": a second message with the same key is not queued.
    idempotency_key: Mapped[str | None] = mapped_column(
        String(IDEMPOTENCY_KEY_LENGTH), unique=True, index=True
    )
    status: Mapped[MessageStatus] = mapped_column(
        value_enum(MessageStatus, 20), default=MessageStatus.EN_ATTENTE,
        server_default=MessageStatus.EN_ATTENTE.value, index=True,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # A sender owns the message from claimed_at for a lease (OUTBOX_CLAIM_LEASE_SECONDS);
    # past it, the claim of a sender that died is taken again.
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # An admin sent a failed message back to the queue ("Réessayer"): who and when. The
    # back-off then counts from retried_at.
    retried_at: Mapped[datetime | None]
    retried_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", order_by="OutboxAttachment.id", cascade="all, delete-orphan"
    )
    # By name: the account model belongs to a feature that core does not import.
    retried_by: Mapped["User | None"] = relationship("User", foreign_keys=[retried_by_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status.value if self.status else '?'} {self.recipient}>"


class OutboxAttachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The full Content-Type, parameters included: "text/calendar; method=REQUEST".
    mime_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
