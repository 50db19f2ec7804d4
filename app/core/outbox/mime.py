"""A queued message as the MIME e-mail that goes out.

Text alone is text/plain; with an HTML part it is multipart/alternative (text first, the
clients that can show HTML pick the last part); with attachments the whole sits in a
multipart/mixed, each attachment a part of its own type and parameters.
"""
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, parseaddr

from app.core.outbox.models import OutboxMessage


def content_type(value: str):
    """A parsed Content-Type (maintype, subtype, params), or ValueError."""
    parsed = default_policy.header_factory("content-type", value or "")
    if parsed.defects or "/" not in value:
        raise ValueError(f"Type MIME invalide : {value!r}")
    return parsed


def message_id(message: OutboxMessage, domain: str) -> str:
    """The same for every attempt at one message: a client that got it before a crash (sent,
    not yet marked) recognises the second copy. The creation time keeps two databases' message
    n° 1 (a development base rebuilt) apart."""
    return f"<jalons.outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def domain_of(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # Date and Message-ID: their absence is a classic spam signal.
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = message_id(message, domain_of(sender))
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        kind = content_type(attachment.mime_type)
        params = dict(kind.params)
        if kind.maintype == "text":
            params.setdefault("charset", "utf-8")  # .ics and other text parts: UTF-8 unless told
        email.add_attachment(
            attachment.content, kind.maintype, kind.subtype,
            filename=attachment.filename, params=params,
        )
    return email
