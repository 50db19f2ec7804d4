"""Personal tokens: created on the account page and shown once, stored hashed, revoked after a
confirmation; revoked or unknown → 401 with a Bearer challenge; the session cookie is no token."""
import hashlib
from datetime import timedelta

from app.api.models import ApiToken
from app.auth.roles import Role
from app.core.db import db
from app.core.formatting import utcnow
from tests import factories


def test_a_token_is_created_then_shown_once_on_the_page_the_creation_redirects_to(client, login_as):
    user = login_as(Role.ANCT)
    assert "Aucun jeton" in client.get("/mon-compte/jetons").get_data(as_text=True)
    created = client.post("/mon-compte/jetons", data={"nom": "Grist de la DDT"})
    assert created.status_code == 302 and created.headers["Location"].endswith("/mon-compte/jetons")
    token = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)).one()
    held = token.a_montrer  # until the page shows it: the secret XOR the session cookie's key
    page = client.get("/mon-compte/jetons").get_data(as_text=True)
    secret = page.split('id="secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith("jalons_") and len(secret) >= 7 + 43
    assert held and secret not in held and secret.encode().hex() != held
    assert token.empreinte == hashlib.sha256(secret.encode()).hexdigest()
    assert token.nom == "Grist de la DDT" and token.debut == secret[:11]
    db.session.refresh(token)
    assert token.a_montrer is None  # shown: the row forgets its half
    assert secret not in {getattr(token, c.key) for c in ApiToken.__table__.columns}
    again = client.get("/mon-compte/jetons").get_data(as_text=True)  # a refresh, a second visit
    assert secret not in again and 'id="secret"' not in again
    assert "Grist de la DDT" in again and "Jamais utilisé" in again
    assert db.session.query(ApiToken).count() == 1  # the refresh created nothing
    assert client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_the_held_secret_is_shown_only_to_the_session_that_created_it(client, login_as, app):
    user = login_as(Role.ANCT)
    client.post("/mon-compte/jetons", data={"nom": "Metabase"})
    other = app.test_client()  # the same account, another browser: no key in its cookie
    with other.session_transaction() as cookie:
        with client.session_transaction() as mine:
            cookie.update({k: v for k, v in mine.items() if k != "jeton_a_montrer"})
    assert 'id="secret"' not in other.get("/mon-compte/jetons").get_data(as_text=True)
    assert 'id="secret"' in client.get("/mon-compte/jetons").get_data(as_text=True)
    assert user.id == db.session.scalars(db.select(ApiToken.user_id)).one()


def test_a_token_needs_a_name(client, login_as):
    login_as(Role.ANCT)
    page = client.post("/mon-compte/jetons", data={"nom": "  "}).get_data(as_text=True)
    assert "Nommez le jeton" in page and 'id="secret"' not in page
    assert db.session.query(ApiToken).count() == 0


def test_revoking_asks_for_a_confirmation_then_the_token_answers_401(client, login_as, bearer):
    user = login_as(Role.ANCT)
    headers = bearer(user, "Metabase")
    token = db.session.scalars(db.select(ApiToken)).one()
    confirm = client.get(f"/mon-compte/jetons/{token.id}/revoquer")
    assert "Voulez-vous révoquer le jeton" in confirm.get_data(as_text=True)
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert client.post(f"/mon-compte/jetons/{token.id}/revoquer").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    response = client.get("/api/v1/dossiers", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "Révoqué" in client.get("/mon-compte/jetons").get_data(as_text=True)


def test_someone_elses_token_cannot_be_revoked(client, login_as, bearer):
    owner = factories.user_with_role(Role.ANCT)
    bearer(owner)
    token = db.session.scalars(db.select(ApiToken)).one()
    login_as(Role.ANCT)
    assert client.get(f"/mon-compte/jetons/{token.id}/revoquer").status_code == 404
    assert client.post(f"/mon-compte/jetons/{token.id}/revoquer").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_unknown_or_missing_tokens_answer_401_with_a_bearer_challenge(client):
    for headers in ({}, {"Authorization": "Bearer jalons_inconnu"}, {"Authorization": "Basic dXNlcjpwYXNz"},
                    {"Authorization": "Bearer "}):
        response = client.get("/api/v1/dossiers", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Jalons"')
        assert response.is_json and response.json["statut"] == 401


def test_a_session_cookie_is_no_token(client, login_as):
    login_as(Role.ANCT)
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_the_api_never_renews_the_session(client, login_as, bearer):
    user = login_as(Role.ANCT)
    record = db.session.scalars(db.select(factories.UserSession).where(
        factories.UserSession.user_id == user.id)).one()
    record.last_seen_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    before = record.last_seen_at
    response = client.get("/api/v1/dossiers", headers=bearer(user))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    db.session.expire_all()
    assert db.session.get(factories.UserSession, record.id).last_seen_at == before


def test_a_deactivated_users_tokens_stop_working(client, bearer):
    user = factories.user_with_role(Role.ANCT)
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 401


def test_the_last_use_is_written_at_most_once_a_minute(client, bearer):
    user = factories.user_with_role(Role.ANCT)
    headers = bearer(user)
    client.get("/api/v1/dossiers", headers=headers)
    token = db.session.scalars(db.select(ApiToken)).one()
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/dossiers", headers=headers)
    db.session.refresh(token)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(seconds=61)
    db.session.commit()
    client.get("/api/v1/dossiers", headers=headers)
    db.session.refresh(token)
    assert token.last_used_at > first - timedelta(seconds=61)


def test_each_token_is_rate_limited(app, client, bearer, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    monkeypatch.setitem(app.config, "API_RATE_WINDOW_SECONDS", 3600)
    user = factories.user_with_role(Role.ANCT)
    headers, other = bearer(user, "un"), bearer(user, "deux")
    assert [client.get("/api/v1/dossiers", headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/dossiers", headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/dossiers", headers=other).status_code == 200  # per token
    token = db.session.scalars(db.select(ApiToken).where(ApiToken.nom == "un")).one()
    token.fenetre_debut = token.fenetre_debut - timedelta(hours=1)  # the next window
    db.session.commit()
    assert client.get("/api/v1/dossiers", headers=headers).status_code == 200


def test_the_documentation_page_shows_how_to_call_the_api(client, login_as):
    login_as(Role.PREFECTURE, departement_code=factories.departement().code)
    page = client.get("/aide/api").get_data(as_text=True)
    for expected in ("Authorization: Bearer", "curl", "Grist", "Metabase", "/api/v1/openapi.json", "suivant",
                     "/mon-compte/jetons"):
        assert expected in page
    assert "/aide/api" in client.get("/aide").get_data(as_text=True)
    assert "/mon-compte/jetons" in client.get("/aide").get_data(as_text=True)


def test_an_error_inside_the_api_answers_json(app, client, bearer, monkeypatch):
    from app.api import serializers

    def broken(*args):
        raise RuntimeError("panne")

    monkeypatch.setattr(serializers, "dossier", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    user = factories.user_with_role(Role.ANCT)
    factories.dossier()
    response = client.get("/api/v1/dossiers", headers=bearer(user))
    assert response.status_code == 500 and response.json["statut"] == 500
    assert "Set-Cookie" not in response.headers


def test_the_api_is_exempt_from_csrf_and_get_only(app):
    from app.extensions import csrf

    assert "api" in {bp.name for bp in csrf._exempt_blueprints}  # token-only: no session, so no CSRF to forge
    methods = {m for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.") for m in rule.methods}
    assert methods == {"GET", "HEAD", "OPTIONS"}


def test_the_token_pages_keep_their_csrf_protection(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(Role.ANCT)
    assert client.post("/mon-compte/jetons", data={"nom": "Sans jeton CSRF"}).status_code in (200, 400)
    assert db.session.query(ApiToken).count() == 0
