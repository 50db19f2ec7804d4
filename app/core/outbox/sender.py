"""Sending what is claimed: one SMTP connection per batch, one commit per message."""
import smtplib
import threading

from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox.claims import claim, lease, new_sender_id, release
from app.core.outbox.mime import build_email
from app.core.outbox.models import MAX_ATTEMPTS, MessageStatus, OutboxMessage


def send_pending(limit: int = 100, *, ignore_backoff: bool = False,
                 stop: threading.Event | None = None) -> tuple[int, int]:
    """Claim what is due, send it, mark each message; returns (sent, failed attempts).

    `ignore_backoff` (`flask outbox send --now`) takes every message waiting, whatever its
    delay before the next attempt; a message "en échec" stays so until an admin retries it.
    Without MAIL_SERVER (development) messages are printed instead of sent. `stop` (the
    worker's, set by SIGTERM) ends the batch after the message being sent.
    """
    sender_id = new_sender_id()
    claimed_at, ids = claim(sender_id, limit, ignore_backoff)
    if not ids:
        return 0, 0
    try:
        return _send(sender_id, claimed_at, ids, stop)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        release(sender_id)  # what was claimed and not tried goes back to the queue


def _send(sender_id: str, claimed_at, ids: list[int], stop) -> tuple[int, int]:
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .options(selectinload(OutboxMessage.attachments)).order_by(OutboxMessage.id)
    ).all()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    emails = [(message.id, build_email(message, sender)) for message in messages]
    # End the read: on SQLite a transaction that read before writing cannot wait for another
    # writer's lock (its snapshot is stale), so every write below starts a transaction.
    db.session.commit()
    smtp = None
    if current_app.config["MAIL_SERVER"]:
        try:
            smtp = _smtp()
        except (smtplib.SMTPException, OSError) as error:
            # Every message claimed was tried: each counts the attempt and waits its delay.
            for message_id, _ in emails:
                _record_failure(message_id, sender_id, error)
            db.session.commit()
            return 0, len(emails)
    # Stop well before the lease ends, so that no other sender takes a message this one is
    # still about to send; the rest is released and goes in the next run.
    deadline = claimed_at + lease() / 2
    sent = failed = 0
    try:
        for message_id, email in emails:
            if utcnow() > deadline or (stop is not None and stop.is_set()):
                break
            try:
                if smtp is None:
                    print(f"--- courriel (MAIL_SERVER non défini) ---\n{email}")
                else:
                    smtp.send_message(email)
            except (smtplib.SMTPException, OSError) as error:
                _record_failure(message_id, sender_id, error)
                failed += 1
                db.session.commit()
                if _connection_lost(error):
                    break  # the others were not tried: released, their attempts untouched
            else:
                _record_sent(message_id, sender_id)
                sent += 1
                db.session.commit()
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()  # the messages are recorded already; a rude goodbye changes nothing
    return sent, failed


def _connection_lost(error: Exception) -> bool:
    """A refused recipient fails one message; a dropped connection fails the batch."""
    return isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException)


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


def _mark(message_id: int, sender_id: str, **values) -> None:
    """Write the outcome and end the claim, if the claim is still this sender's."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == sender_id)
        .values(claimed_at=None, claimed_by=None, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current_app.logger.warning(
            "Courriel %s : la réservation de %s a été reprise par un autre envoyeur.", message_id, sender_id
        )


def _record_sent(message_id: int, sender_id: str) -> None:
    _mark(message_id, sender_id, status=MessageStatus.ENVOYE.value, sent_at=utcnow(),
          attempts=OutboxMessage.attempts + 1)


def _record_failure(message_id: int, sender_id: str, error: Exception) -> None:
    attempts = OutboxMessage.attempts + 1
    _mark(
        message_id, sender_id,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:500],
        status=case((attempts >= MAX_ATTEMPTS, MessageStatus.EN_ECHEC.value),
                    else_=MessageStatus.EN_ATTENTE.value),
    )
