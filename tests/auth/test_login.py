"""Login: one message for every failure, a cap on failures, no open redirect."""
import pytest

from app.auth.roles import Role
from app.auth.services import BAD_CREDENTIALS, TOO_MANY
from app.core.db import db
from tests import factories

PASSWORD = "une phrase de passe solide"


def login(client, email, password, next_url=None):
    url = "/connexion" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


@pytest.fixture
def agent():
    return factories.user_with_role(
        Role.ANCT, factories.user(email="agent@anct.gouv.fr", password=PASSWORD)
    )


def test_login_with_the_right_password_opens_the_home_page(client, agent):
    response = login(client, "Agent@ANCT.gouv.fr ", PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/")
    assert "Mes dossiers" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, agent):
    wrong = login(client, agent.email, "pas le bon mot de passe").get_data(as_text=True)
    unknown = login(client, "personne@nulle-part.fr", PASSWORD).get_data(as_text=True)
    assert BAD_CREDENTIALS in wrong and BAD_CREDENTIALS in unknown
    assert client.get("/").status_code == 302  # still anonymous


def test_inactive_account_gets_the_same_message(client, agent):
    agent.active = False
    db.session.commit()
    page = login(client, agent.email, PASSWORD).get_data(as_text=True)
    assert BAD_CREDENTIALS in page


def test_after_too_many_failures_even_the_right_password_is_refused(app, client, agent):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        assert BAD_CREDENTIALS in login(client, agent.email, "mauvais").get_data(as_text=True)
    page = login(client, agent.email, PASSWORD).get_data(as_text=True)
    assert TOO_MANY in page
    assert client.get("/").status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_success(app, client, agent):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"] - 1):
        login(client, agent.email, "mauvais")
    assert login(client, agent.email, PASSWORD).status_code == 302
    client.post("/deconnexion")
    login(client, agent.email, "mauvais")
    assert login(client, agent.email, PASSWORD).status_code == 302


def test_demo_account_cannot_log_in_outside_demo_mode(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    demo = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD, demo=True))
    page = login(client, demo.email, PASSWORD).get_data(as_text=True)
    assert BAD_CREDENTIALS in page


def test_demo_account_can_log_in_in_demo_mode(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    demo = factories.user_with_role(Role.ANCT, factories.user(password=PASSWORD, demo=True))
    assert login(client, demo.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "https:/evil.example",
    "/%09/evil.example", "javascript:alert(1)",
])
def test_next_never_leaves_the_site(client, agent, target):
    response = login(client, agent.email, PASSWORD, next_url=target)
    assert response.status_code == 302
    assert "evil" not in response.location and "javascript" not in response.location


def test_next_to_a_local_page_is_followed(client, agent):
    response = login(client, agent.email, PASSWORD, next_url="/communes?q=jonzac")
    assert response.location.endswith("/communes?q=jonzac")


def test_logout_ends_the_session(client, agent):
    login(client, agent.email, PASSWORD)
    assert client.get("/").status_code == 200  # logged in: the home page, not the login page
    client.post("/deconnexion")
    response = client.get("/")
    assert response.status_code == 302 and "/connexion" in response.location


@pytest.fixture
def hash_checks(monkeypatch):
    """The password hashes verified during the test (each call to check_password_hash)."""
    from app.auth import models

    checked = []
    real = models.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return checked


@pytest.mark.parametrize("account", ["inconnu", "invité sans mot de passe", "existant"])
def test_every_login_verifies_one_hash_of_the_current_method(client, agent, hash_checks, account):
    """The time of the answer must not tell whether the account exists: an unknown address
    or an account without a password costs the same hash verification as a wrong password."""
    from app.auth.models import generate_password_hash

    email = {
        "inconnu": "personne@nulle-part.fr",
        "invité sans mot de passe": factories.user(password=None).email,
        "existant": agent.email,
    }[account]
    assert BAD_CREDENTIALS in login(client, email, "pas le bon mot de passe").get_data(as_text=True)
    assert len(hash_checks) == 1
    method = generate_password_hash("x").split("$")[0]
    assert hash_checks[0].split("$")[0] == method


def test_the_login_page_lists_the_demo_accounts_in_demo_mode_and_never_the_readme(app, client,
                                                                                monkeypatch):
    factories.user(nom="Préfecture (démo)", email="prefecture@jalons.example", demo=True)
    factories.user(nom="Ancien compte (démo)", email="ancien@jalons.example", demo=True, active=False)
    db.session.commit()
    page = client.get("/connexion").get_data(as_text=True)
    assert "Mode démonstration" not in page and "prefecture@jalons.example" not in page
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    page = client.get("/connexion").get_data(as_text=True)
    assert "Préfecture (démo)\u00a0: <code>prefecture@jalons.example</code>" in page
    assert f"<code>{app.config['DEMO_PASSWORD']}</code>" in page
    assert "ancien@jalons.example" not in page
    assert "README" not in page
