"""`flask audit anchor` and `verify --anchor`: an insider holding the audit key cannot rewrite
what happened before an anchor kept outside the database."""
import json
from datetime import date

import pytest
from sqlalchemy import select, text

from app.auth.roles import Role
from app.core.db import db
from app.core.outbox import OutboxMessage
from app.dossiers import lifecycle
from app.workflows.history import HistoryEntry, audit_keys, sign
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def dossier():
    dossier = factories.dossier()
    porteur = factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    db.session.commit()
    return dossier


def write_anchor(runner, path):
    result = runner.invoke(args=["audit", "anchor", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def reseal_with_the_key(dossier, new_reason):
    """What an insider with database access and the audit key can do: rewrite a row and seal
    the whole chain again, head included. `audit verify` alone cannot see it."""
    keys, prev = audit_keys(), "0" * 64
    for row in HistoryEntry.query.filter_by(dossier_id=dossier.id).order_by(HistoryEntry.seq):
        content = row.content()
        content["prev_hash"] = prev
        if row.seq == 1:
            content["reason"] = new_reason
        prev = sign(keys[row.key_id], content)
        db.session.execute(text("UPDATE history_entry SET reason = :r, prev_hash = :p, hash = :h WHERE id = :id"),
                           {"r": content["reason"], "p": content["prev_hash"], "h": prev, "id": row.id})
    db.session.execute(text("UPDATE history_chain SET head = :h WHERE dossier_id = :d"), {"h": prev, "d": dossier.id})
    db.session.commit()
    db.session.expire_all()


def test_an_anchor_lists_every_chain_head(runner, tmp_path, dossier):
    anchor = write_anchor(runner, tmp_path / "ancre.json")
    last = HistoryEntry.query.filter_by(dossier_id=dossier.id).order_by(HistoryEntry.seq.desc()).first()
    assert [dossier.id, 2, last.hash] in anchor["chains"]
    assert anchor["format"] == "jalons-audit-ancre/1" and len(anchor["digest"]) == 64


def test_later_steps_keep_the_anchor_true(runner, tmp_path, dossier):
    path = tmp_path / "ancre.json"
    write_anchor(runner, path)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    lifecycle.fire(dossier, "valider_adhesion", prefet, today=TODAY)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert result.exit_code == 0, result.output
    assert "conforme à l'ancre" in result.output


def test_a_chain_resealed_with_the_key_passes_verify_but_not_the_anchor(runner, tmp_path, dossier):
    path = tmp_path / "ancre.json"
    write_anchor(runner, path)
    reseal_with_the_key(dossier, "déposé par erreur")
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the key makes the forgery consistent
    result = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert result.exit_code == 1
    assert f"Dossier {dossier.id} : la ligne 2 de l'historique ne correspond plus à l'ancre" in result.output


def test_an_edited_anchor_is_refused(runner, tmp_path, dossier):
    path = tmp_path / "ancre.json"
    anchor = write_anchor(runner, path)
    anchor["chains"] = [c for c in anchor["chains"] if c[0] != dossier.id]
    path.write_text(json.dumps(anchor))
    result = runner.invoke(args=["audit", "verify", "--anchor", str(path)])
    assert result.exit_code == 1 and "l'ancre elle-même a été modifiée" in result.output


def test_the_anchor_can_be_mailed(runner, dossier):
    result = runner.invoke(args=["audit", "anchor", "--email", "archives@anct.gouv.fr"])
    assert result.exit_code == 0, result.output
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "archives@anct.gouv.fr"))
    assert message is not None and "jalons-audit-ancre/1" in message.body
