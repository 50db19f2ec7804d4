"""The real reference geography, imported once per test session and committed.

Importing the ~35,000 communes costs a couple of seconds, too much for every test; and the
per-test transaction of tests/conftest.py rolls everything back. So this fixture imports
once, before any test transaction opens (pytest sets session fixtures up before function
ones), through the application's own session bound to the engine, and commits. Tests then
see the real data beside the factories' "Z…" geography, which never clashes with it.

Test modules outside tests/referentiel/ import it explicitly:
`from tests.fixtures_referentiel import referentiel  # noqa: F401`.
"""
import time
from dataclasses import dataclass

import pytest

from app.core.db import db
from app.referentiel.importer import ImportResult, import_referentiel


@dataclass
class ImportedReferentiel:
    result: ImportResult
    seconds: float


_imported: ImportedReferentiel | None = None


@pytest.fixture(scope="session")
def referentiel(app) -> ImportedReferentiel:
    """The first import of the session (the same object for every module that imports this)."""
    global _imported
    if _imported is None:
        with app.app_context():
            started = time.perf_counter()
            result = import_referentiel()
            db.session.commit()
            _imported = ImportedReferentiel(result, time.perf_counter() - started)
            db.session.remove()
    return _imported
