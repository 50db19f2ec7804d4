"""The "Envois" page: counts, the list by status, failed messages retried by an admin."""
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox import MAX_ATTEMPTS, MessageStatus, OutboxMessage, send_pending
from tests import factories
from tests.core.outbox.helpers import queue


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


def failed(app, recipient="maire@commune-test.fr", error="SMTPRecipientsRefused: 550 Destinataire inconnu"):
    message = queue(app, recipient)
    message.status, message.attempts, message.last_error = MessageStatus.EN_ECHEC, MAX_ATTEMPTS, error
    message.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    return message


def sent(app, recipient="envoye@commune-test.fr"):
    message = queue(app, recipient)
    message.status, message.attempts, message.sent_at = MessageStatus.ENVOYE, 1, utcnow()
    db.session.commit()
    return message


def reload(message) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_the_page_counts_and_lists_by_status_without_the_bodies(app, client, admin):
    failed(app, "echec@commune-test.fr", "ConnectionRefusedError: [Errno 111] Connection refused")
    sent(app)
    queue(app, "attente@commune-test.fr")
    page = client.get("/admin/envois").get_data(as_text=True)
    assert "Tous (3)" in page and "En attente (1)" in page and "Envoyé (1)" in page and "En échec (1)" in page
    assert all(a in page for a in ("echec@", "envoye@", "attente@"))
    assert "https://jalons.test/x" not in page  # a body may hold a reset link: never shown

    page = client.get("/admin/envois?statut=en_echec").get_data(as_text=True)
    assert "echec@commune-test.fr" in page and "envoye@" not in page and "attente@" not in page
    assert "Dernière erreur&nbsp;: ConnectionRefusedError: [Errno 111] Connection refused" in page
    assert f"<td>{MAX_ATTEMPTS}</td>" in page
    assert "Réessayer tous les envois en échec" in page


def test_the_admin_menu_links_to_the_page(client, admin):
    page = client.get("/admin/utilisateurs").get_data(as_text=True)
    assert 'href="/admin/envois"' in page and ">Envois<" in page


def test_the_list_costs_the_same_queries_for_3_or_30_messages(app, client, admin, count_queries):
    def retried_by_someone(prefix, n):
        for i in range(n):
            message = failed(app, f"{prefix}{i}@commune-test.fr")
            message.retried_by_id, message.retried_at = factories.user(nom=f"Admin {prefix}{i}").id, utcnow()
        db.session.commit()

    retried_by_someone("a", 3)
    with count_queries() as few:
        assert "par Admin a2" in client.get("/admin/envois").get_data(as_text=True)
    retried_by_someone("b", 27)
    with count_queries() as many:
        assert "par Admin b26" in client.get("/admin/envois").get_data(as_text=True)
    assert many.count == few.count


def test_retrying_one_message_puts_it_back_in_the_queue_and_says_who(app, client, admin, smtp_server):
    message = failed(app)
    page = client.get(f"/admin/envois/{message.id}/reessayer").get_data(as_text=True)
    assert "Réessayer le courriel n° " in page and "550 Destinataire inconnu" in page
    assert reload(message).status == MessageStatus.EN_ECHEC  # the GET only asks

    response = client.post(f"/admin/envois/{message.id}/reessayer")
    assert response.status_code == 302 and response.location.endswith("/admin/envois?statut=en_echec")
    message = reload(message)
    assert (message.status, message.attempts, message.claimed_at) == (MessageStatus.EN_ATTENTE, 0, None)
    assert message.retried_by_id == admin.id and message.retried_at is not None
    assert "est de nouveau en attente" in client.get("/admin/envois").get_data(as_text=True)

    assert send_pending() == (1, 0)  # the sender takes it again at once
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["maire@commune-test.fr"]]
    page = client.get("/admin/envois?statut=envoye").get_data(as_text=True)
    assert "Réessayé le" in page and "par Alice Admin" in page


def test_a_message_that_is_not_failed_is_not_retried(app, client, admin):
    message = sent(app)
    page = client.post(f"/admin/envois/{message.id}/reessayer", follow_redirects=True).get_data(as_text=True)
    assert "n'est pas en échec (envoyé)" in unescape(page)
    assert reload(message).status == MessageStatus.ENVOYE and reload(message).retried_at is None
    assert client.get("/admin/envois/999999/reessayer").status_code == 404


def test_retrying_all_failed_messages_leaves_the_others_alone(app, client, admin):
    failures = [failed(app, f"echec{i}@commune-test.fr") for i in range(2)]
    done = sent(app)
    page = client.get("/admin/envois/reessayer").get_data(as_text=True)
    assert "2 courriels en échec" in page

    page = client.post("/admin/envois/reessayer", follow_redirects=True).get_data(as_text=True)
    assert "2 courriels en échec de nouveau en attente" in page
    for message in failures:
        message = reload(message)
        assert (message.status, message.attempts, message.retried_by_id) == (MessageStatus.EN_ATTENTE, 0, admin.id)
    assert reload(done).status == MessageStatus.ENVOYE and reload(done).retried_at is None

    page = client.post("/admin/envois/reessayer", follow_redirects=True).get_data(as_text=True)
    assert "Aucun courriel n'était en échec." in unescape(page)


def test_a_retried_message_waits_again_between_attempts_from_the_retry(app, client, admin, closed_smtp_port):
    message = failed(app)
    client.post(f"/admin/envois/{message.id}/reessayer")
    assert send_pending() == (0, 1)  # the server is still down
    assert send_pending() == (0, 0)  # 5 minutes from the retry, not from the old creation
    assert reload(message).attempts == 1


def test_only_admins_retry(app, client, login_as):
    message = failed(app)
    login_as(Role.ANCT)
    assert client.post(f"/admin/envois/{message.id}/reessayer").status_code == 403
    assert client.post("/admin/envois/reessayer").status_code == 403
    assert reload(message).status == MessageStatus.EN_ECHEC


def test_a_post_without_the_csrf_token_changes_nothing(app, client, admin, monkeypatch):
    message = failed(app)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post(f"/admin/envois/{message.id}/reessayer")
    client.post("/admin/envois/reessayer")
    assert reload(message).status == MessageStatus.EN_ECHEC
    assert db.session.scalar(select(OutboxMessage.retried_at).where(OutboxMessage.id == message.id)) is None
