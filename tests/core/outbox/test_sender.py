"""The outbox sender against a real SMTP server (aiosmtpd), and against one that is down."""
import threading
from datetime import timedelta

from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox import MAX_ATTEMPTS, MessageStatus, send_pending
from tests.core.outbox.helpers import queue
from tests.mail_fixtures import text_of


def test_pending_messages_reach_the_smtp_server_once(app, smtp_server):
    first = queue(app, "a@commune-test.fr", "Jalons : premier")
    second = queue(app, "b@commune-test.fr", "Jalons : second — accentué")
    assert send_pending() == (2, 0)

    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["a@commune-test.fr"], ["b@commune-test.fr"]]
    mail = smtp_server.messages[1]
    assert mail["Subject"] == "Jalons : second — accentué"
    assert mail["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert mail["Date"] and mail["Message-ID"]
    assert "Bonjour Marie Maire" in text_of(mail)
    for message in (first, second):
        db.session.refresh(message)
        assert message.status == MessageStatus.ENVOYE
        assert message.sent_at is not None and message.attempts == 1
        assert message.claimed_at is None and message.claimed_by is None

    assert send_pending() == (0, 0)  # nothing goes twice
    assert len(smtp_server.envelopes) == 2


def test_an_unreachable_server_leaves_the_message_unsent_with_the_error(app, closed_smtp_port):
    message = queue(app)
    assert send_pending() == (0, 1)
    db.session.refresh(message)
    assert message.sent_at is None and message.status == MessageStatus.EN_ATTENTE
    assert message.attempts == 1 and message.claimed_at is None
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error


def test_while_the_server_is_down_every_message_counts_an_attempt_then_each_arrives_once(
    app, monkeypatch, closed_smtp_port, smtp_server
):
    working_port = app.config["MAIL_PORT"]  # smtp_server came last
    messages = [queue(app, f"agent{i}@commune-test.fr") for i in range(3)]
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_smtp_port)
    assert send_pending() == (0, 3)
    for message in messages:
        db.session.refresh(message)
        assert (message.status, message.attempts, message.sent_at) == (MessageStatus.EN_ATTENTE, 1, None)

    monkeypatch.setitem(app.config, "MAIL_PORT", working_port)
    assert send_pending() == (0, 0)  # each waits its delay before the second attempt
    for message in messages:
        message.created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert send_pending() == (3, 0)
    assert send_pending(ignore_backoff=True) == (0, 0)
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "agent0@commune-test.fr", "agent1@commune-test.fr", "agent2@commune-test.fr"
    ]


def test_a_failed_message_waits_before_the_next_attempt(app, closed_smtp_port, smtp_server):
    message = queue(app)
    message.attempts, message.last_error = 1, "ConnectionRefusedError: refusé"
    db.session.commit()
    assert send_pending() == (0, 0)  # too early for a second try

    message.created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert send_pending() == (1, 0)
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 2


def test_now_sends_a_message_still_waiting_its_delay(app, runner, smtp_server):
    message = queue(app)
    message.attempts = 2  # the next attempt is 2 hours after its creation
    db.session.commit()
    assert runner.invoke(args=["outbox", "send"]).output == ""
    assert smtp_server.envelopes == []

    result = runner.invoke(args=["outbox", "send", "--now"])
    assert result.exit_code == 0, result.output
    assert "1 courriel(s) envoyé(s), 0 en échec." in result.output
    assert len(smtp_server.envelopes) == 1
    db.session.refresh(message)
    assert message.status == MessageStatus.ENVOYE and message.attempts == 3


def test_the_last_failed_attempt_leaves_the_message_en_echec_and_untried(app, closed_smtp_port):
    message = queue(app)
    message.attempts = MAX_ATTEMPTS - 1
    message.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert send_pending() == (0, 1)
    db.session.refresh(message)
    assert message.status == MessageStatus.EN_ECHEC and message.attempts == MAX_ATTEMPTS
    assert send_pending(ignore_backoff=True) == (0, 0)  # --now does not retry what failed


def test_a_refused_recipient_fails_alone(app, smtp_server):
    smtp_server.refused.add("inconnu@commune-test.fr")
    bad = queue(app, "inconnu@commune-test.fr")
    good = queue(app, "b@commune-test.fr")
    assert send_pending() == (1, 1)
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.sent_at is None and bad.attempts == 1 and "Destinataire inconnu" in bad.last_error
    assert good.sent_at is not None


def test_a_claim_is_left_alone_during_its_lease_and_taken_again_after_it(app, smtp_server):
    """A sender killed after claiming: its message goes out once, after the lease, not before."""
    message = queue(app)
    lease = timedelta(seconds=app.config["OUTBOX_CLAIM_LEASE_SECONDS"])
    assert lease == timedelta(minutes=10)
    message.claimed_by, message.claimed_at = "hote:1234:mort", utcnow() - lease + timedelta(minutes=1)
    db.session.commit()
    assert send_pending(ignore_backoff=True) == (0, 0)
    assert smtp_server.envelopes == []

    message.claimed_at = utcnow() - lease - timedelta(seconds=1)
    db.session.commit()
    assert send_pending() == (1, 0)
    assert send_pending(ignore_backoff=True) == (0, 0)
    assert len(smtp_server.envelopes) == 1
    db.session.refresh(message)
    assert message.status == MessageStatus.ENVOYE and message.claimed_by is None


def test_a_batch_stops_at_half_the_lease_and_gives_back_what_it_did_not_try(app, monkeypatch, smtp_server):
    messages = [queue(app, f"agent{i}@commune-test.fr") for i in range(2)]
    monkeypatch.setitem(app.config, "OUTBOX_CLAIM_LEASE_SECONDS", 0)  # already past the half
    assert send_pending() == (0, 0)
    assert smtp_server.envelopes == []
    for message in messages:
        db.session.refresh(message)
        assert message.claimed_by is None and message.attempts == 0  # released, not counted

    monkeypatch.setitem(app.config, "OUTBOX_CLAIM_LEASE_SECONDS", 600)
    assert send_pending() == (2, 0)


def test_a_stop_request_ends_the_batch_and_releases_the_claims(app, smtp_server):
    message = queue(app)
    stop = threading.Event()
    stop.set()
    assert send_pending(stop=stop) == (0, 0)
    db.session.refresh(message)
    assert message.claimed_by is None and message.status == MessageStatus.EN_ATTENTE
    assert send_pending() == (1, 0)


def test_a_resend_after_a_crash_mid_send_keeps_the_message_id(app, smtp_server):
    """Sent, then the sender died before recording it: the second copy is recognisable."""
    message = queue(app)
    assert send_pending() == (1, 0)
    message.status, message.sent_at, message.attempts = MessageStatus.EN_ATTENTE, None, 0
    db.session.commit()
    assert send_pending() == (1, 0)
    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<jalons.outbox.{message.id}.")
    other = queue(app, "b@commune-test.fr")
    assert send_pending() == (1, 0)
    assert smtp_server.messages[2]["Message-ID"] != first["Message-ID"]
    assert other.id != message.id


def test_the_command_sends_the_outbox(app, runner, smtp_server):
    queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 courriel(s) envoyé(s), 0 en échec." in result.output
    assert len(smtp_server.envelopes) == 1
