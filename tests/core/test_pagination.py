"""Every paginated list answers any ?page= with a real page: the last one past the end,
the first one for what is not a page number, and says so."""
import pytest

from app.auth.roles import Role
from app.core.pagination import MAX_PAGE, requested_page
from tests import factories


@pytest.mark.parametrize(("raw", "page"), [
    (None, 1), ("", 1), ("1", 1), (" 3 ", 3), ("007", 7),
    ("0", None), ("-2", None), ("2.5", None), ("deux", None), ("٣", None),
    (str(MAX_PAGE), MAX_PAGE), (str(MAX_PAGE + 1), MAX_PAGE + 1),
    ("9" * 30, MAX_PAGE + 1), ("9" * 5000, MAX_PAGE + 1),
])
def test_requested_page(raw, page):
    assert requested_page(raw) == page


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def _lists(app):
    """Three pages of each paginated list: (URL, what one row of page 3 shows)."""
    dep = factories.departement()
    epci = factories.epci(nom="CC Paginée")
    size = app.config["PAGE_SIZE"]
    communes = [factories.commune(dep, epci, nom=f"Zpage {n:03d}") for n in range(2 * size + 1)]
    for commune in communes:
        factories.dossier([commune])
    for n in range(2 * size + 1):
        factories.user(nom=f"Zutilisateur {n:03d}")
        factories.epci(nom=f"Zepci {n:03d}")
    admin = factories.user_with_role(Role.ADMIN)
    factories.grant(admin, Role.PREFECTURE, departement_code=dep.code)
    last = f"{2 * size:03d}"
    return admin, [
        ("/", {}, f"Zpage {last}"),
        ("/admin/utilisateurs", {"q": "zutilisateur"}, f"Zutilisateur {last}"),
        ("/communes", {"q": "zpage"}, f"Zpage {last}"),
        ("/epci", {"q": "zepci"}, f"Zepci {last}"),
    ]


@pytest.mark.parametrize("page", ["4", "999", str(MAX_PAGE), "99999999999999999999", "9" * 5000])
def test_a_page_past_the_end_shows_the_last_page_and_says_so(app, client, login_as, page):
    admin, lists = _lists(app)
    login_as(admin)
    for url, args, last_row in lists:
        response = client.get(url, query_string={**args, "page": page})
        html = _text(response)
        assert response.status_code == 200, url
        assert last_row in html, url
        assert "page 3 sur 3" in html, url
        assert "Cette page n'existe pas\u00a0: la liste compte 3\u00a0pages, voici la dernière." in html


@pytest.mark.parametrize("page", ["0", "-1", "-99999999999999999999", "abc", "1e9"])
def test_a_page_that_is_not_a_number_shows_the_first_page_and_says_so(app, client, login_as, page):
    admin, lists = _lists(app)
    login_as(admin)
    for url, args, _ in lists:
        response = client.get(url, query_string={**args, "page": page})
        html = _text(response)
        assert response.status_code == 200, url
        assert "page 1 sur 3" in html, url
        assert "Ce numéro de page n'existe pas\u00a0: voici la première page." in html


def test_a_valid_page_says_nothing_and_an_empty_list_stays_empty(app, client, login_as):
    admin, lists = _lists(app)
    login_as(admin)
    html = _text(client.get("/communes?q=zpage&page=2"))
    assert "page 2 sur 3" in html and "n'existe pas" not in html
    html = _text(client.get("/communes?q=introuvable&page=5"))
    assert "Aucune commune ne correspond" in html and "n'existe pas" not in html


def test_a_list_of_one_page_says_so(client, login_as):
    login_as(factories.user())
    factories.epci(nom="Zseule")
    html = _text(client.get("/epci?q=zseule&page=2"))
    assert "Cette page n'existe pas\u00a0: la liste tient sur une seule page." in html
    assert "Zseule" in html


def test_the_message_is_shown_once(app, client, login_as):
    admin, _ = _lists(app)
    login_as(admin)
    client.get("/epci?q=zepci&page=50")
    assert "n'existe pas" not in _text(client.get("/epci?q=zepci&page=2"))
