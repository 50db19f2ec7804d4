"""The maquette financière: SQL totals, exact to the cent over thousands of lines, the XLSX
re-read, the PDF, the filters."""
import io
import random
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from app.auth.roles import Role
from app.core.db import db
from app.projet.maquette import maquette
from app.projet.models import FicheAction, LigneFinancement
from app.workflows.states import FinancementStatut as S
from tests.projet import factories as pf

SOURCES = ["etat_detr", "etat_dsil", "anah", "region", "autofinancement_commune", "europe_leader"]


@pytest.fixture
def dossier():
    return pf.dossier()


def many_lines(dossier, fiches=12, lines=3000, seed=7):
    """Lines with amounts to the cent that a float sum would not keep exact."""
    rng = random.Random(seed)
    chef = pf.member(Role.CHEF_DE_PROJET, dossier)
    made = [pf.fiche(dossier, chef, titre=f"Fiche {n}") for n in range(fiches)]
    rows = [{"fiche_id": rng.choice(made).id, "source": rng.choice(SOURCES), "annee": rng.choice([2024, 2025, 2026]),
             "montant": Decimal(rng.randint(1, 99_999_999)) / 100 + Decimal("0.01"),
             "statut": rng.choice(list(S)), "version": 1} for _ in range(lines)]
    db.session.execute(insert(LigneFinancement), rows)
    return made, rows


def db_sum(dossier, *where):
    return db.session.scalar(select(func.sum(LigneFinancement.montant))
                             .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
                             .where(FicheAction.dossier_id == dossier.id, *where))


def test_totals_equal_the_database_sum_and_the_exact_decimal_sum_over_thousands_of_lines(dossier):
    _, rows = many_lines(dossier)
    result = maquette(dossier)
    exact = sum(r["montant"] for r in rows)
    assert result.total == exact == db_sum(dossier)
    assert sum(row.total for row in result.rows) == exact
    assert sum(result.column_totals.values()) == exact
    for source in SOURCES:
        assert result.column_totals[source] == sum(r["montant"] for r in rows if r["source"] == source)
    for row in result.rows:
        assert row.total == sum(row.cells.values())
        assert isinstance(row.total, Decimal)


def test_filters_by_year_and_status(dossier):
    _, rows = many_lines(dossier, lines=400)
    result = maquette(dossier, 2025, ["accorde", "verse"])
    expected = sum(r["montant"] for r in rows if r["annee"] == 2025 and r["statut"] in (S.ACCORDE, S.VERSE))
    assert result.total == expected == db_sum(dossier, LigneFinancement.annee == 2025,
                                                 LigneFinancement.statut.in_([S.ACCORDE, S.VERSE]))
    assert result.annees == [2024, 2025, 2026]
    assert result.statuts_label == "accordé, versé"


def test_the_xlsx_reread_has_the_database_totals_as_euro_numbers(client, login_as, dossier):
    _, rows = many_lines(dossier, fiches=5, lines=500)
    login_as(pf.member(Role.PARTENAIRE, dossier))
    response = client.get(f"/dossiers/{dossier.id}/maquette.xlsx?annee=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, body, footer = values[0], values[1:-1], values[-1]
    assert header[:2] == ["Fiche", "Titre"] and header[-1] == "Total"
    assert footer[0] == "Total"
    expected = db_sum(dossier, LigneFinancement.annee == 2026)
    assert Decimal(str(footer[-1])).quantize(Decimal("0.01")) == expected
    for column in range(2, len(header) - 1):
        column_sum = sum(Decimal(str(r[column])) for r in body if r[column] is not None)
        assert column_sum.quantize(Decimal("0.01")) == Decimal(str(footer[column])).quantize(Decimal("0.01"))
    assert len(body) == len({r["fiche_id"] for r in rows if r["annee"] == 2026})
    assert sheet.cell(row=2, column=len(header)).number_format.endswith('"€"')


def test_the_maquette_page_and_its_pdf(client, login_as, dossier):
    fiche = pf.fiche(dossier)
    pf.line(fiche, "etat_detr", "12345.67")
    pf.line(fiche, "anah", "1000.00")
    login_as(pf.member(Role.PREFECTURE, dossier))
    page = client.get(f"/dossiers/{dossier.id}/maquette").text
    assert "État — DETR" in page and "13\u202f345,67\xa0€" in page
    response = client.get(f"/dossiers/{dossier.id}/maquette.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    empty = client.get(f"/dossiers/{dossier.id}/maquette?annee=2031").text
    assert "Aucun financement" in empty


def test_query_counts_do_not_grow_with_fiches_or_lines(client, login_as, count_queries):
    counts = {}
    for size in (2, 12):
        dossier = pf.dossier()
        chef = pf.member(Role.CHEF_DE_PROJET, dossier)
        made = [pf.fiche(dossier, chef, titre=f"F{n}") for n in range(size)]
        for fiche in made:
            for source in SOURCES[:size // 2]:
                pf.line(fiche, source, "100.00", user=chef)
        axe = made[0].axe
        for _ in range(size):
            pf.indicateur(dossier, axe, chef)
        login_as(chef)
        base = f"/dossiers/{dossier.id}"
        for name, url in (("plan", base + "/projet"), ("fiche", base + "/fiches/1"),
                          ("maquette", base + "/maquette"), ("dossier", base)):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.setdefault(name, []).append(counter.count)
    assert all(small == large for small, large in counts.values()), counts
