"""queue_mail: what a caller asks for is what arrives (parsed with the email package)."""
from unittest import mock

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.core.db import db
from app.core.outbox import OutboxMessage, send_pending
from app.core.outbox import queue as outbox_queue
from tests.core.outbox.helpers import queue
from tests.mail_fixtures import html_of, text_of

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Jalons//FR\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:comite-12@jalons.test\r\nSUMMARY:Comité de projet — Jonzac\r\n"
    "DTSTART:20270115T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://jalons.test/mon-compte/notifications>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def count(**where) -> int:
    stmt = select(func.count(OutboxMessage.id))
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return db.session.scalar(stmt)


def test_html_and_text_parts_headers_and_a_calendar_invitation_arrive(app, smtp_server):
    queue(app, "maire@commune-test.fr", "Jalons : comité de projet",
          html_template="emails/password_reset.html", headers=UNSUBSCRIBE,
          attachments=[("invitation.ics", "text/calendar; method=REQUEST", ICS)])
    assert send_pending() == (1, 0)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["maire@commune-test.fr"]
    [mail] = smtp_server.messages
    assert mail["To"] == "maire@commune-test.fr" and mail["Subject"] == "Jalons : comité de projet"
    assert mail["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_content_type() == "multipart/mixed"
    alternative, calendar = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert "Bonjour Marie Maire" in text_of(mail) and "<html" not in text_of(mail)
    html = html_of(mail)
    assert html.startswith("<!DOCTYPE html>") and "Bonjour Marie Maire" in html
    assert 'href="https://jalons.test/x"' in html and "<style" not in html and "<img" not in html

    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "invitation.ics"
    assert calendar.get_content_disposition() == "attachment"
    assert calendar.get_payload(decode=True) == ICS


def test_a_message_without_html_is_plain_text_as_before(app, smtp_server):
    queue(app)
    send_pending()
    [mail] = smtp_server.messages
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert "Bonjour Marie Maire" in mail.get_content()


def test_other_attachments_keep_their_type(app, smtp_server):
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    queue(app, attachments=[("convention.pdf", "application/pdf", pdf)])
    send_pending()
    [mail] = smtp_server.messages
    [_, attachment] = mail.iter_parts()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "convention.pdf"
    assert attachment.get_payload(decode=True) == pdf


def test_a_second_queue_with_the_same_key_returns_the_first_and_queues_nothing(app, smtp_server):
    first = queue(app, idempotency_key="alerte:dossier:12:2026-12-01")
    again = queue(app, "autre@commune-test.fr", idempotency_key="alerte:dossier:12:2026-12-01")
    assert again.id == first.id and again.recipient == "maire@commune-test.fr"
    assert count() == 1
    other = queue(app, idempotency_key="alerte:dossier:13:2026-12-01")
    assert other.id != first.id and count() == 2
    assert send_pending() == (2, 0)
    assert queue(app, idempotency_key="alerte:dossier:12:2026-12-01").id == first.id  # even sent
    assert send_pending() == (0, 0)
    assert len(smtp_server.envelopes) == 2


def test_a_key_queued_by_another_transaction_meanwhile_is_not_an_error(app):
    """The race's end seen from the loser: the look found nothing, the unique index refuses
    the insert; the savepoint keeps the rest of the transaction, and the winner's message is
    returned."""
    from tests import factories

    winner = queue(app, idempotency_key="rappel:7")
    user = factories.user(nom="Écrit avant, dans la même transaction")
    with mock.patch.object(outbox_queue, "_by_key", side_effect=[None, winner]):
        loser = queue(app, "autre@commune-test.fr", commit=False, idempotency_key="rappel:7")
    assert loser is winner
    db.session.commit()
    assert count(idempotency_key="rappel:7") == 1
    assert db.session.get(User, user.id).nom == "Écrit avant, dans la même transaction"


@pytest.mark.parametrize("options, error", [
    ({"idempotency_key": "x" * 201}, "idempotency_key"),
    ({"idempotency_key": ""}, "idempotency_key"),
    ({"headers": {"Subject": "autre"}}, "écrit par l'outbox"),
    ({"headers": {"Message-ID": "<x@y>"}}, "écrit par l'outbox"),
    ({"headers": {"X-Jalons": "a\r\nBcc: espion@exemple.fr"}}, "Valeur invalide"),
    ({"headers": {"X Jalons": "a"}}, "Nom d'en-tête invalide"),
    ({"attachments": [("invitation.ics", "calendar", ICS)]}, "Type MIME invalide"),
    ({"attachments": [("../invitation.ics", "text/calendar", ICS)]}, "Nom de pièce jointe"),
    ({"attachments": [("invitation.ics", "text/calendar", ICS.decode())]}, "octets"),
])
def test_arguments_that_cannot_make_a_valid_email_are_refused(app, options, error):
    with pytest.raises(ValueError, match=error):
        queue(app, commit=False, **options)
    assert count() == 0
