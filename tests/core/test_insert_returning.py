"""`insert_returning_ids`: many rows inserted in chunks, their new ids in the rows' order."""
from sqlalchemy import select

from app.core.db import db, insert_returning_ids
from app.projet.models import AxeStrategique
from tests import factories


def test_new_ids_come_back_in_the_order_of_the_rows_across_chunks(app):
    dossier = factories.dossier()
    titles = [f"Axe {n}" for n in (7, 3, 9, 1, 5, 8, 2, 6, 4, 10)]
    rows = [{"dossier_id": dossier.id, "ordre": n, "titre": t, "enjeux": ""} for n, t in enumerate(titles)]
    ids = insert_returning_ids(AxeStrategique, rows, chunk=3)
    stored = dict(db.session.execute(select(AxeStrategique.id, AxeStrategique.titre)
                                     .where(AxeStrategique.dossier_id == dossier.id)).all())
    assert len(ids) == len(set(ids)) == 10 and [stored[i] for i in ids] == titles
    assert insert_returning_ids(AxeStrategique, []) == []
