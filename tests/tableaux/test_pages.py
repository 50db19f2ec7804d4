"""The dashboard pages: figures linked to their lists, time travel with `?au=`, map and curves as
accessible SVG, scopes."""
import re
from datetime import date
from html import unescape

from app.auth.roles import Role
from app.tableaux import courbes
from app.tableaux.figures import figures
from app.tableaux.niveaux import resolve
from tests import factories
from tests.tableaux import programme


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))).replace("\xa0", " ")


def test_the_dashboard_recomputes_its_figures_at_the_day_asked(client, login_as, prog):
    login_as(Role.ANCT)
    url = f"/tableaux/region/{prog.region.code}"
    before = text(client.get(url + "?au=2021-01-01"))
    after = text(client.get(url + "?au=2022-06-30"))
    assert "Point d'avancement au 01/01/2021" in before and "0 % des communes ont signé" in before
    assert "Point d'avancement au 30/06/2022" in after
    assert "75 % des communes ont signé leur convention d'adhésion" in after
    assert "2 communes ont signé leur convention-cadre" in after


def test_a_wrong_or_future_day_falls_back_to_today_and_says_so(client, login_as, prog):
    login_as(Role.ANCT)
    for value in ("31/02/2023", "2099-01-01", "2019-12-31"):
        page = text(client.get(f"/tableaux/region/{prog.region.code}?au={value}"))
        assert "voici les chiffres d'aujourd'hui" in page


def test_each_figure_links_to_the_list_that_counts_as_much(client, login_as, prog):
    login_as(Role.ANCT)
    html = client.get(f"/tableaux/region/{prog.region.code}?au=2022-12-15").get_data(as_text=True)
    links = dict(re.findall(r'id="chiffre-([a-z-]+)".*?href="([^"]+)"', html, re.S))
    expected = {"communes-pvd": 4, "adhesion": 3, "cadre": 2, "ort": 2, "chefs": 1, "retards": 1}
    for ident, count in expected.items():
        listing = text(client.get(unescape(links[ident])))
        assert f": {count} ligne" in listing, (ident, listing[:400])
    late = text(client.get(unescape(links["retards"])))
    assert prog.d2.nom in late


def test_the_financing_and_fiche_lists_follow_the_day(client, login_as, prog):
    login_as(Role.ANCT)
    base = f"/tableaux/liste?niveau=region&code={prog.region.code}&nom=financements"
    assert ": 1 ligne" in text(client.get(base + "&au=2022-03-01&statut=accorde&financeur=État"))
    assert ": 0 ligne" in text(client.get(base + "&au=2022-09-01&statut=accorde"))
    assert ": 1 ligne" in text(client.get(base + "&au=2022-09-01&statut=verse"))
    assert client.get(f"/tableaux/liste?niveau=region&code={prog.region.code}&nom=inconnue").status_code == 404


def test_the_map_and_curves_are_svg_images_with_their_text(client, login_as, prog):
    login_as(Role.ANCT)
    html = client.get(f"/tableaux/region/{prog.region.code}?au=2022-12-15&indicateur=pct_adhesion").get_data(
        as_text=True)
    assert 'role="img" aria-labelledby="carte-titre carte-desc"' in html
    assert "Part des communes ayant signé leur convention d&#39;adhésion" in html
    for ident in ("adhesion", "cadre", "ort", "credits"):
        assert f'id="courbe-{ident}" role="img"' in html and f'id="table-{ident}"' in html
    assert 'id="table-departements"' in html and "<caption>" in html
    assert "style=" not in html.split('id="carte"')[1].split("</svg>")[0]  # CSP: no inline style


def test_the_last_point_of_each_curve_is_the_figure_of_the_day(prog):
    anct = factories.user_with_role(Role.ANCT)
    day = date(2022, 12, 15)
    series = {c.ident: c for c in courbes.series("region", prog.region.code, day, anct)}
    assert [c.ident for c in courbes.courbes(resolve(anct, "region", prog.region.code), day, anct)] == list(series)
    f = figures("region", prog.region.code, day, anct)
    assert series["adhesion"].last == f.total.communes_adhesion == 3
    assert series["cadre"].last == f.total.communes_cadre == 2
    assert series["ort"].last == f.total.communes_ort == 2
    assert series["credits"].last == f.credits_total["accorde"] + f.credits_total["verse"]
    points = dict(series["adhesion"].points)
    assert points[date(2021, 3, 31)] == 2 and points[date(2021, 4, 30)] == 3 and points[date(2022, 3, 31)] == 3


def test_a_prefecture_opens_its_own_departement_and_no_other(client, login_as, prog):
    login_as(Role.PREFECTURE, departement_code=prog.dep_a.code)
    home = client.get("/tableaux/")
    assert home.status_code == 302 and home.location.endswith(f"/tableaux/departement/{prog.dep_a.code}")
    assert client.get(home.location).status_code == 200
    assert client.get(f"/tableaux/departement/{prog.dep_b.code}").status_code == 404
    assert client.get(f"/tableaux/region/{prog.region.code}").status_code == 404
    assert client.get("/tableaux/national").status_code == 403
    listing = f"/tableaux/liste?niveau=departement&code={prog.dep_b.code}&nom=communes"
    assert client.get(listing).status_code == 404


def test_the_navigation_offers_the_dashboards_to_their_roles_only(client, login_as, prog):
    login_as(Role.ANCT)
    assert "Tableaux de bord" in client.get("/aide").get_data(as_text=True)
    login_as(Role.COMMUNE, commune_insee=prog.d1.liens_communes[0].commune_insee)
    assert "Tableaux de bord" not in client.get("/aide").get_data(as_text=True)
    assert client.get("/tableaux/").status_code == 403


def test_the_national_page_costs_the_same_statements_for_more_dossiers(client, login_as, count_queries, prog):
    login_as(Role.ANCT)
    client.get("/tableaux/national?au=2023-01-31")
    with count_queries() as few:
        assert client.get("/tableaux/national?au=2023-01-31").status_code == 200
    for _ in range(12):
        d = factories.dossier([factories.commune(prog.dep_b)])
        programme.sign(d, "signer_adhesion", date(2021, 9, 1), programme.E.ADHESION_SIGNEE,
                       programme.E.ADHESION_VALIDEE)
    with count_queries() as many:
        assert client.get("/tableaux/national?au=2023-01-31").status_code == 200
    assert many.count == few.count <= 25


def test_the_opah_is_counted_at_the_day_asked_and_an_opah_without_its_day_is_said(client, login_as, prog):
    login_as(Role.ANCT)
    url = f"/tableaux/region/{prog.region.code}"
    page = text(client.get(url + "?au=2021-10-01"))
    assert "pas d'historique" not in page and "ne peut pas être tracée" not in page
    assert "Communes en OPAH par type au 01/10/2021" in page and "Communes en OPAH : 1" in page
    assert "Communes en OPAH : 2" in text(client.get(url + "?au=2022-03-01"))
    assert "que Jalons ne connaît pas" not in page
    programme.opah(prog.d2, prog.d2.liens_communes[0].commune_insee,
                   (programme.OpahType.OPAH, programme.OpahPhase.OPERATIONNELLE, None))  # taken over, no day
    undated = text(client.get(url + "?au=2021-10-01"))
    assert "Communes en OPAH : 2" in undated
    assert "Une commune est en OPAH depuis un jour que Jalons ne connaît pas" in undated
