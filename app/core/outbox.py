"""E-mails are written to an outbox in the request's transaction and sent by a worker.

A rolled-back request therefore sends nothing, and a failing SMTP server never breaks a page.
"""
import smtplib
from datetime import datetime
from email.message import EmailMessage

from flask import current_app, render_template
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import db
from app.core.formatting import utcnow

MAX_ATTEMPTS = 5


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def queue_mail(recipient: str, subject: str, template: str, **context) -> OutboxMessage:
    """Render a text e-mail now (the request context is there) and queue it."""
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=render_template(template, **context),
    )
    db.session.add(message)
    db.session.flush()
    return message


def _smtp():
    cfg = current_app.config
    cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30)
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    return smtp


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send what waits in the outbox; commit after each message so none goes twice.

    Returns (sent, failed). Without MAIL_SERVER (development) messages are printed instead.
    """
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0, 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sent = failed = 0
    smtp = _smtp() if current_app.config["MAIL_SERVER"] else None
    try:
        for message in pending:
            email = EmailMessage()
            email["From"] = sender
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                if smtp is None:
                    print(f"--- courriel (MAIL_SERVER non défini) ---\n{email}")
                else:
                    smtp.send_message(email)
            except (smtplib.SMTPException, OSError) as error:
                message.last_error = str(error)[:500]
                failed += 1
            else:
                message.sent_at = utcnow()
                sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            smtp.quit()
    return sent, failed
