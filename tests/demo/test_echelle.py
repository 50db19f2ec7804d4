"""`flask demo seed --scale N`: the walked programme cloned in bulk, every clone complete, its
chain sealed for itself, its documents readable."""
import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.core.db import db
from app.core.storage import get_storage
from app.demo import echelle, services
from app.demo.lifecycle import seed_lifecycle
from app.demo.projet import seed_projets
from app.demo.territoire import seed_territoire
from app.documents.models import Document, DocumentVersion
from app.dossiers.models import Dossier, DossierCommune
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from tests import factories

TODAY = date(2026, 11, 22)
# A handful of walked dossiers: avenants (Marans), a cadre with its documents, signed ones.
FORCED = {"pvd-75-17-5": "cadre_signe", "pvd-75-17-4": "cadre_en_redaction_prolonge",
          "pvd-75-17-12": "cadre_depose", "pvd-75-17-19": "cloture", "pvd-75-17-6": "adhesion_a_completer"}


def _counts(tables) -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}


@pytest.fixture
def walked():
    dep = factories.departement()
    epci = factories.epci()
    for n, reference in enumerate(FORCED):
        factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 3)], reference=reference)
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=5, forced=FORCED)
    seed_projets(TODAY, seed=5)
    seed_territoire(seed=5)
    db.session.commit()
    return _counts(echelle.cloned_tables())


def test_every_row_of_every_dossier_is_cloned_with_its_communes(walked):
    assert walked["document_version"] and walked["avenant"] and walked["fiche_action"] and walked["history_entry"]
    times = echelle.clone_programme(3)
    assert set(times) >= {"lignes copiées en SQL", "historique rescellé"}
    assert _counts(echelle.cloned_tables()) == {name: 3 * n for name, n in walked.items()}
    references = db.session.scalars(select(Dossier.reference)).all()
    assert len(set(references)) == 15
    assert {r for r in references if "~" in r} == {f"{r}~{k}" for r in FORCED for k in (2, 3)}
    communes = {}
    for reference, insee in db.session.execute(
            select(Dossier.reference, DossierCommune.commune_insee).join(DossierCommune)):
        communes.setdefault(reference.split("~")[0], {}).setdefault(reference, set()).add(insee)
    assert all(len({frozenset(s) for s in clones.values()}) == 1 and len(clones) == 3 for clones in communes.values())


def test_clones_chains_verify_and_their_payloads_name_their_own_documents(walked):
    echelle.clone_programme(3)
    assert list(verify_chains()) == []
    documents = dict(db.session.execute(select(DocumentVersion.id, Document.dossier_id).join(Document)).all())
    named = 0
    for entry in db.session.scalars(select(HistoryEntry).where(HistoryEntry.payload.contains("version_id"))):
        for record in _records(json.loads(entry.payload)):
            assert documents[record["version_id"]] == entry.dossier_id
            named += 1
    assert named


def _records(value):
    if isinstance(value, dict):
        if "version_id" in value:
            yield value
        for item in value.values():
            yield from _records(item)
    elif isinstance(value, list):
        for item in value:
            yield from _records(item)


def test_clones_documents_are_readable_under_keys_of_their_own(walked):
    echelle.clone_programme(3)
    versions = db.session.scalars(select(DocumentVersion)).all()
    assert len({v.storage_key for v in versions}) == len(versions)
    storage = get_storage()
    for version in versions:
        assert hashlib.sha256(storage.read(version.storage_key)).hexdigest() == version.sha256


def test_cloning_twice_does_nothing_and_new_rows_get_new_ids(walked):
    echelle.clone_programme(3)
    assert echelle.clone_programme(3) == {}
    dossier = factories.dossier([factories.commune()])
    db.session.flush()
    assert dossier.id > db.session.scalar(select(func.max(Dossier.id)).where(Dossier.reference.contains("~")))


def test_seed_command_walks_then_clones_and_prints_the_time_of_each_phase(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    dep = factories.departement(code=services.DEMO_DEPARTEMENT, region_obj=factories.region(code=services.DEMO_REGION))
    epci = factories.epci(siren=services.DEMO_EPCI)
    factories.dossier([factories.commune(dep, epci, insee=services.DEMO_COMMUNE)], reference=services.DEMO_DOSSIER)
    factories.dossier([factories.commune(dep, factories.epci(siren=services.ADHESION_EPCI),
                                         insee=services.ADHESION_COMMUNE)], reference=services.ADHESION_DOSSIER)
    db.session.commit()
    result = runner.invoke(args=["demo", "seed", "--scale", "2"])
    assert result.exit_code == 0, result.output
    assert "Dossiers faits vivre, et leurs projets de territoire en" in result.output and "Copies en" in result.output
    clones = db.session.scalars(select(Dossier.reference).where(Dossier.reference.contains("~"))).all()
    assert sorted(clones) == sorted([f"{services.DEMO_DOSSIER}~2", f"{services.ADHESION_DOSSIER}~2"])
    assert list(verify_chains()) == []


def test_the_demo_check_expects_n_times_the_published_counts_of_a_programme_copied_n_times(walked, monkeypatch):
    from app.demo import checks

    assert checks.scale() == 1
    echelle.clone_programme(3)
    assert checks.scale() == 3
    monkeypatch.setattr(checks, "compute", lambda level, day, user: _Figures())
    ranges = {c.label: (c.low, c.high) for c in checks.dashboard()}
    assert any(low == 3 * 290 and high == 3 * 450 for low, high in ranges.values())  # communes with a cadre
    assert any((low, high) == (99.5, 100.0) for low, high in ranges.values())  # a share stays a share


class _Figures:
    opah_total = 0
    total = type("Total", (), {"pct_adhesion": 0, "communes_cadre": 0, "pct_cadre": 0, "communes_ort": 0})()
