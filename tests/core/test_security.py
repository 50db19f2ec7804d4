"""Security basics: headers on every answer, settings refused in production."""
import pytest

from app import create_app
from app.auth import tokens
from app.auth.roles import Role
from app.core.db import db
from tests import factories


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
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32,
                    "BASE_URL": "https://jalons.example"})


def test_audit_keys_come_from_the_environment_with_their_ids(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDIT_KEYS", "2025:ancienne-clé, 2026:nouvelle-clé")
    monkeypatch.setenv("AUDIT_KEY_ID", "2026")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32,
                    "BASE_URL": "https://jalons.example"})
    assert app.config["AUDIT_KEYS"] == {"2025": "ancienne-clé", "2026": "nouvelle-clé"}
    assert app.config["AUDIT_KEY_ID"] == "2026"
    monkeypatch.setenv("AUDIT_KEY_ID", "2027")
    with pytest.raises(RuntimeError, match="AUDIT_KEY_ID"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32,
                    "BASE_URL": "https://jalons.example"})
    monkeypatch.setenv("AUDIT_KEYS", "sans-identifiant")
    with pytest.raises(RuntimeError, match="id:secret"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s" * 32,
                    "BASE_URL": "https://jalons.example"})


def test_production_has_no_debug_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.delenv("JALONS_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "SECRET_KEY": "s" * 32, "AUDIT_KEYS": "k1:" + "a" * 32,
                      "BASE_URL": "https://jalons.example", "DEBUG": True})
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_page_is_a_dsfr_404(client, login_as):
    login_as(Role.ANCT)
    response = client.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page non trouvée" in page and "fr-header" in page


def test_pages_of_a_logged_in_user_are_not_stored(client, login_as):
    login_as(Role.ANCT)
    for url in ("/", "/communes", "/mon-compte/mot-de-passe", "/nulle-part"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_token_pages_are_not_stored(client):
    user = factories.user(password="une phrase de passe solide")
    db.session.commit()
    token = tokens.make_token(user, tokens.RESET)
    response = client.get(f"/mot-de-passe/{token}", follow_redirects=True)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_downloaded_document_is_not_stored(client, login_as, tmp_path, monkeypatch, app):
    from app.core.storage import EXTENSION_KEY, LocalStorage
    from app.documents import services
    from tests.documents.samples import png

    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStorage(tmp_path / "documents"))
    version = services.add_document(
        factories.dossier(), type="autre", etape="adhesion",
        file_storage_or_bytes=png(), filename="plan.png", user=None,
    )
    login_as(Role.ANCT)
    response = client.get(f"/documents/versions/{version.id}/telecharger")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_keep_their_own_cache_rules(client):
    response = client.get("/static/vendor/dsfr/dsfr.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
