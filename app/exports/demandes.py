"""Large XLSX exports, written in the background like the « point d'avancement » reports.

openpyxl writes about 40,000 cells a second here: the national XLSX of the fiches action
(87,000 lines × 20 columns) takes about a minute, longer than a worker may be held. An XLSX of
more than EXPORT_XLSX_SYNC_CELLS cells (rows counted by one COUNT, times the columns) is
therefore not written in the request: `request_export` queues it (or finds it ready, or already
queued), `flask exports generer` (cron, every minute) writes it into the documents' storage and
tells the requester in the notifications. A ready file is served again to its requester for the
same export, filters and day while the data it was drawn from is unchanged (`empreinte`). The
CSV is always streamed: a few seconds for the whole programme. Services flush; the views and
the command commit.
"""
import hashlib
import json
import time
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.core.db import db
from app.core.demandes import RequestQueue
from app.core.formatting import utcnow
from app.core.storage import get_storage
from app.dossiers.models import Dossier, DossierCommune
from app.exports import queries, writers
from app.exports.columns import EXPORTS
from app.exports.models import ExportDemande, ExportEtat as E
from app.notifications.services import Message, notify, path_for
from app.projet.models import AxeStrategique, FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, PosteChefDeProjet
from app.workflows.history import HistoryEntry

QUEUE = RequestQueue(ExportDemande, E, lease=timedelta(minutes=15), label="Export")


def cells(kind: str, user, filters: dict, today: date) -> int:
    """The cells the XLSX would hold: its rows (one COUNT) times its columns."""
    stmt = queries.STATEMENTS[kind](user, filters, today).order_by(None)
    rows = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    return rows * len(EXPORTS[kind][2])


def too_large(kind: str, user, filters: dict, today: date) -> bool:
    return cells(kind, user, filters, today) > current_app.config["EXPORT_XLSX_SYNC_CELLS"]


def empreinte() -> str:
    """A digest of what the exports read that may change: one statement."""
    def versions(model):
        return select(func.coalesce(func.sum(model.version), 0) + func.count(model.id)).scalar_subquery()

    values = db.session.execute(select(
        select(func.max(HistoryEntry.id)).scalar_subquery(),
        versions(Dossier), versions(FicheAction), versions(LigneFinancement), versions(PosteChefDeProjet),
        select(func.count()).select_from(DossierCommune).scalar_subquery(),
        select(func.max(CommuneRevitalisation.updated_at)).scalar_subquery(),
        select(func.max(OpahPeriode.id)).scalar_subquery(),
        select(func.count(AxeStrategique.id)).scalar_subquery(),
    )).one()
    return hashlib.sha256(repr(tuple(values)).encode()).hexdigest()


def key_of(filters: dict) -> str:
    return json.dumps({k: v for k, v in sorted(filters.items()) if v}, sort_keys=True, ensure_ascii=False)


def _same(user_id: int, kind: str, filtres: str, jour: date):
    return (ExportDemande.user_id == user_id, ExportDemande.kind == kind, ExportDemande.filtres == filtres,
            ExportDemande.jour == jour)


def _ready(key: tuple, digest: str) -> ExportDemande | None:
    user_id, kind, filtres, jour = key
    return db.session.scalar(
        select(ExportDemande).where(*_same(user_id, kind, filtres, jour), ExportDemande.etat == E.PRET,
                                    ExportDemande.empreinte == digest)
        .order_by(ExportDemande.id.desc()).limit(1))


def request_export(user, kind: str, filters: dict, today: date) -> ExportDemande:
    """The ready file of this export (same data), the request already queued, or a new one."""
    key = (user.id, kind, key_of(filters), today)
    ready = _ready(key, empreinte())
    if ready is not None:
        return ready
    queued = db.session.scalar(
        select(ExportDemande).where(*_same(*key), ExportDemande.etat.in_([E.EN_ATTENTE, E.EN_COURS]))
        .order_by(ExportDemande.id.desc()).limit(1))
    if queued is not None:
        return queued
    row = ExportDemande(user_id=user.id, kind=kind, filtres=key[2], jour=today)
    db.session.add(row)
    db.session.flush()
    return row


def requests_of(user, limit: int = 20) -> list[ExportDemande]:
    return db.session.scalars(select(ExportDemande).where(ExportDemande.user_id == user.id)
                              .order_by(ExportDemande.id.desc()).limit(limit)).all()


def _counted(rows, counter: list):
    for row in rows:
        counter[0] += 1
        yield row


def process(row_id: int) -> ExportDemande:
    """Write one claimed request (or copy the file of the same export, same data) and tell its
    requester. Flushes; the caller commits."""
    row = db.session.get(ExportDemande, row_id, populate_existing=True)
    title, _, columns = EXPORTS[row.kind]
    digest = empreinte()
    cached = _ready((row.user_id, row.kind, row.filtres, row.jour), digest)
    if cached is not None and cached.id != row.id:
        row.fichier, row.taille, row.lignes = get_storage().copy(cached.fichier), cached.taille, cached.lignes
    else:
        started, counter = time.perf_counter(), [0]
        rows = queries.ROWS[row.kind](row.user, row.filters, row.jour)
        with writers.xlsx_file(columns, _counted(rows, counter), title) as handle:
            data = handle.read()
        row.fichier, row.taille, row.lignes = get_storage().save(data), len(data), counter[0]
        row.duree_ms = int((time.perf_counter() - started) * 1000)
    row.empreinte, row.etat, row.generated_at, row.erreur = digest, E.PRET, utcnow(), None
    db.session.flush()
    notify(Message(kind="export_pret", title=f"Export prêt — {title}",
                   url=path_for("exports.demande", demande_id=row.id),
                   context={"titre": title, "jour": row.jour, "lignes": row.lignes}), users=[row.user_id])
    return row
