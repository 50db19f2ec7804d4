"""Invitations: an admin invites, the invitee chooses a password through the e-mailed link."""
import re
import pytest
from sqlalchemy import func, select

from app.auth import tokens
from app.auth.accounts import INVITATION_SUBJECT
from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from app.core.outbox import OutboxMessage
from tests import factories
from tests.mail_fixtures import html_of, link_in, text_of

PASSWORD = "ma phrase de passe à moi"


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


def invite(client, **fields):
    data = {"email": "nouvelle@commune-test.fr", "nom": "Nina Nouvelle", "role": "anct", **fields}
    return client.post("/admin/utilisateurs/inviter", data=data)


def open_link(client, link):
    """Follow an invitation link (a path, or a bare token): the token moves into the session
    and the browser lands on /invitation."""
    path = link if link.startswith("/") else f"/invitation/{link}"
    return client.get(path, follow_redirects=True)


def choose(client, password=PASSWORD):
    return client.post("/invitation", data={"password": password, "confirm": password})


def invited(email="nouvelle@commune-test.fr") -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_invitation_end_to_end_through_a_real_smtp_server(app, client, admin, smtp_server):
    commune = factories.commune(nom="Jonzac")
    db.session.commit()
    response = invite(client, role="commune", commune_insee=commune.insee)
    assert response.status_code == 302
    user = invited()
    assert user.password_hash is None and user.invited_by_id == admin.id
    assert [(g.role, g.commune_insee, g.granted_by_id) for g in user.grants] == [
        (Role.COMMUNE, commune.insee, admin.id)
    ]

    mails = smtp_server.deliver()
    assert [m["To"] for m in mails] == [user.email]
    assert mails[0]["Subject"] == INVITATION_SUBJECT
    body = text_of(mails[0])
    assert "Alice Admin vous invite" in body and "- Commune — Jonzac (" in body
    path = link_in(mails[0], "/invitation/")
    html = html_of(mails[0])
    assert re.findall(r"<li>.*?</li>", html, re.S) == [f"<li>Commune — Jonzac ({commune.insee})</li>"]
    assert f'href="http://jalons.test{path}"' in html and "Choisir mon mot de passe</a>" in html

    invitee = app.test_client()
    page = open_link(invitee, path).get_data(as_text=True)
    assert "Bienvenue sur Jalons" in page and user.email in page
    response = choose(invitee)
    assert response.status_code == 302 and response.location.endswith("/")
    assert invitee.get("/").status_code == 200  # logged in

    # The link has done its job: it cannot set a password a second time.
    response = open_link(app.test_client(), path)
    assert response.status_code == 400
    assert "a déjà été acceptée" in response.get_data(as_text=True)
    db.session.expire_all()
    assert invited().check_password(PASSWORD)


def test_the_invitation_token_leaves_the_url_at_the_first_visit(client):
    user = factories.user(password=None)
    db.session.commit()
    token = tokens.make_token(user, tokens.INVITATION)
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 303 and response.location == "/invitation"
    page = client.get(response.location).get_data(as_text=True)
    assert "Bienvenue sur Jalons" in page and token not in page


def test_an_expired_invitation_is_refused(app, client, monkeypatch):
    user = factories.user(password=None)
    db.session.commit()
    token = tokens.make_token(user, tokens.INVITATION)
    monkeypatch.setitem(app.config, "INVITATION_MAX_AGE", -1)
    client.get(f"/invitation/{token}")  # the token in the session, the form not opened
    response = choose(client)
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "Cette invitation a expiré" in page
    # A reset link is not a way in for an invitee (no password yet): the page must not say so.
    assert "inviter à nouveau" in page and "vous permet aussi d&#39;en choisir un" not in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


def test_an_invitation_to_a_deactivated_account_is_refused(client):
    user = factories.user(password=None, active=False)
    db.session.commit()
    response = open_link(client, tokens.make_token(user, tokens.INVITATION))
    assert response.status_code == 400 and "n&#39;est pas valide" in response.get_data(as_text=True)


def test_a_reset_link_is_not_an_invitation(client):
    user = factories.user(password=None)
    db.session.commit()
    response = open_link(client, tokens.make_token(user, tokens.RESET))
    assert response.status_code == 400 and "n&#39;est pas valide" in response.get_data(as_text=True)


def test_inviting_an_existing_address_is_a_form_error(client, admin):
    factories.user(email="deja@commune-test.fr")
    db.session.commit()
    before = db.session.scalar(select(func.count(User.id)))
    page = invite(client, email="Deja@Commune-test.fr").get_data(as_text=True)
    assert "Un compte existe déjà pour l&#39;adresse deja@commune-test.fr." in page
    assert db.session.scalar(select(func.count(User.id))) == before
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_inviting_with_a_bad_scope_creates_nothing(client, admin):
    page = invite(client, role="commune", commune_insee="99999").get_data(as_text=True)
    assert "Aucune commune n&#39;a le code INSEE 99999." in page
    assert invited() is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_an_admin_can_send_the_invitation_again(client, admin, smtp_server):
    invite(client)
    user = invited()
    smtp_server.deliver()
    response = client.post(f"/admin/utilisateurs/{user.id}/invitation")
    assert response.status_code == 302
    again = smtp_server.deliver()
    assert [m["To"] for m in again] == [user.email]
    assert "Bienvenue sur Jalons" in open_link(client, link_in(again[0], "/invitation/")).get_data(as_text=True)


def test_an_accepted_invitation_cannot_be_sent_again(client, admin):
    user = factories.user(password=PASSWORD)
    db.session.commit()
    client.post(f"/admin/utilisateurs/{user.id}/invitation")
    page = client.get(f"/admin/utilisateurs/{user.id}").get_data(as_text=True)
    assert "a déjà choisi son mot de passe" in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
