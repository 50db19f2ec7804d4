"""Notifications (one per recipient and event), preferences, and the alerts already sent."""
import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow


class Delivery(str, enum.Enum):
    """How a user wants one kind of notification by e-mail (in-app, they always see it)."""

    IMMEDIATE = "immediat"
    DIGEST = "resume"
    OFF = "aucun"

    @property
    def label(self) -> str:
        return {"immediat": "Un courriel à chaque fois", "resume": "Dans le résumé quotidien",
                "aucun": "Pas de courriel"}[self.value]


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(50))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500))  # a path of the application
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    delivery: Mapped[Delivery] = mapped_column(value_enum(Delivery, 20))
    # Set when the daily digest that carries it is queued: a second run sends nothing again.
    digested_at: Mapped[datetime | None]

    user = relationship("User")

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        Index("ix_notification_digest", "delivery", "digested_at"),
    )


class NotificationPreference(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(value_enum(Delivery, 20))


class AlertSent(db.Model):
    """One alert of one rule for one dossier and one deadline, at one step of its countdown.

    The unique key makes `flask alerts run` idempotent, even when two runs race: the second
    insert of a key does nothing, and only the run that inserted it notifies.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    rule: Mapped[str] = mapped_column(String(30))
    # the date the countdown runs to (a deadline, a deposit…): an extension starts a new one
    reference_date: Mapped[date]
    step: Mapped[int]  # the threshold reached: the larger, the more urgent
    sent_on: Mapped[date]

    __table_args__ = (UniqueConstraint("dossier_id", "rule", "reference_date", "step"),)


class ProgrammeSetting(db.Model):
    """A setting of the programme that the ANCT edits; every change is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), index=True)
    value: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    changed_by = relationship("User")
