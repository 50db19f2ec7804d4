"""The "point d'avancement" PDF of a level at a day: rendered at once when that is quick,
otherwise queued for `flask rapports generer`, which tells the requester in the notifications.

Quick means: the last report of that kind of level took under a second (`SYNC_MS`); with no
measure yet, a département is quick and a région or the nation is not. The PDF is stored in
the documents storage and its row is the cache of its level and day as long as the data it
was drawn from is unchanged (`empreinte`: the last history row, the rows without history).
Services flush; the view and the command commit.
"""
import hashlib
import time
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select
from weasyprint import HTML

from app.core.db import db
from app.core.demandes import RequestQueue
from app.core.formatting import utcnow
from app.core.storage import get_storage
from app.conventions.fetcher import StaticOnlyFetcher, static_url
from app.dossiers.models import DossierCommune
from app.notifications.services import Message, notify, path_for
from app.projet.models import LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahType, PosteChefDeProjet
from app.tableaux import carte as cartes, courbes
from app.tableaux.figures import STATUTS, compute
from app.tableaux.models import RapportDemande, RapportEtat as R
from app.tableaux.niveaux import DEPARTEMENT, HorsPerimetre, Niveau, resolve
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat

SYNC_MS = 1000
QUEUE = RequestQueue(RapportDemande, R, lease=timedelta(minutes=10), label="Rapport")
# Changed when the report's layout changes: older PDFs are not served as current.
LAYOUT = "1"


def empreinte() -> str:
    """A digest of what the figures read that may change: one statement."""
    values = db.session.execute(select(
        select(func.max(HistoryEntry.id)).scalar_subquery(),
        select(func.max(CommuneRevitalisation.updated_at)).scalar_subquery(),
        select(func.count(CommuneRevitalisation.id)).scalar_subquery(),
        select(func.coalesce(func.sum(PosteChefDeProjet.version), 0) + func.count(PosteChefDeProjet.id))
        .scalar_subquery(),
        select(func.coalesce(func.sum(LigneFinancement.version), 0) + func.count(LigneFinancement.id))
        .scalar_subquery(),
        select(func.count()).select_from(DossierCommune).scalar_subquery(),
    )).one()
    return hashlib.sha256(repr((LAYOUT, *values)).encode()).hexdigest()


def _same(level: Niveau, au):
    return (RapportDemande.niveau == level.kind,
            RapportDemande.code.is_(None) if level.code is None else RapportDemande.code == level.code,
            RapportDemande.au == au)


def latest_ready(level: Niveau, au, digest: str | None = None) -> RapportDemande | None:
    """The cached report of this level and day, if the data has not changed since."""
    return db.session.scalar(
        select(RapportDemande)
        .where(*_same(level, au), RapportDemande.etat == R.PRET,
               RapportDemande.empreinte == (digest or empreinte()))
        .order_by(RapportDemande.id.desc()).limit(1))


def is_quick(level: Niveau) -> bool:
    last = db.session.scalar(
        select(RapportDemande.duree_ms)
        .where(RapportDemande.niveau == level.kind, RapportDemande.etat == R.PRET,
               RapportDemande.duree_ms.is_not(None))
        .order_by(RapportDemande.generated_at.desc()).limit(1))
    return level.kind == DEPARTEMENT if last is None else last < SYNC_MS


def request_report(level: Niveau, au, user) -> RapportDemande:
    """The ready report (cached, or rendered now when quick), or a pending request."""
    digest = empreinte()
    ready = latest_ready(level, au, digest)
    if ready is not None:
        return ready
    row = RapportDemande(user_id=user.id, niveau=level.kind, code=level.code, au=au)
    db.session.add(row)
    db.session.flush()
    if is_quick(level):
        render_into(row, level, user, digest)
    return row


def render_pdf(level: Niveau, au, user) -> bytes:
    figures = compute(level, au, user)
    html = render_template(
        "tableaux/rapport.html", level=level, au=au, figures=figures, courbes=courbes.courbes(level, au, user),
        carte=cartes.carte(figures.par_departement, "pct_cadre", national=level.kind == "national"),
        insets=cartes.insets(), source=cartes.SOURCE, generated=utcnow(), statuts=STATUTS,
        opah_labels={t.value: t.label for t in OpahType}, fiche_labels={e.value: e.label for e in FicheEtat},
    )
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    pdf = HTML(string=html, base_url=static_url(""), url_fetcher=fetcher).write_pdf()
    if fetcher.refused:
        current_app.logger.warning("Rapport %s %s : ressources refusées %s", level.kind, level.code, fetcher.refused)
    return pdf


def render_into(row: RapportDemande, level: Niveau, user, digest: str | None = None) -> None:
    """Render, store, and mark `row` ready (reusing a PDF of the same data if one exists)."""
    digest = digest or empreinte()
    cached = latest_ready(level, row.au, digest)
    if cached is not None and cached.id != row.id:
        row.fichier, row.taille, row.duree_ms = get_storage().copy(cached.fichier), cached.taille, None
    else:
        started = time.perf_counter()
        pdf = render_pdf(level, row.au, user)
        row.duree_ms = int((time.perf_counter() - started) * 1000)
        row.fichier, row.taille = get_storage().save(pdf), len(pdf)
    row.empreinte, row.etat, row.generated_at, row.erreur = digest, R.PRET, utcnow(), None
    db.session.flush()


def process(row_id: int) -> RapportDemande | None:
    """Render one claimed request and notify its requester. Flushes; the caller commits."""
    row = db.session.get(RapportDemande, row_id, populate_existing=True)
    try:
        level = resolve(row.user, row.niveau, row.code)
    except HorsPerimetre:
        row.etat, row.erreur = R.ECHEC, "Ce niveau n'est plus dans le périmètre du demandeur."
        db.session.flush()
        return row
    render_into(row, level, row.user)
    notify(Message(kind="rapport_pret", title=f"Point d'avancement prêt — {level.titre}",
                   url=path_for("tableaux.rapport_pdf", rapport_id=row.id),
                   context={"niveau": level.titre, "au": row.au}), users=[row.user_id])
    return row
