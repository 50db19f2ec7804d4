"""Forgotten password: a neutral answer, a signed link through real SMTP, used once."""
import pytest
from sqlalchemy import func, select

from app.auth import tokens
from app.auth.accounts import MAX_RESET_MAILS_PER_HOUR, RESET_SUBJECT
from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from app.core.outbox import OutboxMessage
from tests import factories
from tests.mail_fixtures import html_of, link_in, text_of

OLD = "ancienne phrase de passe"
NEW = "nouvelle phrase de passe bien longue"
NEUTRAL = "Si un compte existe pour cette adresse, un courriel vient d"


@pytest.fixture
def agent():
    user = factories.user(email="maire@commune-test.fr", nom="Marie Maire", password=OLD)
    factories.grant(user, Role.ANCT)
    db.session.commit()
    return user


def ask_reset(client, email):
    return client.post("/mot-de-passe-oublie", data={"email": email}, follow_redirects=True)


def reset_mails(email=None) -> int:
    stmt = select(func.count(OutboxMessage.id)).where(OutboxMessage.subject == RESET_SUBJECT)
    if email:
        stmt = stmt.where(OutboxMessage.recipient == email)
    return db.session.scalar(stmt)


def login(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password})


def open_link(client, link):
    """Follow an e-mailed link (a path, or a bare token): the token moves into the session and
    the browser lands on /mot-de-passe."""
    path = link if link.startswith("/") else f"/mot-de-passe/{link}"
    return client.get(path, follow_redirects=True)


def choose(client, password, confirm=None):
    """Post the form of the page the link led to."""
    return client.post("/mot-de-passe", data={"password": password, "confirm": confirm or password})


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client, agent):
    known = ask_reset(client, agent.email).get_data(as_text=True)
    unknown = ask_reset(client, "inconnu@commune-test.fr").get_data(as_text=True)
    assert NEUTRAL in known and NEUTRAL in unknown
    assert reset_mails(agent.email) == 1
    assert reset_mails("inconnu@commune-test.fr") == 0


def test_no_mail_for_an_inactive_or_demo_account(client):
    inactive = factories.user(password=OLD, active=False)
    demo = factories.user(password=OLD, demo=True)
    db.session.commit()
    for user in (inactive, demo):
        assert NEUTRAL in ask_reset(client, user.email).get_data(as_text=True)
    assert reset_mails() == 0


def test_no_reset_link_for_a_pending_invitation(client):
    """An invitee activates the account through the invitation, within its validity: a reset
    link would bypass that expiry. The answer stays the neutral one."""
    invitee = factories.user(password=None)
    db.session.commit()
    assert NEUTRAL in ask_reset(client, invitee.email).get_data(as_text=True)
    assert reset_mails() == 0


def test_a_reset_link_cannot_set_the_first_password_of_an_invitee(client):
    invitee = factories.user(password=None)
    db.session.commit()
    open_link(client, tokens.make_token(invitee, tokens.RESET))
    assert choose(client, NEW).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, invitee.id).password_hash is None


def test_mails_per_address_are_capped_per_hour(client, agent):
    for _ in range(MAX_RESET_MAILS_PER_HOUR + 2):
        assert NEUTRAL in ask_reset(client, agent.email).get_data(as_text=True)
    assert reset_mails(agent.email) == MAX_RESET_MAILS_PER_HOUR


def test_a_malformed_address_is_a_form_error(client):
    page = client.post("/mot-de-passe-oublie", data={"email": "pas-une-adresse"}).get_data(as_text=True)
    assert "Saisissez une adresse électronique valide" in page
    assert reset_mails() == 0


def test_full_reset_through_a_real_smtp_server(client, agent, smtp_server):
    ask_reset(client, agent.email)
    delivered = smtp_server.deliver()
    assert [m["To"] for m in delivered] == [agent.email]
    mail = delivered[0]
    assert mail["Subject"] == RESET_SUBJECT
    assert "Bonjour Marie Maire" in text_of(mail)
    path = link_in(mail, "/mot-de-passe/")
    html = html_of(mail)  # the same link, as the HTML part's button
    assert "Bonjour Marie Maire" in html and f'href="http://jalons.test{path}"' in html
    assert "Choisir un nouveau mot de passe</a>" in html

    page = open_link(client, path).get_data(as_text=True)
    assert "Choisir un nouveau mot de passe" in page and agent.email in page

    response = choose(client, NEW)
    assert response.status_code == 302 and response.location.endswith("/connexion")
    assert "Adresse électronique ou mot de passe incorrect" in login(
        client, agent.email, OLD
    ).get_data(as_text=True)
    assert login(client, agent.email, NEW).status_code == 302


