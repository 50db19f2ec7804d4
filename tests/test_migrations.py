"""The migrations build exactly the schema the models describe, and undo it.

They run on an empty database of their own, never on the suite's schema (which
`db.create_all()` made): a temporary SQLite file, or, when TEST_DATABASE_URL points to
PostgreSQL, a database created for the test on the same server and dropped after it.
"""
import os
from datetime import date, datetime
import secrets
import tempfile
from pprint import pformat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url

from app import create_app
from app.core.db import db

pytestmark = pytest.mark.no_transaction


@pytest.fixture
def empty_database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        with tempfile.TemporaryDirectory(prefix="jalons-migrations-") as folder:
            yield "sqlite:///" + os.path.join(folder, "migrations.sqlite3")
        return
    server = make_url(url)
    if server.get_backend_name() != "postgresql":
        pytest.fail(f"TEST_DATABASE_URL : base non prise en charge ({server.get_backend_name()})")
    name = f"jalons_migrations_{secrets.token_hex(4)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def migrations_app(empty_database_url):
    app = create_app({
        "JALONS_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": empty_database_url,
    })
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_have_a_single_head(migrations_app):
    script = ScriptDirectory.from_config(migrations_app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, script.get_heads()


def test_upgrade_builds_the_schema_of_the_models(migrations_app):
    upgrade()
    differences = schema_differences()
    assert differences == [], (
        "The migrations and the models differ; write a migration "
        "(flask db migrate, then read and fix it):\n"
        + pformat(differences)
    )


def test_downgrade_to_base_removes_every_table_and_upgrade_again_works(migrations_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())


# --- the history carried over to one table per subject (4bf2fb9abb7e) -----------------------

def _old_row(dossier_id, prev, **values):
    """A row of the first schema's chain, hashed as that version did (plain SHA-256)."""
    import hashlib
    import json

    row = {"dossier_id": dossier_id, "avenant_id": None, "user_id": None, "role": None,
           "at": datetime(2025, 3, 4, 9, 30), "reason": None, "details": None, "prev_hash": prev,
           **values}
    content = {**row, "at": row["at"].isoformat(timespec="microseconds")}
    row["hash"] = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return row


def _seed_first_schema(tamper: bool = False):
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO region (code, nom) VALUES ('ZR', 'Région')"))
        connection.execute(text("INSERT INTO departement (code, nom, region_code) VALUES ('ZD', 'Dép', 'ZR')"))
        connection.execute(text(
            "INSERT INTO dossier (id, reference, nom, departement_code, etat, adhesion_signee_le, version, "
            "created_at, updated_at) VALUES (1, 'pvd-z', 'Z', 'ZD', 'mise_en_oeuvre', '2025-03-04', 1, "
            "'2025-01-01', '2025-01-01')"))
        connection.execute(text(
            "INSERT INTO avenant (id, dossier_id, numero, objet, etat, created_at, version) "
            "VALUES (7, 1, 1, 'Halles', 'redaction', '2025-06-01', 1)"))
        rows, prev = [], "0" * 64
        for values in (
            {"event": "signer_adhesion", "label": "Signature", "from_state": "adhesion_validee",
             "to_state": "adhesion_signee", "details": '{"date_signature": "2025-03-04", "echeance_cadre": "2026-09-04"}'},
            {"event": "signer_cadre", "label": "Signature du cadre", "from_state": "cadre_validee",
             "to_state": "mise_en_oeuvre", "role": "prefecture",
             "details": '{"date_signature": "2025-05-02"}'},
            {"event": "avenant_cree", "label": "Avenant n° 1 en rédaction", "from_state": "mise_en_oeuvre",
             "to_state": "mise_en_oeuvre", "avenant_id": 7, "role": "commune", "reason": "Halles"},
        ):
            row = _old_row(1, prev, **values)
            rows.append(row)
            prev = row["hash"]
        if tamper:
            rows[1]["reason"] = "réécrit après coup"
        for i, row in enumerate(rows, 1):
            connection.execute(text(
                "INSERT INTO history_entry (id, dossier_id, avenant_id, user_id, role, at, event, label, "
                "from_state, to_state, reason, details, prev_hash, hash) VALUES (:id, :dossier_id, :avenant_id, "
                ":user_id, :role, :at, :event, :label, :from_state, :to_state, :reason, :details, :prev_hash, :hash)"),
                {"id": i, **row})
        connection.execute(text("UPDATE dossier SET historique_empreinte = :h WHERE id = 1"), {"h": prev})


def test_the_history_is_carried_over_verified_before_and_after(migrations_app):
    from app.historique.verify import verify_chains
    from app.workflows.history import HistoryEntry

    upgrade(revision="9daaed33e8c9")
    _seed_first_schema()
    upgrade()
    rows = db.session.scalars(db.select(HistoryEntry).order_by(HistoryEntry.seq)).all()
    assert [(r.seq, r.machine, r.subject_type, r.subject_id, r.event) for r in rows] == [
        (1, "dossier", "dossier", 1, "signer_adhesion"),
        (2, "dossier", "dossier", 1, "signer_cadre"),
        (3, "avenant", "avenant", 7, "creer"),
    ]
    assert [r.effective_on for r in rows[:2]] == [date(2025, 3, 4), date(2025, 5, 2)]
    assert rows[0].payload_dict == {"echeance_cadre": "2026-09-04"}
    assert rows[0].role is None  # no person acted: no role is invented
    assert (rows[2].from_state, rows[2].to_state) == (None, "redaction")
    assert [(p.dossier_id, p.message) for p in verify_chains()] == []
    # …and back: the first schema's chain is rebuilt.
    db.session.rollback()
    downgrade(revision="9daaed33e8c9")
    with db.engine.connect() as connection:
        heads = connection.exec_driver_sql("SELECT historique_empreinte FROM dossier").scalars().all()
        assert heads[0] and len(heads[0]) == 64


def test_an_altered_history_is_not_rewritten_by_the_migration(migrations_app, caplog):
    from sqlalchemy import inspect as inspect_

    upgrade(revision="9daaed33e8c9")
    _seed_first_schema(tamper=True)
    with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
        upgrade()
    assert "Historique altéré (ligne 2, dossier 1)" in caplog.text
    columns = {c["name"] for c in inspect_(db.engine).get_columns("history_entry")}
    assert "details" in columns and "payload" not in columns  # nothing was rewritten


# --- generated files apart from the porteurs' documents (86fa98521692) ----------------------

def _seed_documents():
    """A dossier whose draft got a generated version at its deposit (as before 86fa98521692),
    and a document holding nothing but generated versions."""
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO region (code, nom) VALUES ('ZR', 'Région')"))
        connection.execute(text("INSERT INTO departement (code, nom, region_code) VALUES ('ZD', 'Dép', 'ZR')"))
        connection.execute(text(
            "INSERT INTO dossier (id, reference, nom, departement_code, etat, version, created_at, updated_at) "
            "VALUES (1, 'pvd-z', 'Z', 'ZD', 'cadre_deposee', 1, '2025-01-01', '2025-01-01')"))
        for doc_id, etape, titre in ((1, "cadre", "Projet de convention-cadre"),
                                     (2, "adhesion", "Projet de convention d'adhésion (généré par Jalons)")):
            connection.execute(text(
                "INSERT INTO document (id, dossier_id, etape, type, titre, created_at) "
                "VALUES (:id, 1, :etape, 'projet_convention', :titre, :at)"),
                {"id": doc_id, "etape": etape, "titre": titre, "at": datetime(2025, 2, 1)})
        for version_id, doc_id, numero, generated in ((1, 1, 1, False), (2, 1, 2, True), (3, 1, 3, False),
                                                      (4, 2, 1, True)):
            connection.execute(text(
                "INSERT INTO document_version (id, document_id, numero, nom_fichier, content_type, taille, "
                "sha256, storage_key, generated, uploaded_at) VALUES (:id, :doc, :numero, 'f.pdf', "
                "'application/pdf', 10, :sha, :key, :generated, :at)"),
                {"id": version_id, "doc": doc_id, "numero": numero, "sha": f"{version_id:064d}",
                 "key": f"k{version_id}", "generated": generated, "at": datetime(2025, 2, version_id)})
        if connection.dialect.name == "postgresql":  # rows given their ids: the sequences follow
            for table in ("document", "document_version"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT MAX(id) FROM {table}))"))


