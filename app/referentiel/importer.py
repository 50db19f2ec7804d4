"""`flask referentiel import`: today's geography, loaded or refreshed in bulk.

The service flushes and records a ReferentielImport row; the command commits. Rows that
left the source (a commune merged since the last import) are kept, not deleted: dossiers
and role grants may still point at them.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy import select

from app.core.db import db
from app.referentiel import source as src
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)
from app.referentiel.upsert import TableCount, upsert_rows

# In foreign-key order: a département needs its région, a commune its département and EPCI.
TABLES = (
    ("régions", Region, "code", "regions"),
    ("départements", Departement, "code", "departements"),
    ("EPCI", Epci, "siren", "epcis"),
    ("communes", Commune, "insee", "communes"),
    ("anciens codes", CodeHistorique, "code", "codes_historiques"),
)


@dataclass
class ImportResult:
    checksum: str
    counts: dict[str, TableCount] = field(default_factory=dict)
    anomalies: list[str] = field(default_factory=list)
    skipped_overseas: int = 0
    # Set when --if-changed found the same files already imported: nothing was done.
    unchanged_since: ReferentielImport | None = None

    @property
    def summary(self) -> str:
        return " ; ".join(
            f"{label} : {c.created} créations, {c.updated} mises à jour, {c.unchanged} inchangées"
            for label, c in self.counts.items()
        )


def default_source() -> Path:
    """The npm package, beside app/ (the project root)."""
    return src.default_source(Path(current_app.root_path).parent)


def last_import() -> ReferentielImport | None:
    return db.session.scalar(
        select(ReferentielImport)
        .order_by(ReferentielImport.imported_at.desc(), ReferentielImport.id.desc())
        .limit(1)
    )


def _source_label(source: Path) -> str:
    """The source as the import row stores it: relative to the project when inside it."""
    try:
        label = str(source.resolve().relative_to(Path(current_app.root_path).parent.resolve()))
    except ValueError:
        label = str(source)
    return label if len(label) <= 120 else "…" + label[-119:]


def import_referentiel(source: Path | None = None, if_changed: bool = False,
                       progress: Callable[[str], None] = lambda message: None) -> ImportResult:
    source = Path(source) if source else default_source()
    src.check_files(source)
    result = ImportResult(checksum=src.checksum(source))
    if if_changed:
        previous = last_import()
        if previous is not None and previous.checksum == result.checksum:
            result.unchanged_since = previous
            return result

    progress(f"Lecture de {source}…")
    data = src.read_source(source)
    result.anomalies = data.anomalies
    result.skipped_overseas = data.skipped_overseas
    for label, model, key, attribute in TABLES:
        rows = getattr(data, attribute)
        result.counts[label] = upsert_rows(model.__table__, key, rows, label, progress)

    db.session.add(ReferentielImport(
        source=_source_label(source), checksum=result.checksum, summary=result.summary[:500]
    ))
    db.session.flush()
    # The bulk writes bypassed the identity map: objects loaded before would be stale.
    db.session.expire_all()
    return result
