"""The register's rebuild beside a person using the application (make run: `flask demo comites`
rebuilds it while the server answers). On SQLite, a transaction that has read cannot write after
another one committed: "database is locked" at once, whatever the busy timeout. The rebuild is
then done again, whole; any other error is raised at once."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.core.db import db
from app.tableaux import registre

AUDIT_KEYS = "k1:une-cle-d-audit-de-test-assez-longue"


@pytest.fixture
def alone(tmp_path):
    """An application on a SQLite file of its own, outside the tests' shared transaction (which
    would hide the other connection's commit: `no_transaction`)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/registre.sqlite3", "JALONS_ENV": "test",
                      "SECRET_KEY": "x", "MAIL_SERVER": None, "AUDIT_KEYS": AUDIT_KEYS,
                      "DOCUMENTS_DIR": str(tmp_path / "documents")})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _someone_writes_while_it_reads(monkeypatch, times: int) -> list[int]:
    """While the rebuild reads, another connection commits (the first `times` reads)."""
    expected, reads = registre._expected, []

    def reading(connection, *args):
        reads.append(1)
        result = expected(connection, *args)
        connection.execute(text("SELECT count(*) FROM history_entry"))  # it has read (here, nothing to read)
        if len(reads) <= times:
            with db.engine.connect() as other:
                other.execute(text(f"CREATE TABLE ecrit_pendant_la_lecture_{len(reads)} (x INTEGER)"))
                other.commit()
        return result

    monkeypatch.setattr(registre, "_expected", reading)
    return reads


@pytest.mark.no_transaction
def test_a_rebuild_crossed_by_another_write_is_done_again_and_the_register_is_up_to_date(alone, monkeypatch):
    reads = _someone_writes_while_it_reads(monkeypatch, times=1)
    registre.reconstruire_et_valider()
    assert len(reads) == 2  # the first attempt could not write; the second did
    assert registre.lisible() is not None
    assert db.session.execute(text("SELECT count(*) FROM ecrit_pendant_la_lecture_1")).scalar() == 0


@pytest.mark.no_transaction
def test_a_rebuild_always_crossed_gives_up_after_its_attempts_and_leaves_the_register_as_it_was(alone, monkeypatch):
    reads = _someone_writes_while_it_reads(monkeypatch, times=10)
    with pytest.raises(OperationalError, match="database is locked"):
        registre.reconstruire_et_valider(attempts=3)
    assert len(reads) == 3
    assert registre.lisible() is None  # never built: nothing half-written


@pytest.mark.no_transaction
def test_another_error_is_raised_at_once(alone, monkeypatch):
    def broken(connection, *args):
        connection.execute(text("SELECT * FROM table_absente"))

    monkeypatch.setattr(registre, "_expected", broken)
    with pytest.raises(OperationalError, match="no such table"):
        registre.reconstruire_et_valider()
