"""Session cookies, server-side sessions (logout, expiry, password change) and CSRF."""
import re
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from app import create_app
from app.auth import tokens
from app.auth.models import UserSession
from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import utcnow
from tests import factories

PASSWORD = "une phrase de passe solide"
NEW = "une autre phrase de passe solide"


def session_cookie(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert headers, "la réponse ne pose pas de cookie de session"
    return headers[-1]


def cookie_flags(header: str) -> dict:
    morsel = SimpleCookie(header)["session"]
    return {"httponly": bool(morsel["httponly"]), "secure": bool(morsel["secure"]),
            "samesite": morsel["samesite"]}


def test_session_cookie_is_httponly_and_samesite(client):
    user = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD))
    db.session.commit()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    flags = cookie_flags(session_cookie(response))
    assert flags["httponly"] and flags["samesite"] == "Lax"
    assert not flags["secure"]  # the test settings are the development ones: plain http


def test_in_production_the_session_cookie_is_also_secure(tmp_path, monkeypatch):
    monkeypatch.delenv("JALONS_ENV", raising=False)
    prod = create_app({
        "JALONS_ENV": "production",
        "SECRET_KEY": "un secret de production pour le test",
        "AUDIT_KEYS": "2026:une clé d'audit de production pour le test",
        "BASE_URL": "https://jalons.example",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite3",
    })
    # The login page puts the CSRF token in the session: that is enough to see the cookie.
    response = prod.test_client().get("/connexion", base_url="https://jalons.example")
    flags = cookie_flags(session_cookie(response))
    assert flags == {"httponly": True, "secure": True, "samesite": "Lax"}
    assert prod.config["REMEMBER_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_HTTPONLY"]


def test_csrf_token_is_required_when_csrf_is_on(tmp_path, app):
    strict = create_app({
        "JALONS_ENV": "test",
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/csrf.sqlite3",
    })
    client = strict.test_client()
    for url, data in [
        ("/connexion", {"email": "a@b.fr", "password": "x"}),
        ("/mot-de-passe-oublie", {"email": "a@b.fr"}),
        ("/admin/utilisateurs/inviter", {"email": "a@b.fr", "nom": "A", "role": "anct"}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "Demande non valide" in response.get_data(as_text=True)  # in French, in DSFR


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, client):
    user = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD))
    db.session.commit()
    other = app.test_client()  # another browser, logged in too
    for browser in (client, other):
        response = browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert browser.get("/").status_code == 200

    response = client.post("/mon-compte/mot-de-passe",
                           data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302 and "/connexion" in other.get("/").location
    assert other.post("/connexion", data={"email": user.email, "password": NEW}).status_code == 302


def test_changing_the_password_needs_the_current_one(client, login_as):
    user = login_as(factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD)))
    page = client.post("/mon-compte/mot-de-passe",
                       data={"current": "pas le bon", "password": NEW, "confirm": NEW})
    assert "Le mot de passe actuel est incorrect." in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_deactivated_account_loses_its_open_session(client, login_as):
    user = login_as(factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD)))
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


# --- server-side sessions -------------------------------------------------------------------

HOST = "jalons.test"  # the test settings' SERVER_NAME: the cookies' domain


