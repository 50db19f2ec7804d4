"""The partner's two lists (« Ce qui vous attend »), page by page: the rows a plain reading of the
rules gives, in their order; counted up to a bound, « plus de N » beyond it, the pages past it
reached one by one; a page past the end shows the last page and says so; the same number of
SQL statements whatever the rows."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.comite import avis, partenaires
from app.comite.models import AvisPartenaire, AvisSens
from app.core.db import db
from app.projet.models import FicheAction, LigneFinancement
from app.workflows.states import FicheEtat, FinancementStatut as S
from tests import factories
from tests.comite.factories import Comite
from tests.projet import factories as pf

DAY = date(2026, 3, 2)
PAGE_SIZE, BOUND = 3, 6
PAST_THE_END = "Cette page n'existe pas\u00a0: la liste compte {}\u00a0pages, voici la dernière."


@pytest.fixture
def small_pages(app, monkeypatch):
    """Pages of 3 rows, counted up to 6: a dozen rows go past the bound."""
    monkeypatch.setitem(app.config, "PAGE_SIZE", PAGE_SIZE)
    monkeypatch.setattr(partenaires, "COUNTED_UP_TO", BOUND)


@pytest.fixture
def world(app):
    """The partner of `here` (Anah, its département) also holds the région of `there`;
    `elsewhere` is out of its scope."""
    here, there, elsewhere = Comite(), Comite(), Comite()
    factories.grant(here.partner, Role.PARTENAIRE, organisation="Anah",
                    region_code=there.dossier.departement.region_code)
    return here, there, elsewhere


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&nbsp;", "\xa0")


def _soumise(comite, titre, day):
    fiche = comite.fiche_soumise(titre)
    fiche.soumise_le = day
    return fiche


def _line(fiche, statut, day, source="anah"):
    line = pf.line(fiche, source, statut=statut)
    line.sollicite_le = day
    return line


def _fiches(world):
    """Fiches soumises on both sides of every rule; the same days on purpose (ties by id)."""
    here, there, elsewhere = world
    for n in range(5):
        _soumise(here, f"Ici {n}", DAY - timedelta(days=n % 3))
    for n in range(4):
        _soumise(there, f"Là {n}", DAY - timedelta(days=(n + 1) % 4))
    seen = _soumise(here, "Déjà vue", DAY - timedelta(days=9))
    avis.give_avis(seen, here.partner, sens=AvisSens.FAVORABLE, commentaire="Vu")
    other = _soumise(there, "Vue par l'ADEME", DAY - timedelta(days=8))
    db.session.add(AvisPartenaire(fiche_id=other.id, auteur_id=there.chef.id, organisation="ADEME",
                                  sens=AvisSens.RESERVE, commentaire="À préciser"))
    pf.fiche(here.dossier, here.chef, titre="Brouillon")
    _soumise(elsewhere, "Ailleurs", DAY - timedelta(days=20))
    db.session.commit()


def _expected_fiches(partner) -> list[int]:
    """The rule read plainly: soumise, in the partner's scope, no avis of its organisation."""
    fiches = db.session.scalars(select(FicheAction)).all()
    kept = [f for f in fiches if f.etat == FicheEtat.SOUMISE and f.dossier.can_view(partner)
            and not any(a.organisation == "Anah" for a in
                        db.session.scalars(select(AvisPartenaire).where(AvisPartenaire.fiche_id == f.id)))]
    return [f.id for f in sorted(kept, key=lambda f: (f.soumise_le, f.id))]


def _lines(world):
    """Lines of Anah sollicitées and accordées on both sides of every rule."""
    here, there, elsewhere = world
    fiches = [here.fiche_soumise("Halles"), there.fiche_soumise("Gare"), here.fiche_soumise("Berges")]
    for n in range(5):
        _line(fiches[n % 3], S.SOLLICITE, DAY - timedelta(days=n % 2))
        _line(fiches[(n + 1) % 3], S.ACCORDE, DAY - timedelta(days=5 + n % 3))
    for statut in (S.PREVU, S.VERSE, S.REFUSE):
        _line(fiches[0], statut, DAY)
    _line(fiches[1], S.SOLLICITE, DAY, source="ademe")  # another financeur's
    closed = here.fiche_soumise("Abandonnée")
    _line(closed, S.SOLLICITE, DAY)
    closed.etat = FicheEtat.ABANDONNEE
    _line(elsewhere.fiche_soumise("Ailleurs"), S.SOLLICITE, DAY)
    db.session.commit()


def _expected_lines(partner) -> list[int]:
    """The rule read plainly: Anah's lines sollicitées then accordées, on open fiches in scope,
    the oldest request first."""
    lines = db.session.scalars(select(LigneFinancement)).all()
    kept = [line for line in lines if line.source == "anah" and line.statut in (S.SOLLICITE, S.ACCORDE)
            and line.fiche.etat.is_open and line.fiche.dossier.can_view(partner)]
    return [line.id for line in sorted(kept, key=lambda x: (x.statut != S.SOLLICITE, x.sollicite_le, x.id))]


