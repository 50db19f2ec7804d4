"""The preview PDF: for whoever sees the dossier, 404 for the others, login for the anonymous."""
from app.auth.roles import Role
from tests import factories


def url(dossier, kind="adhesion"):
    return f"/dossiers/{dossier.id}/conventions/{kind}.pdf"


def test_a_user_in_scope_gets_the_pdf_inline(client, login_as, dossier):
    login_as(Role.PREFECTURE, departement_code=dossier.departement_code)
    response = client.get(url(dossier))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="projet-convention-adhesion-pvd-75-64-9.pdf"'
    )
    assert "no-store" in response.headers["Cache-Control"]


def test_a_commune_of_the_dossier_gets_the_convention_cadre(client, login_as, dossier):
    login_as(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    response = client.get(url(dossier, "cadre"))
    assert response.status_code == 200
    assert "projet-convention-cadre-" in response.headers["Content-Disposition"]


def test_a_user_out_of_scope_gets_404(client, login_as, dossier):
    login_as(Role.PREFECTURE, departement_code=factories.departement().code)
    assert client.get(url(dossier)).status_code == 404


def test_an_unknown_kind_is_404(client, login_as, dossier):
    login_as(Role.ANCT)
    assert client.get(url(dossier, "avenant")).status_code == 404
    assert client.get(url(dossier, "adhesion") + "x").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, dossier):
    response = client.get(url(dossier))
    assert response.status_code == 302
    assert "/connexion?next=" in response.location