@pytest.fixture
def agent():
    user = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD))
    db.session.commit()
    return user


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock for the sessions: `clock.advance(seconds=…)` moves it on."""
    from app.auth import sessions

    class Clock:
        now = utcnow()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(sessions, "utcnow", lambda: frozen.now)
    return frozen


def log_in(client, user, password=PASSWORD, **data):
    response = client.post("/connexion", data={"email": user.email, "password": password, **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def is_logged_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_session_cookie_saved_before_logout_is_refused_after(client, agent):
    log_in(client, agent)
    saved = client.get_cookie("session", domain=HOST).value
    client.post("/deconnexion")
    assert not is_logged_in(client)

    client.set_cookie("session", saved, domain=HOST)  # the copy an attacker kept
    response = client.get("/")
    assert response.status_code == 302 and "/connexion" in response.location
    [record] = db.session.scalars(select(UserSession).where(UserSession.user_id == agent.id))
    assert record.revoked_at is not None


def test_the_session_row_remembers_the_browser(client, agent):
    client.post("/connexion", data={"email": agent.email, "password": PASSWORD},
                headers={"User-Agent": "Firefox/140.0"})
    [record] = db.session.scalars(select(UserSession).where(UserSession.user_id == agent.id))
    assert record.user_agent == "Firefox/140.0" and record.revoked_at is None
    assert len(record.id) >= 40  # random and opaque, not the user id


def test_a_remember_me_cookie_alone_does_not_log_in(app, client, agent):
    from flask_login.utils import encode_cookie

    client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
                      encode_cookie(str(agent.id)), domain=HOST)
    assert not is_logged_in(client)


def test_a_session_ends_after_the_idle_time(app, client, login_as, clock):
    login_as(Role.ANCT)
    idle = app.config["SESSION_IDLE_SECONDS"]
    assert idle == 2 * 3600
    clock.advance(seconds=idle - 60)
    assert is_logged_in(client)  # a request just in time: the idle time starts again
    clock.advance(seconds=idle - 60)
    assert is_logged_in(client)
    clock.advance(seconds=idle + 1)
    assert not is_logged_in(client)


def test_activity_keeps_a_session_only_until_its_maximum_lifetime(app, client, login_as, clock):
    login_as(Role.ANCT)
    lifetime = app.config["SESSION_MAX_SECONDS"]
    assert lifetime == 12 * 3600
    for _ in range(lifetime // 3600):
        assert is_logged_in(client)
        clock.advance(hours=1)
    clock.advance(seconds=1)
    assert not is_logged_in(client)


def test_the_lifetimes_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_IDLE_SECONDS", "900")
    monkeypatch.setenv("SESSION_MAX_SECONDS", "28800")
    app = create_app({"JALONS_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert (app.config["SESSION_IDLE_SECONDS"], app.config["SESSION_MAX_SECONDS"]) == (900, 28800)


def test_the_visit_is_written_at_most_once_a_minute(client, login_as, clock, count_queries):
    def session_updates() -> int:
        with count_queries() as counter:
            assert is_logged_in(client)
        return sum(s.lstrip().upper().startswith("UPDATE USER_SESSION") for s in counter.statements)

    login_as(Role.ANCT)
    assert session_updates() == 0
    clock.advance(seconds=30)
    assert session_updates() == 0
    clock.advance(seconds=31)
    assert session_updates() == 1
    assert session_updates() == 0


def csrf_field(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))[1]


def csrf_secret(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def test_the_csrf_secret_changes_at_login_and_logout(app, client, agent, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = csrf_field(client.get("/connexion"))
    secret_before = csrf_secret(client)
    log_in(client, agent, csrf_token=before)

    during = csrf_field(client.get("/mon-compte/mot-de-passe"))
    assert csrf_secret(client) != secret_before and during != before
    # A token read before the login (on a shared computer, say) is refused after it.
    stale = client.post("/mon-compte/mot-de-passe", data={
        "current": PASSWORD, "password": NEW, "confirm": NEW, "csrf_token": before,
    })
    assert stale.status_code == 400

    secret_during = csrf_secret(client)
    assert client.post("/deconnexion", data={"csrf_token": during}).status_code == 302
    client.get("/connexion")
    assert csrf_secret(client) not in (secret_before, secret_during)


def test_changing_the_password_replaces_this_browser_session_too(client, agent):
    log_in(client, agent)
    saved = client.get_cookie("session", domain=HOST).value
    client.post("/mon-compte/mot-de-passe", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert is_logged_in(client)
    client.set_cookie("session", saved, domain=HOST)
    assert not is_logged_in(client)


def test_deactivating_an_account_revokes_its_sessions(client, login_as, agent):
    factories.user_session(agent)
    login_as(Role.ADMIN)
    client.post(f"/admin/utilisateurs/{agent.id}/desactiver")
    records = db.session.scalars(select(UserSession).where(UserSession.user_id == agent.id)).all()
    assert records and all(r.revoked_at is not None for r in records)


def test_a_reset_through_the_link_ends_every_session_of_the_account(app, client, agent):
    other = app.test_client()
    log_in(other, agent)
    client.get(f"/mot-de-passe/{tokens.make_token(agent, tokens.RESET)}")
    assert client.post("/mot-de-passe", data={"password": NEW, "confirm": NEW}).status_code == 302
    assert not is_logged_in(other)
