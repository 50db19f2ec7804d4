"""History rows: one per transition, never changed, and tamper-evident."""
from datetime import date

import pytest
from sqlalchemy import text

from app.auth.roles import Role
from app.core.db import db
from app.dossiers import transitions
from app.dossiers.history import GENESIS, HistoryEntry, verify_chains
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def dossier_with_history():
    dossier = factories.dossier()
    porteur = factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    factories.deliberations(dossier)
    transitions.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    transitions.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    transitions.fire(dossier, "demander_complements_adhesion", prefet, today=TODAY, reason="Pièce manquante")
    db.session.commit()
    return dossier


def entries(dossier):
    return HistoryEntry.query.filter_by(dossier_id=dossier.id).order_by(HistoryEntry.id).all()


def test_each_transition_writes_one_chained_row(dossier_with_history):
    rows = entries(dossier_with_history)
    assert [r.event for r in rows] == ["demarrer_adhesion", "deposer_adhesion", "demander_complements_adhesion"]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert dossier_with_history.historique_empreinte == rows[2].hash
    assert rows[2].reason == "Pièce manquante" and rows[2].role == "prefecture"
    assert list(verify_chains()) == []


def test_rows_cannot_be_updated_or_deleted_through_the_application(dossier_with_history):
    row = entries(dossier_with_history)[0]
    row.reason = "réécrit"
    with pytest.raises(RuntimeError, match="ne se modifie pas"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entries(dossier_with_history)[0])
    with pytest.raises(RuntimeError, match="ne se supprime pas"):
        db.session.flush()
    db.session.rollback()


def test_a_row_altered_in_the_database_is_named_by_audit_verify(dossier_with_history, runner):
    target = entries(dossier_with_history)[1]
    db.session.execute(text("UPDATE history_entry SET reason = 'falsifié' WHERE id = :id"), {"id": target.id})
    db.session.commit()
    db.session.expire_all()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Ligne {target.id} de l'historique" in result.output
    assert "ne correspond plus à son empreinte" in result.output


def test_a_deleted_row_breaks_the_chain(dossier_with_history, runner):
    rows = entries(dossier_with_history)
    db.session.execute(text("DELETE FROM history_entry WHERE id = :id"), {"id": rows[1].id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"Ligne {rows[2].id}" in result.output
    assert "lien avec la ligne précédente est rompu" in result.output


def test_a_deleted_last_row_is_detected_through_the_dossier_head(dossier_with_history, runner):
    rows = entries(dossier_with_history)
    db.session.execute(text("DELETE FROM history_entry WHERE id = :id"), {"id": rows[-1].id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and dossier_with_history.reference in result.output


def test_audit_verify_passes_on_an_intact_history(dossier_with_history, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Historique intègre" in result.output


def test_submission_archives_the_generated_convention_with_its_hash(app, monkeypatch):
    from app.documents.models import Document, DocumentType, DocumentVersion

    monkeypatch.setitem(app.config, "ARCHIVE_CONVENTIONS", True)
    dossier = factories.dossier()
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier.epci_siren)
    factories.deliberations(dossier)
    transitions.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    entry = transitions.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    archived = entry.details_dict["projet_archive"]
    version = db.session.get(DocumentVersion, archived["version_id"])
    assert version.generated and version.sha256 == archived["sha256"]
    assert version.content_type == "application/pdf"
    document = db.session.get(Document, version.document_id)
    assert document.type == DocumentType.PROJET_CONVENTION and document.etape.value == "adhesion"
