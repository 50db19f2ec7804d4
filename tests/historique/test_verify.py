"""History rows: one per transition of any machine, never changed, and tamper-evident against
someone who can write to the database but does not hold the audit key."""
from datetime import date

import pytest
from sqlalchemy import select, text

from app.auth.roles import Role
from app.avenants import lifecycle as avenant_lifecycle, services as avenant_services
from app.core.db import db
from app.dossiers import lifecycle
from app.dossiers.models import DossierEtat as E
from app.historique.verify import verify_chains
from app.workflows.history import GENESIS, HistoryChain, HistoryEntry, sign
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def dossier_with_history():
    dossier = factories.dossier()
    porteur = factories.user_with_role(Role.COMMUNE, commune_insee=dossier.liens_communes[0].commune_insee)
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier.departement_code)
    factories.ready_to_deposit(dossier)
    lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
    lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    lifecycle.fire(dossier, "demander_complements_adhesion", prefet, today=TODAY, reason="Pièce manquante")
    db.session.commit()
    return dossier


def entries(dossier):
    return HistoryEntry.query.filter_by(dossier_id=dossier.id).order_by(HistoryEntry.seq).all()


def problems():
    db.session.expire_all()
    return [(p.dossier_id, p.message) for p in verify_chains()]


def test_each_transition_writes_one_chained_row_and_moves_the_head(dossier_with_history):
    rows = entries(dossier_with_history)
    assert [r.event for r in rows] == ["demarrer_adhesion", "deposer_adhesion", "demander_complements_adhesion"]
    assert [r.seq for r in rows] == [1, 2, 3]
    assert {(r.machine, r.subject_type, r.subject_id) for r in rows} == {
        ("dossier", "dossier", dossier_with_history.id)}
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    chain = db.session.get(HistoryChain, dossier_with_history.id)
    assert (chain.head, chain.length) == (rows[2].hash, 3)
    assert rows[1].effective_on == TODAY  # a deposit's business date
    assert rows[2].reason == "Pièce manquante" and rows[2].role == "prefecture"
    assert rows[2].from_label == "Convention d'adhésion déposée (en instruction)"
    assert problems() == []


def test_a_step_no_person_took_records_no_role():
    dossier = factories.dossier()
    entry = lifecycle.fire(dossier, "demarrer_adhesion", None, today=TODAY)
    assert entry.user_id is None and entry.role is None


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
    assert "ne correspond plus à son sceau" in result.output


def test_a_chain_rewritten_with_recomputed_hashes_is_caught_without_the_key(dossier_with_history):
    """The attacker edits a row, then recomputes every following hash and the head, as they
    could with a plain SHA-256 chain: without the audit key their seals do not verify."""
    rows = entries(dossier_with_history)
    forged, prev = {}, rows[0].hash
    for row in rows[1:]:
        content = row.content()
        content["prev_hash"] = prev
        if row.seq == 2:
            content["reason"] = "déposé sans délibération"
        forged[row.id] = (content["reason"], prev, sign("une clé devinée", content))
        prev = forged[row.id][2]
    for row_id, (reason, prev_hash, hash_) in forged.items():
        db.session.execute(text("UPDATE history_entry SET reason = :r, prev_hash = :p, hash = :h WHERE id = :id"),
                           {"r": reason, "p": prev_hash, "h": hash_, "id": row_id})
    db.session.execute(text("UPDATE history_chain SET head = :h WHERE dossier_id = :d"),
                       {"h": prev, "d": dossier_with_history.id})
    assert problems() == [(dossier_with_history.id, "le contenu ne correspond plus à son sceau (ligne modifiée)")]


