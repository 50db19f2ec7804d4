"""E-mails are written to an outbox in the request's transaction and sent by a worker.

A rolled-back request therefore sends nothing, and a failing SMTP server never breaks a page.
"""
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from sqlalchemy import String, Text, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import db
from app.core.formatting import utcnow

# When, counted from its creation, a message may be tried again (index = attempts so far).
RETRY_AFTER = (
    timedelta(0), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8)
)
MAX_ATTEMPTS = len(RETRY_AFTER)


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
    try:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _due():
    """Messages to try now: a failed one waits longer after each attempt.

    The delays are counted from the message's creation, so no extra column is needed. A
    server down for an hour then costs three attempts, not all five in a few minutes.
    """
    now = utcnow()
    return or_(*(
        and_(OutboxMessage.attempts == attempts, OutboxMessage.created_at <= now - delay)
        for attempts, delay in enumerate(RETRY_AFTER)
    ))


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # Date and Message-ID: their absence is a classic spam signal.
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=_domain(sender))
    email.set_content(message.body)
    return email


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def _fail(message: OutboxMessage, error: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send what is due in the outbox; commit after each message so none goes twice.

    Returns (sent, failed). Without MAIL_SERVER (development) messages are printed instead.
    A server that cannot be reached counts as a failed attempt for the first message only:
    the others were not tried, and their attempts stay untouched.
    """
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS, _due())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0, 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    smtp = None
    if current_app.config["MAIL_SERVER"]:
        try:
            smtp = _smtp()
        except (smtplib.SMTPException, OSError) as error:
            _fail(pending[0], error)
            db.session.commit()
            return 0, 1
    sent = failed = 0
    try:
        for message in pending:
            email = _email(message, sender)
            try:
                if smtp is None:
                    print(f"--- courriel (MAIL_SERVER non défini) ---\n{email}")
                else:
                    smtp.send_message(email)
            except (smtplib.SMTPException, OSError) as error:
                _fail(message, error)
                failed += 1
            else:
                message.attempts += 1
                message.sent_at = utcnow()
                sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()  # the messages are recorded already; a rude goodbye changes nothing
    return sent, failed
