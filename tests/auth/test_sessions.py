"""Session cookies, session versions and CSRF."""
from http.cookies import SimpleCookie

from app import create_app
from app.auth.roles import Role
from app.core.db import db
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
