from app.auth.roles import Role
from tests import factories


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.location


def test_prefecture_sees_its_departement_dossiers_only(client, login_as):
    mine = factories.dossier(nom="Ville du département")
    other = factories.dossier(nom="Ville d'ailleurs")
    login_as(Role.PREFECTURE, departement_code=mine.departement_code)
    page = client.get("/").get_data(as_text=True)
    assert "Ville du département" in page
    assert "Ville d&#39;ailleurs" not in page and "Ville d'ailleurs" not in page
    assert client.get(f"/dossiers/{other.id}").status_code == 404
    assert client.get(f"/dossiers/{mine.id}").status_code == 200
