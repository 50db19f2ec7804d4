"""The Content-Security-Policy holds: DSFR works without inline script, nothing leaves the origin."""
import pytest

from tests.browser.helpers import Watched, demo_email, login

PAGES = [
    # (account, path, expected status)
    (None, "/connexion", 200),
    ("prefecture", "/", 200),
    ("prefecture", "/?q=Jonzac&departement=17", 200),
    ("commune", "dossier de Jonzac", 200),
    ("prefecture", "/communes?q=Jonzac", 200),
    ("prefecture", "/communes/17197", 200),
    ("prefecture", "/epci", 200),
    ("prefecture", "/epci/200041523", 200),
    ("prefecture", "/dossiers/999999999", 404),
    ("admin", "/admin/utilisateurs", 200),
    ("admin", "/admin/utilisateurs/inviter", 200),
    ("commune", "/aide/parcours", 200),
    (None, "/accessibilite", 200),
]


def jonzac_dossier_path(page):
    page.goto("/?q=pvd-75-17-4")
    return page.locator("#liste-dossiers tbody a").first.get_attribute("href")


@pytest.mark.parametrize(("account", "path", "status"), PAGES)
def test_page_respects_the_csp_and_stays_on_its_origin(page, live_server, account, path, status):
    if account:
        login(page, demo_email(account))
    if path == "dossier de Jonzac":
        path = jonzac_dossier_path(page)
    watched = Watched(page)

    response = page.goto(path)
    page.wait_for_load_state("networkidle")

    assert response.status == status
    assert response.headers.get("content-security-policy", "").startswith("default-src 'self'")
    blocked = [m for m in watched.console if "Content Security Policy" in m]
    assert not blocked, f"CSP violations on {path}:\n" + "\n".join(blocked)
    assert not watched.page_errors, f"JavaScript errors on {path}:\n" + "\n".join(watched.page_errors)
    elsewhere = [
        url for url in watched.requests
        if not url.startswith(live_server + "/") and not url.startswith(("data:", "blob:"))
    ]
    assert not elsewhere, f"requests to another origin from {path}: {elsewhere}"
    expected = {f"{status} {live_server}{path}"} if status >= 400 else set()
    broken = [failure for failure in watched.failures if failure not in expected]
    assert not broken, f"failed requests from {path} (a broken asset path?): {broken}"
    # DSFR's JavaScript started: it marks the document and the components it has taken over.
    assert page.locator("html[data-fr-js='true'] [data-fr-js-header-links]").count() == 1
