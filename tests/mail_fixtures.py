"""A real SMTP server for the tests that follow an e-mail from the outbox to the inbox.

aiosmtpd listens on 127.0.0.1 on a free port; the session-scoped app's settings point at it
for one test (monkeypatch restores them). Import the fixtures in a conftest to use them.
"""
import asyncio
import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from app.core.outbox import send_pending


class Inbox:
    """The aiosmtpd handler: keeps every envelope it receives."""

    def __init__(self):
        self.envelopes = []
        self.refused: set[str] = set()  # addresses the server answers "550 unknown user"
        self.delay = 0.0  # seconds each message takes to be accepted: a slow server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def deliver(self) -> list[EmailMessage]:
        """Run the outbox worker, as cron would, and return what it delivered."""
        before = len(self.envelopes)
        send_pending()
        return self.messages[before:]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def closed_smtp_port(app, monkeypatch) -> int:
    """Settings pointing at a port where nothing listens: every connection is refused."""
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    return port


def text_of(message: EmailMessage) -> str:
    """The plain text part, whether the message is text alone or multipart."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else None


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path (for the test client) of the first link of the text part under `path_start`."""
    body = text_of(message)
    for url in re.findall(r"https?://\S+", body):
        parts = urlsplit(url)
        if parts.path.startswith(path_start):
            return parts.path
    raise AssertionError(f"Aucun lien {path_start}… dans le courriel :\n{body}")