def _fiche_ids(html) -> list[int]:
    pairs = re.findall(r'href="/dossiers/(\d+)/fiches/(\d+)/avis"', html)
    return [db.session.scalar(select(FicheAction.id).where(FicheAction.dossier_id == int(dossier),
                                                           FicheAction.numero == int(numero)))
            for dossier, numero in pairs]


def _line_ids(html) -> list[int]:
    return [int(i) for i in re.findall(r'href="/partenaire/financements/(\d+)"', html)]


LISTS = {
    "avis": (_fiches, _expected_fiches, _fiche_ids, "Fiches à examiner"),
    "financements": (_lines, _expected_lines, _line_ids, "Financements à décider"),
}


@pytest.mark.parametrize("liste", LISTS)
def test_each_page_holds_the_rows_of_the_rule_in_their_order(small_pages, world, client, login_as, liste):
    build, expected, ids, _ = LISTS[liste]
    build(world)
    partner = world[0].partner
    rows = expected(partner)
    assert len(rows) == 10  # four pages of three: past the bound of six
    login_as(partner)
    seen = []
    for number in range(1, 5):
        seen.append(ids(_text(client.get(f"/partenaire?liste={liste}&page={number}"))))
    assert [len(page) for page in seen] == [3, 3, 3, 1]
    assert [row for page in seen for row in page] == rows


@pytest.mark.parametrize("liste", LISTS)
def test_past_the_bound_the_page_says_plus_de_and_no_last_page(small_pages, world, client, login_as, liste):
    build, _, _, title = LISTS[liste]
    build(world)
    login_as(world[0].partner)
    first = _text(client.get(f"/partenaire?liste={liste}"))
    assert f"{title} (plus de 6)" in first
    assert "Page suivante" in first and "Dernière page" not in first
    assert 'title="Page 3"' in first and 'title="Page 4"' not in first  # the pages known to exist
    # further on, the page knows more: nine rows read and one beyond
    assert f"{title} (plus de 9)" in _text(client.get(f"/partenaire?liste={liste}&page=3"))
    # at the end, the exact total and the last page
    last = _text(client.get(f"/partenaire?liste={liste}&page=4"))
    assert f"{title} (10)" in last and "n'existe pas" not in last
    assert 'aria-disabled="true" role="link">Page suivante' in last


@pytest.mark.parametrize("liste", LISTS)
@pytest.mark.parametrize("page", ["5", "9999", "99999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page_and_says_so(small_pages, world, client, login_as, liste, page):
    build, expected, ids, title = LISTS[liste]
    build(world)
    partner = world[0].partner
    login_as(partner)
    html = _text(client.get(f"/partenaire?liste={liste}&page={page}"))
    assert PAST_THE_END.format(4) in html
    assert f"{title} (10)" in html
    assert ids(html) == expected(partner)[9:]


@pytest.mark.parametrize("liste", LISTS)
def test_up_to_the_bound_the_total_is_exact(small_pages, world, client, login_as, liste):
    here = world[0]
    if liste == "avis":
        for n in range(6):
            _soumise(here, f"Fiche {n}", DAY)
    else:
        fiche = here.fiche_soumise()
        for n in range(6):
            _line(fiche, S.SOLLICITE, DAY)
    db.session.commit()
    login_as(here.partner)
    html = _text(client.get(f"/partenaire?liste={liste}"))
    assert f"{LISTS[liste][3]} (6)" in html and "plus de" not in html
    assert re.search(r'href="[^"]*page=2[^"]*">Dernière page</a>', html)


@pytest.mark.parametrize("liste", LISTS)
def test_the_statements_do_not_grow_with_the_rows_nor_past_the_end(small_pages, world, client, login_as,
                                                                   count_queries, liste):
    here = world[0]
    fiche = here.fiche_soumise()
    _line(fiche, S.SOLLICITE, DAY)
    db.session.commit()
    login_as(here.partner)
    with count_queries() as few:
        client.get(f"/partenaire?liste={liste}")
    for n in range(12):
        _line(_soumise(here, f"Encore {n}", DAY), S.SOLLICITE, DAY)
    db.session.commit()
    for page in ("1", "3", "9999"):
        with count_queries() as many:
            client.get(f"/partenaire?liste={liste}&page={page}")
        assert many.count == few.count, page


def test_nothing_waits_for_a_partner_without_organisation(app, client, login_as):
    comite = Comite()
    comite.fiche_soumise()
    db.session.commit()
    login_as(Role.PARTENAIRE, departement_code=comite.dossier.departement_code)
    html = _text(client.get("/partenaire"))
    assert "Fiches à examiner (0)" in html and "Aucune fiche en attente de votre avis" in html
