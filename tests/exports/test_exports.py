"""The exports re-read (csv, openpyxl) equal the database, scoped like the home list, streamed."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.auth.roles import Role
from app.core.formatting import today_in_paris
from app.dossiers.models import DossierCommune
from app.exports import queries, writers
from app.exports.columns import DOSSIER_COLUMNS, FICHE_COLUMNS
from app.projet.models import FicheAction, LigneFinancement
from app.workflows.states import FinancementStatut
from tests import factories
from tests.exports import programme


@pytest.fixture
def world():
    return programme.build()


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.is_streamed
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def read_xlsx(response) -> list[dict]:
    assert response.status_code == 200
    assert response.is_streamed
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def by(rows, column, value):
    found = [r for r in rows if r[column] == value]
    assert len(found) == 1, (column, value, found)
    return found[0]


def test_the_dossier_csv_has_one_row_per_commune_and_every_column_of_the_database(world, client, login_as):
    login_as(Role.ANCT)
    rows = read_csv(client.get("/exports/dossiers.csv"))
    assert list(rows[0]) == [c.header for c in DOSSIER_COLUMNS]
    assert len(rows) == factories.db.session.query(DossierCommune).count() == 4
    jonzac = by(rows, "Commune", "Jonzac test")
    signed = world.signed
    assert jonzac == {
        "Code INSEE": next(c.insee for c in signed.communes if c.nom == "Jonzac test"),
        "Commune": "Jonzac test",
        "Référence du dossier": "pvd-test-jonzac",
        "Dossier": "Jonzac et Archiac",
        "SIREN de l'EPCI": signed.epci_siren,
        "EPCI": "CC de la Haute-Saintonge test",
        "Code département": world.departement.code,
        "Département": "Charente test",
        "État du dossier": signed.etat.label,
        "Adhésion signée le": "2021-06-15",
        "Convention-cadre signée le": "2022-10-01",
        "Échéance de la convention-cadre": "2023-03-31",
        "Échéance prorogée": "Oui",
        "Statut de l'échéance": "Délai respecté",
        "ORT engagée le": "2022-10-01",
        "OPAH": "OPAH-RU (renouvellement urbain)",
        "Phase de l'OPAH": "Opérationnelle",
        "Chef de projet": "Camille Martin",
        "Chef de projet en poste depuis le": "2021-09-01",
    }
    archiac = by(rows, "Commune", "Archiac test")
    assert (archiac["ORT engagée le"], archiac["OPAH"], archiac["Phase de l'OPAH"]) == ("", "Aucune", "")
    assert archiac["Chef de projet"] == "Camille Martin"
    mirambeau = by(rows, "Commune", "Mirambeau test")
    assert mirambeau["Échéance de la convention-cadre"] == "2027-03-10"
    assert mirambeau["Échéance prorogée"] == "Non"
    expected = world.adhering.statut_echeance(today_in_paris())
    assert mirambeau["Statut de l'échéance"] == expected.label
    assert (mirambeau["Convention-cadre signée le"], mirambeau["Chef de projet"]) == ("", "")


def test_the_dossier_xlsx_has_dates_and_the_same_rows(world, client, login_as):
    login_as(Role.ANCT)
    rows = read_xlsx(client.get("/exports/dossiers.xlsx"))
    assert list(rows[0]) == [c.header for c in DOSSIER_COLUMNS]
    assert len(rows) == 4
    jonzac = by(rows, "Commune", "Jonzac test")
    assert jonzac["Adhésion signée le"] == datetime(2021, 6, 15)
    assert jonzac["Échéance de la convention-cadre"] == datetime(2023, 3, 31)
    assert jonzac["Chef de projet en poste depuis le"] == datetime(2021, 9, 1)
    assert jonzac["Référence du dossier"] == "pvd-test-jonzac"
    assert jonzac["Statut de l'échéance"] == "Délai respecté"
    assert by(rows, "Commune", "Mirambeau test")["Convention-cadre signée le"] is None
    csv_rows = read_csv(client.get("/exports/dossiers.csv"))
    for xlsx_row, csv_row in zip(rows, csv_rows):
        assert [writers.csv_value(v) for v in xlsx_row.values()] == list(csv_row.values())


def _lines_and_fiches_without():
    session = factories.db.session
    return session.query(LigneFinancement).count() + sum(
        1 for f in session.query(FicheAction) if not f.lignes)


def test_the_fiche_exports_hold_every_financing_line_with_its_fiche(world, client, login_as):
    login_as(Role.ANCT)
    rows = read_csv(client.get("/exports/fiches.csv"))
    assert list(rows[0]) == [c.header for c in FICHE_COLUMNS]
    assert len(rows) == _lines_and_fiches_without() == 4
    detr = by(rows, "Code du financeur", "etat_detr")
    fiche = world.fiche
    assert detr == {
        "Référence du dossier": "pvd-test-jonzac",
        "Dossier": "Jonzac et Archiac",
        "Code département": world.departement.code,
        "Fiche": fiche.code,
        "Titre de la fiche": "Réhabilitation des halles",
        "Axe stratégique": f"Axe {fiche.axe.ordre} — {fiche.axe.titre}",
        "État de la fiche": fiche.etat.label,
        "Maître d'ouvrage": fiche.maitre_ouvrage(world.signed.collectivite_names()),
        "Début": "2025-01-01",
        "Fin": "2026-06-30",
        "Coût HT": "100000.00",
        "Coût TTC": "120000.00",
        "Financeur": "État — DETR",
        "Code du financeur": "etat_detr",
        "Année": "2025",
        "Montant": "10000.00",
        "Statut du financement": FinancementStatut.ACCORDE.label,
        "Sollicité le": "2025-02-01",
        "Décidé le": "2025-04-15",
        "Versé le": "",
    }
    assert by(rows, "Code du financeur", "anah")["Montant"] == "5000.50"
    empty = by(rows, "Titre de la fiche", "Étude de stationnement")
    assert (empty["Financeur"], empty["Montant"], empty["Coût HT"], empty["Axe stratégique"]) == ("", "", "", "")

    sheet = read_xlsx(client.get("/exports/fiches.xlsx"))
    assert len(sheet) == 4
    anah = by(sheet, "Code du financeur", "anah")
    assert anah["Montant"] == pytest.approx(5000.50) and isinstance(anah["Montant"], float)
    assert anah["Coût HT"] == 100000 and anah["Année"] == 2026
    assert anah["Début"] == datetime(2025, 1, 1)


def test_a_prefecture_exports_only_its_departement(world, client, login_as):
    login_as(Role.PREFECTURE, departement_code=world.departement.code)
    rows = read_csv(client.get("/exports/dossiers.csv"))
    assert {r["Code département"] for r in rows} == {world.departement.code}
    assert len(rows) == 3
    fiches = read_csv(client.get("/exports/fiches.csv"))
    assert {r["Référence du dossier"] for r in fiches} == {"pvd-test-jonzac"}
    sheet = read_xlsx(client.get("/exports/fiches.xlsx"))
    assert {r["Référence du dossier"] for r in sheet} == {"pvd-test-jonzac"}


def test_a_commune_exports_its_own_dossier_and_an_admin_only_the_headers(world, client, login_as):
    login_as(Role.COMMUNE, commune_insee=world.elsewhere.communes[0].insee)
    assert [r["Référence du dossier"] for r in read_csv(client.get("/exports/dossiers.csv"))] == ["pvd-test-loudun"]
    login_as(Role.EPCI, epci_siren=world.signed.epci_siren)
    rows = read_csv(client.get("/exports/dossiers.csv"))
    assert sorted(r["Commune"] for r in rows) == ["Archiac test", "Jonzac test", "Mirambeau test"]
    login_as(Role.PARTENAIRE, organisation="Anah", departement_code=world.other_departement.code)
    assert [r["Commune"] for r in read_csv(client.get("/exports/dossiers.csv"))] == [
        "Loudun test"]
    login_as(Role.ADMIN)
    assert read_csv(client.get("/exports/dossiers.csv")) == []


def test_the_export_follows_the_filters_of_the_list(world, client, login_as):
    login_as(Role.ANCT)
    rows = read_csv(client.get(f"/exports/dossiers.csv?departement={world.other_departement.code}"))
    assert [r["Commune"] for r in rows] == ["Loudun test"]
    rows = read_csv(client.get("/exports/dossiers.csv?etat=adhesion_signee"))
    assert [r["Commune"] for r in rows] == ["Mirambeau test"]


def test_the_csv_goes_out_in_chunks_while_rows_are_read(world, client, login_as, monkeypatch):
    monkeypatch.setattr(writers, "FLUSH_EVERY", 1)
    login_as(Role.ANCT)
    response = client.get("/exports/dossiers.csv")
    chunks = list(response.response)
    assert len(chunks) >= 5  # the header with the first row, one per row, the rest
    response.close()


def test_the_statements_are_read_in_batches(world):
    user = factories.user_with_role(Role.ANCT)
    for statement in (queries.dossier_statement(user, {}, date(2026, 1, 1)),
                      queries.fiche_statement(user, {}, date(2026, 1, 1))):
        assert statement.get_execution_options()["yield_per"] == queries.BATCH


def test_the_rows_are_a_generator_that_fetches_by_batches(world, monkeypatch):
    """With a batch of 1, reading the first row fetches one row, not all of them."""
    fetched = []
    original = queries.db.session.execute

    def spy(statement, *args, **kwargs):
        result = original(statement, *args, **kwargs)
        fetched.append(statement.get_execution_options().get("yield_per"))
        return result

    monkeypatch.setattr(queries.db.session, "execute", spy)
    user = factories.user_with_role(Role.ANCT)
    rows = queries.dossier_rows(user, {}, date(2026, 1, 1))
    assert fetched == []  # nothing read before the first row is asked for
    next(rows)
    assert fetched == [queries.BATCH]


def test_the_columns_page_explains_every_column_and_is_linked_from_the_lists(world, client, login_as):
    login_as(Role.PREFECTURE, departement_code=world.departement.code)
    page = client.get("/exports/colonnes").get_data(as_text=True)
    for column in DOSSIER_COLUMNS + FICHE_COLUMNS:
        assert column.header.replace("'", "&#39;") in page
    assert "/exports/colonnes" in client.get("/").get_data(as_text=True)
    workspace = client.get("/instruction").get_data(as_text=True)
    assert "/exports/colonnes" in workspace and "/exports/dossiers.xlsx" in workspace
    home = client.get(f"/?departement={world.departement.code}").get_data(as_text=True)
    assert f"/exports/dossiers.csv?departement={world.departement.code}" in home


def test_amounts_are_written_with_a_dot_and_dates_in_iso():
    assert writers.csv_value(Decimal("1234.50")) == "1234.50"
    assert writers.csv_value(date(2024, 2, 29)) == "2024-02-29"
    assert writers.csv_value(None) == ""


def test_on_postgresql_the_rows_come_through_a_server_side_cursor(app, world):
    """yield_per makes SQLAlchemy stream the results: on PostgreSQL, a named (server-side)
    cursor, so the database sends BATCH rows at a time instead of the whole result."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("les curseurs côté serveur sont ceux de PostgreSQL")
    from psycopg import ServerCursor

    user = factories.user_with_role(Role.ANCT)
    for statement in (queries.dossier_statement(user, {}, date(2026, 1, 1)),
                      queries.fiche_statement(user, {}, date(2026, 1, 1))):
        result = factories.db.session.execute(statement)
        assert isinstance(result.raw.cursor, ServerCursor)
        result.close()
        buffered = factories.db.session.execute(statement.execution_options(yield_per=None, stream_results=False))
        assert not isinstance(buffered.raw.cursor, ServerCursor)  # what the test tells apart
        buffered.close()
