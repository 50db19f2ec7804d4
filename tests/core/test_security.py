"""Security basics: headers on every answer, settings refused in production."""
import pytest

from app import create_app


def test_every_page_sends_the_security_headers(client):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("JALONS_ENV", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY est obligatoire"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_refuses_to_start_without_audit_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDIT_KEYS", raising=False)
    monkeypatch.delenv("JALONS_ENV", raising=False)
    with pytest.raises(RuntimeError, match="AUDIT_KEYS est obligatoire"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32})


def test_audit_keys_come_from_the_environment_with_their_ids(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDIT_KEYS", "2025:ancienne-clé, 2026:nouvelle-clé")
    monkeypatch.setenv("AUDIT_KEY_ID", "2026")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32})
    assert app.config["AUDIT_KEYS"] == {"2025": "ancienne-clé", "2026": "nouvelle-clé"}
    assert app.config["AUDIT_KEY_ID"] == "2026"
    monkeypatch.setenv("AUDIT_KEY_ID", "2027")
    with pytest.raises(RuntimeError, match="AUDIT_KEY_ID"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32})
    monkeypatch.setenv("AUDIT_KEYS", "sans-identifiant")
    with pytest.raises(RuntimeError, match="id:secret"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32})


def test_production_has_no_debug_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.delenv("JALONS_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "SECRET_KEY": "s" * 32, "AUDIT_KEYS": "k1:" + "a" * 32, "DEBUG": True})
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_page_is_a_dsfr_404(client, login_as):
    from app.auth.roles import Role

    login_as(Role.ANCT)
    response = client.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page non trouvée" in page and "fr-header" in page