def test_generated_versions_leave_the_porteurs_draft_for_a_generated_model(migrations_app):
    from app.documents.models import Document, DocumentType, DocumentVersion

    upgrade(revision="4bf2fb9abb7e")
    _seed_documents()
    upgrade()
    draft = db.session.get(Document, 1)
    assert draft.type == DocumentType.PROJET_CONVENTION and draft.titre == "Projet de convention-cadre"
    assert [(v.id, v.numero, v.generated) for v in draft.versions] == [(1, 1, False), (3, 3, False)]
    assert draft.current.id == 3  # the porteurs' own draft is current again
    moved = db.session.get(DocumentVersion, 2)
    model = moved.document
    assert (model.type, model.etape.value, model.dossier_id) == (DocumentType.MODELE_GENERE, "cadre", 1)
    assert model.titre == "Modèle de convention-cadre généré par Jalons"
    assert (moved.numero, moved.sha256, moved.storage_key) == (2, f"{2:064d}", "k2")  # unchanged
    archive = db.session.get(Document, 2)
    assert archive.type == DocumentType.MODELE_GENERE and [v.id for v in archive.versions] == [4]
    db.session.rollback()
    downgrade(revision="4bf2fb9abb7e")
    with db.engine.connect() as connection:
        types = connection.exec_driver_sql("SELECT DISTINCT type FROM document").scalars().all()
        assert types == ["projet_convention"]


# --- the outbox's status, claims and attachments (b1ae8c7dca37) ------------------------------

