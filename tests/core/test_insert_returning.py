"""`insert_returning_ids`: many rows inserted in chunks, their new ids in the rows' order;
`insert_many`: many rows through the driver."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.core.db import db, insert_many, insert_returning_ids
from app.projet.models import AxeStrategique, LigneFinancement
from app.workflows.states import FinancementStatut as S
from tests import factories
from tests.projet import factories as projet_factories


def test_new_ids_come_back_in_the_order_of_the_rows_across_chunks(app):
    dossier = factories.dossier()
    titles = [f"Axe {n}" for n in (7, 3, 9, 1, 5, 8, 2, 6, 4, 10)]
    rows = [{"dossier_id": dossier.id, "ordre": n, "titre": t, "enjeux": ""} for n, t in enumerate(titles)]
    ids = insert_returning_ids(AxeStrategique, rows, chunk=3)
    stored = dict(db.session.execute(select(AxeStrategique.id, AxeStrategique.titre)
                                     .where(AxeStrategique.dossier_id == dossier.id)).all())
    assert len(ids) == len(set(ids)) == 10 and [stored[i] for i in ids] == titles
    assert insert_returning_ids(AxeStrategique, []) == []


def test_insert_many_writes_through_the_driver_what_the_orm_reads_back(app):
    """Dates, amounts, enums and text go through their column types as SQLAlchemy would send
    them (SQLite keeps dates as text, PostgreSQL takes them by COPY): read back equal."""
    fiche = projet_factories.fiche(projet_factories.dossier())
    columns = ("fiche_id", "source", "annee", "montant", "statut", "sollicite_le", "decide_le", "version", "created_at")
    rows = [(fiche.id, "anah", 2020 + n, Decimal(f"{n}1234.56"), S.ACCORDE if n % 2 else S.PREVU,
             date(2021, n + 1, 2), None, 1, datetime(2024, 3, n + 1, 9, 30, 15, 250)) for n in range(7)]
    assert insert_many(db.session.connection(), LigneFinancement.__table__, columns, iter(rows)) == 7
    assert insert_many(db.session.connection(), LigneFinancement.__table__, columns, []) == 0
    db.session.expire_all()
    stored = db.session.execute(
        select(*(LigneFinancement.__table__.c[name] for name in columns))
        .where(LigneFinancement.fiche_id == fiche.id, LigneFinancement.source == "anah")
        .order_by(LigneFinancement.annee)).all()
    assert [tuple(row) for row in stored] == rows
