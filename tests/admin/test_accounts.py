"""Deactivating and reactivating accounts."""
import pytest

from app.auth.models import User
from app.auth.roles import Role
from app.core.db import db
from tests import factories

PASSWORD = "une phrase de passe solide"


@pytest.fixture
def admin(login_as):
    return login_as(factories.user_with_role(Role.ADMIN, factories.user(nom="Alice Admin")))


def reload(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(app, client, admin):
    agent = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD))
    db.session.commit()
    browser = app.test_client()
    browser.post("/connexion", data={"email": agent.email, "password": PASSWORD})
    assert browser.get("/").status_code == 200

    assert client.post(f"/admin/utilisateurs/{agent.id}/desactiver").status_code == 302
    assert reload(agent).active is False
    assert browser.get("/").status_code == 302
    page = browser.post("/connexion", data={"email": agent.email, "password": PASSWORD})
    assert "Adresse électronique ou mot de passe incorrect" in page.get_data(as_text=True)

    assert client.post(f"/admin/utilisateurs/{agent.id}/reactiver").status_code == 302
    assert reload(agent).active is True
    assert browser.get("/").status_code == 302  # the old session stays closed
    response = browser.post("/connexion", data={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 302


def test_an_admin_cannot_deactivate_their_own_account(client, admin):
    page = client.post(f"/admin/utilisateurs/{admin.id}/desactiver", follow_redirects=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in page.get_data(as_text=True)
    assert reload(admin).active is True


def test_the_user_page_offers_the_actions_that_apply(client, admin):
    invited = factories.user(password=None)
    inactive = factories.user(password=PASSWORD, active=False)
    db.session.commit()
    page = client.get(f"/admin/utilisateurs/{invited.id}").get_data(as_text=True)
    assert "Invitation en attente" in page and "Renvoyer l'invitation" in page
    assert "Désactiver le compte" in page
    page = client.get(f"/admin/utilisateurs/{inactive.id}").get_data(as_text=True)
    assert "Réactiver le compte" in page and "Renvoyer" not in page
    own = client.get(f"/admin/utilisateurs/{admin.id}").get_data(as_text=True)
    assert "Désactiver le compte" not in own


def test_the_messages_elide_de_before_a_vowel(client, admin):
    agent = factories.user(nom="Agent Dupont", password=PASSWORD)
    bernard = factories.user(nom="Bernard Martin", password=PASSWORD)
    db.session.commit()
    page = client.post(f"/admin/utilisateurs/{agent.id}/desactiver", follow_redirects=True)
    assert "Le compte d&#39;Agent Dupont est désactivé." in page.get_data(as_text=True)
    page = client.post(f"/admin/utilisateurs/{agent.id}/desactiver", follow_redirects=True)
    assert "Le compte d&#39;Agent Dupont est déjà désactivé." in page.get_data(as_text=True)
    page = client.post(f"/admin/utilisateurs/{bernard.id}/desactiver", follow_redirects=True)
    assert "Le compte de Bernard Martin est désactivé." in page.get_data(as_text=True)
