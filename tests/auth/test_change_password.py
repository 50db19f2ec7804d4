"""The current password asked by the change form is guessed no faster than at the login."""
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.auth.roles import Role
from app.auth.services import TOO_MANY
from app.core.db import db
from tests import factories

PASSWORD = "une phrase de passe solide"
NEW = "une autre phrase de passe solide"


def change(client, current):
    return client.post("/mon-compte/mot-de-passe",
                       data={"current": current, "password": NEW, "confirm": NEW})


def test_after_too_many_wrong_current_passwords_even_the_right_one_is_refused(app, client, login_as):
    user = login_as(factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD)))
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        assert "Le mot de passe actuel est incorrect." in change(client, "pas le bon").get_data(as_text=True)
    page = change(client, PASSWORD).get_data(as_text=True)
    assert "Trop de tentatives avec un mot de passe actuel incorrect. Réessayez dans 15 minutes." in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_wrong_current_passwords_count_with_the_login_failures(app, client, login_as):
    user = login_as(factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD)))
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        change(client, "pas le bon")
    attempts = db.session.scalars(select(LoginAttempt).where(LoginAttempt.email == user.email)).all()
    assert [(a.success, a.ip) for a in attempts] == [(False, "127.0.0.1")] * len(attempts)
    # The same lock as the login's: the account cannot be logged into elsewhere either.
    other = app.test_client()
    page = other.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert TOO_MANY in page.get_data(as_text=True)


def test_the_right_current_password_lifts_the_lock_of_earlier_failures(app, client, login_as):
    login_as(factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD)))
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"] - 1):
        change(client, "pas le bon")
    assert change(client, PASSWORD).status_code == 302