def test_existing_outbox_messages_are_kept_with_the_status_they_had(migrations_app):
    from sqlalchemy import text

    from app.core.outbox import MAX_ATTEMPTS, MessageStatus, OutboxMessage

    upgrade(revision="cfcfd8e4a116")
    with db.engine.begin() as connection:
        for id_, sent_at, attempts in ((1, "2026-11-30 10:00:00", 1), (2, None, MAX_ATTEMPTS), (3, None, 2)):
            connection.execute(text(
                "INSERT INTO outbox_message (id, recipient, subject, body, created_at, sent_at, attempts) "
                "VALUES (:id, 'a@commune-test.fr', 'Sujet', 'Corps', '2026-11-30 09:00:00', :sent_at, :attempts)"),
                {"id": id_, "sent_at": sent_at, "attempts": attempts})
    upgrade()
    rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.id, m.status, m.attempts, m.body) for m in rows] == [
        (1, MessageStatus.ENVOYE, 1, "Corps"),
        (2, MessageStatus.EN_ECHEC, MAX_ATTEMPTS, "Corps"),
        (3, MessageStatus.EN_ATTENTE, 2, "Corps"),
    ]
    assert all(m.claimed_at is None and m.idempotency_key is None for m in rows)
    db.session.rollback()
    downgrade(revision="cfcfd8e4a116")
    with db.engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT id, sent_at IS NOT NULL, attempts FROM outbox_message ORDER BY id").all()
    assert [tuple(row) for row in kept] == [(1, True, 1), (2, False, MAX_ATTEMPTS), (3, False, 2)]


# --- documents withdrawn by their uploader (b8b9652baf0d) ------------------------------------

def test_withdrawal_columns_are_added_beside_the_documents_and_removed_again(migrations_app):
    from sqlalchemy import text

    upgrade(revision="86fa98521692")
    with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO region (code, nom) VALUES ('ZR', 'Région')",
            "INSERT INTO departement (code, nom, region_code) VALUES ('ZD', 'Dép', 'ZR')",
            "INSERT INTO dossier (id, reference, nom, departement_code, etat, version, created_at, updated_at) "
            "VALUES (1, 'pvd-z', 'Z', 'ZD', 'adhesion_redaction', 1, '2025-01-01', '2025-01-01')",
            "INSERT INTO document (id, dossier_id, etape, type, titre, created_at) "
            "VALUES (1, 1, 'adhesion', 'autre', 'Plan', '2025-01-02')",
            "INSERT INTO document_version (id, document_id, numero, nom_fichier, content_type, taille, sha256, "
            "storage_key, generated, uploaded_at) VALUES (1, 1, 1, 'plan.pdf', 'application/pdf', 1, 'x', 'k', "
            "false, '2025-01-02')",
        ):
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT titre, withdrawn_at, withdrawn_by_id FROM document")).all() == [("Plan", None, None)]
    if db.engine.dialect.name == "postgresql":
        downgrade(revision="86fa98521692")
        columns = {c["name"] for c in inspect(db.engine).get_columns("document")}
        assert "withdrawn_at" not in columns and "withdrawn_by_id" not in columns
    else:  # SQLite cannot copy a table its document versions point to: the columns stay, unused
        downgrade(revision="86fa98521692")
        assert "withdrawn_at" in {c["name"] for c in inspect(db.engine).get_columns("document")}
        upgrade()  # and the upgrade finds them
        assert "withdrawn_by_id" in {c["name"] for c in inspect(db.engine).get_columns("document")}
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document_version")).scalar() == 1


# --- OPAH periods (8b4738f19863) and the dashboards' register (d250c8261ce0) ------------------

def test_each_commune_in_an_opah_gets_a_period_without_a_day_and_keeps_its_row_when_undone(migrations_app):
    from sqlalchemy import text

    upgrade(revision="92d319981e86")
    with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO region (code, nom) VALUES ('ZR', 'Région')",
            "INSERT INTO departement (code, nom, region_code) VALUES ('ZD', 'Dép', 'ZR')",
            "INSERT INTO commune (insee, nom, departement_code) VALUES ('Z0001', 'A', 'ZD'), ('Z0002', 'B', 'ZD')",
            "INSERT INTO dossier (id, reference, nom, departement_code, etat, version, created_at, updated_at) "
            "VALUES (1, 'pvd-z', 'Z', 'ZD', 'mise_en_oeuvre', 1, '2025-01-01', '2025-01-01')",
            "INSERT INTO commune_revitalisation (id, dossier_id, commune_insee, opah_type, opah_phase, updated_at) "
            "VALUES (1, 1, 'Z0001', 'opah_ru', 'operationnelle', '2025-02-03'), "
            "(2, 1, 'Z0002', 'aucune', NULL, '2025-02-03')",
        ):
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT revitalisation_id, opah_type, opah_phase, depuis_le FROM opah_periode")).all() == [
            (1, "opah_ru", "operationnelle", None)]
        assert connection.execute(text("SELECT count(*) FROM tableau_registre")).scalar() == 0  # not built yet
    downgrade(revision="92d319981e86")
    assert not {"opah_periode", "tableau_variation", "tableau_cumul", "tableau_registre"} & set(
        inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT commune_insee, opah_type, opah_phase FROM commune_revitalisation ORDER BY id")).all() == [
            ("Z0001", "opah_ru", "operationnelle"), ("Z0002", "aucune", None)]
