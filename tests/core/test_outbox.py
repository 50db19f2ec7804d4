"""The outbox worker against a real SMTP server (aiosmtpd), and against one that is down."""
from datetime import timedelta

from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox import MAX_ATTEMPTS, OutboxMessage, queue_mail, send_pending


def queue(app, recipient="maire@commune-test.fr", subject="Jalons : essai") -> OutboxMessage:
    with app.test_request_context():
        message = queue_mail(
            recipient, subject, "emails/password_reset.txt",
            user={"nom": "Marie Maire", "email": recipient},
            url="https://jalons.test/x", validity="2 heures",
        )
    db.session.commit()
    return message


def test_pending_messages_reach_the_smtp_server_once(app, smtp_server):
    first = queue(app, "a@commune-test.fr", "Jalons : premier")
    second = queue(app, "b@commune-test.fr", "Jalons : second — accentué")
    assert send_pending() == (2, 0)

    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["a@commune-test.fr"], ["b@commune-test.fr"]]
    mail = smtp_server.messages[1]
    assert mail["Subject"] == "Jalons : second — accentué"
    assert mail["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert mail["Date"] and mail["Message-ID"]
    assert "Bonjour Marie Maire" in mail.get_content()
    for message in (first, second):
        db.session.refresh(message)
        assert message.sent_at is not None and message.attempts == 1

    assert send_pending() == (0, 0)  # nothing goes twice
    assert len(smtp_server.envelopes) == 2


def test_an_unreachable_server_leaves_the_message_unsent_with_the_error(app, closed_smtp_port):
    message = queue(app)
    assert send_pending() == (0, 1)
    db.session.refresh(message)
    assert message.sent_at is None
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error


def test_a_failed_message_waits_before_the_next_attempt(app, closed_smtp_port, smtp_server):
    # smtp_server came last: the settings point at the working server now.
    message = queue(app)
    message.attempts, message.last_error = 1, "ConnectionRefusedError: refusé"
    db.session.commit()
    assert send_pending() == (0, 0)  # too early for a second try

    message.created_at = utcnow() - timedelta(minutes=6)
    db.session.commit()
    assert send_pending() == (1, 0)
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 2


def test_a_message_that_failed_too_often_is_no_longer_tried(app, smtp_server):
    message = queue(app)
    message.attempts = MAX_ATTEMPTS
    message.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert send_pending() == (0, 0)
    assert smtp_server.envelopes == []


def test_a_refused_recipient_fails_alone(app, smtp_server):
    smtp_server.refused.add("inconnu@commune-test.fr")
    bad = queue(app, "inconnu@commune-test.fr")
    good = queue(app, "b@commune-test.fr")
    assert send_pending() == (1, 1)
    db.session.refresh(bad)
    db.session.refresh(good)
    assert bad.sent_at is None and bad.attempts == 1 and "Destinataire inconnu" in bad.last_error
    assert good.sent_at is not None


def test_the_command_sends_the_outbox(app, runner, smtp_server):
    queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 courriel(s) envoyé(s), 0 en échec." in result.output
    assert len(smtp_server.envelopes) == 1
