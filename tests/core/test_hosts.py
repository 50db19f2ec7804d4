"""E-mailed links come from BASE_URL; a request for a host Jalons does not serve is refused."""
import pytest
from sqlalchemy import func, select

from app import create_app
from app.auth.roles import Role
from app.core.db import db
from app.core.outbox import OutboxMessage
from app.core.urls import external_url
from tests import factories

PUBLIC = "https://jalons.anct.gouv.fr"


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("JALONS_ENV", "BASE_URL", "TRUSTED_HOSTS", "SERVER_NAME", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


def make_app(tmp_path, **settings):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                       "SECRET_KEY": "s" * 32, "AUDIT_KEYS": "k1:" + "a" * 32, **settings})


def mail_bodies() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.body)))


def test_a_reset_asked_for_a_forged_host_is_refused_and_mails_nothing(client):
    user = factories.user(password="une phrase de passe solide")
    db.session.commit()
    response = client.post("/mot-de-passe-oublie", data={"email": user.email},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "ne correspond pas au site Jalons" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_reset_link_is_built_from_base_url_whatever_the_host(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC)
    user = factories.user(password="une phrase de passe solide")
    db.session.commit()
    # localhost is a trusted host of the test settings, not the public address.
    client.post("/mot-de-passe-oublie", data={"email": user.email}, base_url="http://localhost")
    [body] = mail_bodies()
    assert f"{PUBLIC}/mot-de-passe/" in body
    assert "localhost" not in body and "jalons.test" not in body


def test_the_invitation_link_is_built_from_base_url(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", PUBLIC + "/")
    login_as(Role.ADMIN)
    client.post("/admin/utilisateurs/inviter",
                data={"email": "nouvelle@commune-test.fr", "nom": "Nina Nouvelle", "role": "anct"})
    [body] = mail_bodies()
    assert f"{PUBLIC}/invitation/" in body and "jalons.test" not in body


def test_external_url_keeps_the_path_of_base_url_and_needs_no_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://www.example.gouv.fr/jalons")
    assert external_url("auth.reset_link", token="abc") == (
        "https://www.example.gouv.fr/jalons/mot-de-passe/abc"
    )


def test_production_refuses_to_start_without_base_url(clean_environment, tmp_path):
    with pytest.raises(RuntimeError, match="BASE_URL est obligatoire en production"):
        make_app(tmp_path)


@pytest.mark.parametrize("value", ["http://jalons.anct.gouv.fr", "jalons.anct.gouv.fr",
                                   "https://jalons.anct.gouv.fr/?x=1"])
def test_production_refuses_a_base_url_that_is_not_a_plain_https_address(
    clean_environment, tmp_path, value
):
    with pytest.raises(RuntimeError, match="BASE_URL n'est pas une adresse valable"):
        make_app(tmp_path, BASE_URL=value)


def test_production_trusts_the_base_url_host_and_the_listed_ones(
    clean_environment, tmp_path, monkeypatch
):
    monkeypatch.setenv("BASE_URL", PUBLIC)
    monkeypatch.setenv("TRUSTED_HOSTS", " jalons-interne.anct.fr , 10.0.0.5,")
    app = make_app(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["jalons.anct.gouv.fr", "jalons-interne.anct.fr", "10.0.0.5"]
    client = app.test_client()
    for host in ("jalons.anct.gouv.fr", "jalons-interne.anct.fr", "10.0.0.5:8000"):
        assert client.get("/connexion", base_url=f"https://{host}").status_code == 200, host
    for host in ("evil.example", "127.0.0.1", "localhost", "jalons.anct.gouv.fr.evil.example"):
        assert client.get("/connexion", base_url=f"https://{host}").status_code == 400, host


def test_development_serves_make_run_and_the_browser_tests(clean_environment, tmp_path):
    """`make run` is on 127.0.0.1:5000; the browser tests serve on 127.0.0.1, any port."""
    app = make_app(tmp_path, JALONS_ENV="development")
    client = app.test_client()
    for base in ("http://127.0.0.1:5000", "http://127.0.0.1:43117", "http://localhost:5000"):
        assert client.get("/connexion", base_url=base).status_code == 200, base
    assert client.get("/connexion", base_url="http://evil.example").status_code == 400
    with app.app_context():
        assert external_url("auth.login") == "http://127.0.0.1:5000/connexion"
