"""Numbers in URLs that no row can have answer 404 (path) or a page past the end (`?page=`),
never a database overflow."""
import pytest
from werkzeug.exceptions import NotFound

from app.auth.roles import Role
from app.core.db import db
from tests import factories

HUGE = "9" * 30


@pytest.mark.parametrize(("role", "url"), [
    (Role.ANCT, f"/dossiers/{HUGE}"),  # the ANCT sees every dossier: the id reaches the query
    (Role.ANCT, f"/dossiers/{HUGE}/documents"),
    (Role.ANCT, f"/documents/versions/{HUGE}/telecharger"),
    (Role.ADMIN, f"/admin/utilisateurs/{HUGE}"),
])
def test_a_30_digit_id_in_the_path_is_a_404(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 404


def test_ids_up_to_the_postgresql_integer_maximum_match_their_route(app):
    urls = app.url_map.bind("jalons.test")
    assert urls.match(f"/dossiers/{2**31 - 1}") == ("dossiers.show", {"dossier_id": 2**31 - 1})
    with pytest.raises(NotFound):
        urls.match(f"/dossiers/{2**31}")


@pytest.mark.parametrize("url", ["/", "/admin/utilisateurs", "/communes", "/epci"])
def test_a_30_digit_page_number_is_an_empty_page(client, login_as, url):
    user = login_as(Role.ADMIN)
    factories.grant(user, Role.ANCT)  # an admin only would be sent from / to the users list
    db.session.commit()
    response = client.get(url, query_string={"page": HUGE})
    assert response.status_code == 200


def test_a_page_number_is_clamped(app):
    from app.core.db import MAX_PAGE, requested_page

    with app.test_request_context("/?page=" + HUGE):
        assert requested_page() == MAX_PAGE
    with app.test_request_context("/?page=-3"):
        assert requested_page() == 1
    with app.test_request_context("/?page=deux"):
        assert requested_page() == 1
    with app.test_request_context("/?page=7"):
        assert requested_page() == 7
