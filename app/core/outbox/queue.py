"""Queuing an e-mail: rendered now (the request's context is there), written in the caller's
transaction, sent by `flask outbox send` after the commit."""
import re
from collections.abc import Iterable

from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.db import db
from app.core.outbox.mime import content_type
from app.core.outbox.models import IDEMPOTENCY_KEY_LENGTH, OutboxAttachment, OutboxMessage

# Headers the sender writes itself: a caller setting them would contradict the message.
RESERVED_HEADERS = frozenset({
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "sender", "return-path",
    "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
})
HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322: printable ASCII, no colon, no space


def queue_mail(recipient: str, subject: str, template: str, *, html_template: str | None = None,
               idempotency_key: str | None = None, headers: dict[str, str] | None = None,
               attachments: Iterable[tuple[str, str, bytes]] | None = None,
               **context) -> OutboxMessage:
    """Queue an e-mail: a text part from `template` and, with `html_template`, an HTML part
    rendered with the same context.

    `idempotency_key` names the e-mail ("alerte:dossier:12:2026-12-01"): if a message with
    that key exists, committed by anyone, it is returned and nothing is queued, even when two
    transactions queue it at once (a unique index, the insert in a savepoint). `headers` are
    added as they are (List-Unsubscribe…); `attachments` are (filename, MIME type, bytes), the
    type with its parameters: ("invitation.ics", "text/calendar; method=REQUEST", data).

    Arguments that cannot make a valid e-mail raise ValueError: they are the code's mistakes.
    """
    if idempotency_key is not None:
        _check_key(idempotency_key)
        existing = _by_key(idempotency_key)
        if existing is not None:
            return existing
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=render_template(template, **context),
        html_body=render_template(html_template, **context) if html_template else None,
        headers=_checked_headers(headers) or None,
        idempotency_key=idempotency_key,
        attachments=[_attachment(*item) for item in attachments or ()],
    )
    if idempotency_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        # Another transaction queued the same key between our look and our insert (on
        # PostgreSQL the insert waited for it to commit): its message is the one.
        existing = _by_key(idempotency_key)
        if existing is None:
            raise
        return existing
    return message


def _by_key(key: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key or len(key) > IDEMPOTENCY_KEY_LENGTH:
        raise ValueError(f"idempotency_key : une chaîne de 1 à {IDEMPOTENCY_KEY_LENGTH} caractères")


def _checked_headers(headers: dict[str, str] | None) -> dict[str, str]:
    checked = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not HEADER_NAME.match(name):
            raise ValueError(f"Nom d'en-tête invalide : {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"L'en-tête {name} est écrit par l'outbox, pas par l'appelant.")
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise ValueError(f"Valeur invalide pour l'en-tête {name} : {value!r}")
        checked[name] = value
    return checked


def _attachment(filename: str, mime_type: str, content: bytes) -> OutboxAttachment:
    if not isinstance(filename, str) or not filename.strip() or any(c in filename for c in "\r\n/\\"):
        raise ValueError(f"Nom de pièce jointe invalide : {filename!r}")
    if not isinstance(content, bytes):
        raise ValueError(f"Pièce jointe {filename} : le contenu doit être des octets (bytes).")
    content_type(mime_type)  # raises ValueError on "calendar" or "text/"
    return OutboxAttachment(filename=filename, mime_type=mime_type, content=content)
