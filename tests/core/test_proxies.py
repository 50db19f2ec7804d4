"""Behind TRUSTED_PROXIES reverse proxies, the client's address is the proxies' X-Forwarded-For
entry; without them, that header is the client's own words and is ignored."""
import pytest
from sqlalchemy import select

from app import create_app
from app.auth.models import LoginAttempt
from app.core.db import db

FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"}


def failed_login(client) -> str:
    """The address the login limiter recorded for one failed attempt."""
    client.post("/connexion", data={"email": "personne@nulle-part.fr", "password": "x" * 12},
                headers=FORWARDED)
    return db.session.scalars(select(LoginAttempt.ip).order_by(LoginAttempt.id.desc())).first()


@pytest.fixture
def behind_one_proxy(app, database_url):
    """The application as deployed behind one reverse proxy, on the suite's database."""
    settings = {key: app.config[key] for key in (
        "JALONS_ENV", "TESTING", "SECRET_KEY", "WTF_CSRF_ENABLED", "SERVER_NAME", "BASE_URL",
        "MAIL_SERVER", "ARCHIVE_CONVENTIONS",
    )}
    proxied = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": 1})
    proxied.instance_path = app.instance_path
    return proxied


def test_without_trusted_proxies_a_forged_x_forwarded_for_is_ignored(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    assert failed_login(client) == "127.0.0.1"


def test_behind_one_proxy_the_limiter_counts_the_address_the_proxy_saw(behind_one_proxy):
    # The proxy appends the address it saw: the entry before it is the client's own claim.
    assert failed_login(behind_one_proxy.test_client()) == "203.0.113.9"


def test_trusted_proxies_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = create_app({"JALONS_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["TRUSTED_PROXIES"] == 2
