"""`insert_returning_ids`: many rows inserted in chunks, their ids in the rows' order."""
from sqlalchemy import select

from app.core.db import db, insert_returning_ids
from app.referentiel.models import Region


def test_ids_come_back_in_the_order_of_the_rows_across_chunks(app):
    rows = [{"code": f"R{n:02d}", "nom": f"Région {n}"} for n in (7, 3, 9, 1, 5, 8, 2, 6, 4, 10)]
    ids = insert_returning_ids(Region, rows, chunk=3)
    names = dict(db.session.execute(select(Region.id, Region.nom).where(Region.id.in_(ids))).all())
    assert [names[i] for i in ids] == [r["nom"] for r in rows]
    assert insert_returning_ids(Region, []) == []