def test_a_deleted_row_breaks_the_sequence(dossier_with_history, runner):
    rows = entries(dossier_with_history)
    db.session.execute(text("DELETE FROM history_entry WHERE id = :id"), {"id": rows[1].id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"Ligne {rows[2].id}" in result.output
    assert "une ligne manque" in result.output


def test_a_deleted_last_row_is_detected_through_the_chain_head(dossier_with_history, runner):
    rows = entries(dossier_with_history)
    db.session.execute(text("DELETE FROM history_entry WHERE id = :id"), {"id": rows[-1].id})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"Dossier {dossier_with_history.id}" in result.output


def test_a_whole_chain_deleted_with_its_head_is_detected_by_the_state(dossier_with_history):
    db.session.execute(text("DELETE FROM history_entry WHERE dossier_id = :d"), {"d": dossier_with_history.id})
    db.session.execute(text("DELETE FROM history_chain WHERE dossier_id = :d"), {"d": dossier_with_history.id})
    assert problems() == [(dossier_with_history.id,
                           "l'état « Convention d'adhésion à compléter » n'a aucune trace dans l'historique")]


def test_a_state_changed_directly_in_the_database_is_detected(dossier_with_history):
    db.session.execute(text("UPDATE dossier SET etat = 'mise_en_oeuvre' WHERE id = :d"), {"d": dossier_with_history.id})
    [(dossier_id, message)] = problems()
    assert dossier_id == dossier_with_history.id and "ne correspond pas à la dernière ligne" in message


def test_an_avenant_whose_state_was_changed_directly_is_detected():
    dossier = factories.dossier(etat=E.LABELLISE)
    lifecycle.fire(dossier, "demarrer_adhesion", None, today=TODAY)
    dossier.etat = E.MISE_EN_OEUVRE  # its past steps are not the point here: rebuild a consistent chain
    db.session.execute(text("DELETE FROM history_entry WHERE dossier_id = :d"), {"d": dossier.id})
    db.session.execute(text("DELETE FROM history_chain WHERE dossier_id = :d"), {"d": dossier.id})
    db.session.flush()
    from app.workflows import history

    history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
                   event="reprise", label="Reprise", from_state=None, to_state=E.MISE_EN_OEUVRE)
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier.epci_siren)
    avenant = avenant_services.create_avenant(dossier, "Halles", porteur)
    assert problems() == []
    db.session.execute(text("UPDATE avenant SET etat = 'signe' WHERE id = :a"), {"a": avenant.id})
    [(dossier_id, message)] = problems()
    assert dossier_id == dossier.id and "Avenant signé" in message


def test_rows_sealed_with_a_retired_key_still_verify_and_an_unknown_key_is_named(app, dossier_with_history,
                                                                                 monkeypatch):
    keys = dict(app.config["AUDIT_KEYS"])
    monkeypatch.setitem(app.config, "AUDIT_KEYS", {**keys, "2027": "clé suivante"})
    monkeypatch.setitem(app.config, "AUDIT_KEY_ID", "2027")
    prefet = factories.user_with_role(Role.PREFECTURE, departement_code=dossier_with_history.departement_code)
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier_with_history.epci_siren)
    factories.document(dossier_with_history, "autre", "adhesion", titre="Pièce manquante")
    entry = lifecycle.fire(dossier_with_history, "redeposer_adhesion", porteur, today=TODAY,
                           reason="Pièce jointe")
    assert entry.key_id == "2027"
    assert problems() == []
    monkeypatch.setitem(app.config, "AUDIT_KEYS", {"2027": "clé suivante"})  # the old key lost
    [(_, message)] = problems()
    assert "clé d'audit" in message and "inconnue" in message
    del prefet


def test_audit_verify_passes_on_an_intact_history(dossier_with_history, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Historique intègre" in result.output


@pytest.mark.parametrize("kind", ["adhesion", "cadre"])
def test_a_deposit_archives_the_generated_model_apart_from_the_porteurs_draft(app, monkeypatch, kind):
    from app.documents.models import Document, DocumentType, DocumentVersion

    monkeypatch.setitem(app.config, "ARCHIVE_CONVENTIONS", True)
    dossier = factories.dossier()
    porteur = factories.user_with_role(Role.EPCI, epci_siren=dossier.epci_siren)
    if kind == "adhesion":
        factories.ready_to_deposit(dossier)
        lifecycle.fire(dossier, "demarrer_adhesion", porteur, today=TODAY)
        entry = lifecycle.fire(dossier, "deposer_adhesion", porteur, today=TODAY)
    else:
        dossier.etat, dossier.adhesion_signee_le = E.ADHESION_SIGNEE, date(2026, 1, 5)
        lifecycle.fire(dossier, "demarrer_cadre", porteur, today=TODAY)
        factories.ready_to_deposit(dossier, "cadre")
        entry = lifecycle.fire(dossier, "deposer_cadre", porteur, today=TODAY)
    archived = entry.payload_dict["modele_genere"]
    version = db.session.get(DocumentVersion, archived["version_id"])
    assert version.generated and version.sha256 == archived["sha256"]
    assert version.content_type == "application/pdf"
    document = db.session.get(Document, version.document_id)
    assert document.etape.value == kind
    assert document.type == DocumentType.MODELE_GENERE
    drafts = db.session.scalars(select(Document).where(Document.dossier_id == dossier.id,
                                                       Document.type == DocumentType.PROJET_CONVENTION)).all()
    assert not any(v.generated for d in drafts for v in d.versions)  # the porteurs' draft got no generated version
    assert db.session.scalar(select(HistoryEntry.id).where(HistoryEntry.hash == entry.hash)) == entry.id
