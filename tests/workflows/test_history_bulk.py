"""`history.bulk_append` (and `history.bulk()`, the demo's path) writes exactly the rows that
`append` writes one by one: same content, same chain, same seals, same heads."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.core.db import db
from app.dossiers.models import DossierEtat as E
from app.historique.verify import verify_chains
from app.workflows import history
from app.workflows.history import HistoryChain, HistoryEntry
from tests import factories


def rows_for(first, second, porteur):
    """Rows of two dossiers, interleaved, with users, roles, reasons, dates and payloads."""
    row = dict(subject_type="dossier", machine="dossier", label="Étape")
    return [
        dict(row, dossier_id=first.id, subject_id=first.id, event="demarrer_adhesion",
             from_state="labellise", to_state="adhesion_redaction", user=porteur, role="commune",
             at=datetime(2021, 3, 1, 9, 30)),
        dict(row, dossier_id=second.id, subject_id=second.id, event="demarrer_adhesion",
             from_state="labellise", to_state="adhesion_redaction", at=datetime(2021, 3, 2, 10)),
        dict(row, dossier_id=first.id, subject_id=first.id, event="deposer_adhesion",
             from_state="adhesion_redaction", to_state="adhesion_deposee", user=porteur, role="commune",
             effective_on=date(2021, 4, 1), at=datetime(2021, 4, 1, 11)),
        dict(row, dossier_id=first.id, subject_type="avenant", subject_id=77, machine="avenant",
             event="creer", from_state=None, to_state="redaction", reason="Halles",
             payload={"echeance_cadre": date(2022, 10, 1)}, at=datetime(2021, 5, 1, 8)),
    ]


def snapshot(dossier_ids):
    db.session.expire_all()
    entries = db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.dossier_id.in_(dossier_ids))
        .order_by(HistoryEntry.dossier_id, HistoryEntry.seq)
    ).all()
    chains = db.session.scalars(select(HistoryChain).where(HistoryChain.dossier_id.in_(dossier_ids))).all()
    return ([(e.content(), e.hash) for e in entries],
            sorted((c.dossier_id, c.head, c.length) for c in chains))


@pytest.mark.parametrize("existing_rows", [0, 2])
def test_bulk_append_writes_the_rows_append_writes(existing_rows):
    first, second = factories.dossier(), factories.dossier()
    porteur = factories.user()
    rows = rows_for(first, second, porteur)
    existing = [history.append(**row) for row in rows[:existing_rows]]  # bulk continues these chains
    rest = rows[existing_rows:]

    one_by_one = db.session.begin_nested()
    for row in rest:
        history.append(**row)
    expected = snapshot([first.id, second.id])
    one_by_one.rollback()

    returned = history.bulk_append(rest)
    assert snapshot([first.id, second.id]) == expected
    assert len(expected[0]) == len(rows) and len(returned) == len(rest)
    assert {e.hash for e in returned} == {h for _, h in expected[0]} - {e.hash for e in existing}
    first.etat, second.etat = E.ADHESION_DEPOSEE, E.ADHESION_REDACTION  # as the rows say
    db.session.flush()
    assert list(verify_chains()) == []


def test_rows_kept_in_bulk_are_written_at_each_write_and_at_the_end():
    dossier = factories.dossier()
    rows = rows_for(dossier, factories.dossier(), None)[:1]
    with history.bulk() as pending:
        history.append(**rows[0])
        assert db.session.scalar(select(HistoryEntry).where(HistoryEntry.dossier_id == dossier.id)) is None
        pending.write()
        assert db.session.scalar(select(HistoryEntry.seq).where(HistoryEntry.dossier_id == dossier.id)) == 1
        history.append(**dict(rows[0], event="deposer_adhesion"))
    assert db.session.get(HistoryChain, dossier.id).length == 2
    assert db.session.info.get(history.BULK) is None  # append is one by one again
    dossier.etat = E.ADHESION_REDACTION
    db.session.flush()
    assert list(verify_chains()) == []