def test_a_used_link_is_refused_and_changes_nothing(client, agent, smtp_server):
    ask_reset(client, agent.email)
    path = link_in(smtp_server.deliver()[0], "/mot-de-passe/")
    open_link(client, path)
    choose(client, NEW)

    response = open_link(client, path)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "n&#39;est pas valide ou a déjà été utilisé" in page
    assert "/mot-de-passe-oublie" in page  # a way to ask for a new one
    third = "une troisième phrase de passe"
    client.get(path)  # the token in the session, the form not opened
    assert choose(client, third).status_code == 400
    assert login(client, agent.email, NEW).status_code == 302


def test_the_token_leaves_the_url_at_the_first_visit(client, agent):
    """Kept in the session, the token stays out of the access log (but for the first request),
    of the Referer of what the page loads, and of the browser history."""
    token = tokens.make_token(agent, tokens.RESET)
    response = client.get(f"/mot-de-passe/{token}")
    assert response.status_code == 303 and response.location == "/mot-de-passe"
    page = client.get(response.location).get_data(as_text=True)
    assert "Choisir un nouveau mot de passe" in page and token not in page


def test_a_link_dies_when_the_password_changes_another_way(client, agent):
    token = tokens.make_token(agent, tokens.RESET)
    agent.set_password("changé autrement, par exemple")
    db.session.commit()
    response = open_link(client, token)
    assert response.status_code == 400
    assert "n&#39;est pas valide ou a déjà été utilisé" in response.get_data(as_text=True)


def test_an_expired_link_is_refused_and_changes_nothing(app, client, agent, monkeypatch):
    token = tokens.make_token(agent, tokens.RESET)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = open_link(client, token)
    assert response.status_code == 410
    assert "Ce lien de réinitialisation a expiré" in response.get_data(as_text=True)
    client.get(f"/mot-de-passe/{token}")  # the token in the session, the form not opened
    assert choose(client, NEW).status_code == 410
    assert login(client, agent.email, OLD).status_code == 302


@pytest.mark.parametrize("token", ["n-importe-quoi", "eyJpZCI6MX0.Zz9z9g.abcdefabcdef"])
def test_a_forged_link_is_refused(client, agent, token):
    response = open_link(client, token)
    assert response.status_code == 400
    assert "n&#39;est pas valide" in response.get_data(as_text=True)


def test_the_form_without_a_link_is_refused(client):
    response = choose(client, NEW)
    assert response.status_code == 400
    assert "n&#39;est pas valide" in response.get_data(as_text=True)


def test_an_invitation_link_is_not_a_reset_link(client, agent):
    token = tokens.make_token(agent, tokens.INVITATION)
    response = open_link(client, token)
    assert response.status_code == 400 and "n&#39;est pas valide" in response.get_data(as_text=True)


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("court", "court", "au moins 12 caractères (il en contient 5)"),
    ("aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaa", "ne doit pas répéter un seul caractère"),
    ("maire@commune-test.fr", "maire@commune-test.fr", "ne doit pas contenir votre adresse"),
    (NEW, NEW + "!", "Les deux mots de passe ne sont pas identiques"),
])
def test_the_password_policy_speaks_french(client, agent, password, confirm, message):
    open_link(client, tokens.make_token(agent, tokens.RESET))
    page = choose(client, password, confirm)
    assert message in page.get_data(as_text=True).replace("&#39;", "'")
    assert login(client, agent.email, OLD).status_code == 302  # nothing changed


def test_a_reset_lifts_the_lock_of_too_many_failures(app, client, agent):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        login(client, agent.email, "mauvais")
    assert "Trop de tentatives" in login(client, agent.email, OLD).get_data(as_text=True)
    open_link(client, tokens.make_token(agent, tokens.RESET))
    choose(client, NEW)
    assert login(client, agent.email, NEW).status_code == 302


@pytest.fixture
def rendered_templates(app):
    from flask import template_rendered

    names = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


def test_an_unknown_address_costs_the_same_work_as_a_known_one(
    client, agent, count_queries, rendered_templates
):
    """The time of the answer must not tell who has an account: the same queries and the
    same e-mail rendered, only the INSERT of the message differs."""
    email = agent.email
    with count_queries() as known:
        client.post("/mot-de-passe-oublie", data={"email": email})
    with count_queries() as unknown:
        client.post("/mot-de-passe-oublie", data={"email": "inconnu@commune-test.fr"})
    assert reset_mails(email) == 1 and reset_mails() == 1
    assert [s for s in known.statements if not s.lstrip().upper().startswith("INSERT")] == (
        unknown.statements
    )
    assert rendered_templates == ["emails/password_reset.txt", "emails/password_reset.html"] * 2
