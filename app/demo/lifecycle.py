"""A living programme for the demo: every dossier walked through the real lifecycle, on the
days the programme's published trajectory gives (app/demo/trajectory.py), by app/demo/walker.py.

The thirteen dossiers of Charente-Maritime, the demo préfecture's, are given one state each
(`FORCED`): the préfecture sees every step of the lifecycle, and the demo accounts walk every
journey: the adhésion from the start (Courçon, pvd-75-17-2), the convention-cadre (Jonzac,
pvd-75-17-4), the avenants (Marans, pvd-75-17-5, one avenant in each state).

Fast: the machine and its guards run for every transition (runner.fire), but the history rows
are sealed in memory and inserted per batch (`history.bulk`), one placeholder PDF is checked
and stored once for every document (`documents.services.Copies`), and the batch commits
every `BATCH` dossiers.
"""
import io
import random
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.demo import trajectory
from app.demo.walker import Walker
from app.documents.services import Copies
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E
from app.notifications.services import quiet
from app.workflows import history
from app.workflows.history import HistoryChain
from app.workflows.states import AvenantEtat as A

BATCH = 100
# reference -> scenario: one state of the lifecycle per dossier of the demo préfecture
FORCED = {
    "pvd-75-17-1": "adhesion_redaction",       # Aulnay
    "pvd-75-17-2": "labellise",                # Courçon: the second demo accounts' adhésion
    "pvd-75-17-3": "adhesion_deposee",         # Gémozac
    "pvd-75-17-4": "cadre_en_redaction_prolonge",  # Jonzac and six communes: the demo accounts
    "pvd-75-17-5": "cadre_signe",              # Marans: its avenants below
    "pvd-75-17-6": "adhesion_a_completer",     # Marennes-Hiers-Brouage
    "pvd-75-17-7": "adhesion_validee",         # Matha
    "pvd-75-17-12": "cadre_depose",            # Pont-l'Abbé-d'Arnoult and Saint-Porchaire
    "pvd-75-17-15": "cadre_a_completer",       # Saint-Jean-d'Angély
    "pvd-75-17-16": "cadre_valide",            # Saint-Pierre-d'Oléron
    "pvd-75-17-18": "adhesion_signee",         # Saint-Savinien
    "pvd-75-17-19": "cloture",                 # Saujon
    "pvd-75-17-20": "sorti",                   # Surgères
}
FORCED_AVENANTS = {"pvd-75-17-5": (A.SIGNE, A.A_COMPLETER, A.DEPOSE, A.REDACTION)}
ADHESION_STAGE = {"adhesion_redaction": E.ADHESION_REDACTION, "adhesion_deposee": E.ADHESION_DEPOSEE,
                  "adhesion_a_completer": E.ADHESION_A_COMPLETER, "adhesion_validee": E.ADHESION_VALIDEE}
CADRE_STAGE = {"cadre_en_redaction_prolonge": E.CADRE_REDACTION, "cadre_en_redaction_depasse": E.CADRE_REDACTION,
               "cadre_depose": E.CADRE_DEPOSEE, "cadre_a_completer": E.CADRE_A_COMPLETER,
               "cadre_valide": E.CADRE_VALIDEE, "cadre_signe": E.MISE_EN_OEUVRE, "cloture": E.MISE_EN_OEUVRE}


def placeholder_pdf(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def walk(walker: Walker, scenario: str, today: date, avenants=None) -> None:
    """One dossier, from "labellisé" to its scenario's state."""
    if scenario == "labellise":
        return
    if scenario in ADHESION_STAGE:
        walker.adhesion(until=ADHESION_STAGE[scenario])
        return
    plan = trajectory.plan(walker.rng, today, scenario, avenants)
    walker.adhesion(signed_on=plan.adhesion_signed)
    if scenario in CADRE_STAGE:
        walker.cadre(plan, until=CADRE_STAGE[scenario])
    if scenario == "sorti":
        walker.sortie()
    elif scenario == "cloture":
        walker.cloture()
    walker.avenants(plan.avenants)


def to_walk() -> list[int]:
    """The dossiers still "labellisé" with no history: those the walk has to bring to life."""
    return list(db.session.scalars(
        select(Dossier.id)
        .where(Dossier.etat == E.LABELLISE, ~Dossier.id.in_(select(HistoryChain.dossier_id)))
        .order_by(Dossier.id)
    ))


def seed_lifecycle(today: date, actors_for, archive_for, seed: int = 2020, progress=None,
                   forced: dict | None = None, bulk: bool = True, ids: list[int] | None = None,
                   batches: Iterable[list[int]] | None = None) -> Counter:
    """Walk every dossier still "labellisé" with no history (or those of `ids`, or of each
    batch `batches` yields, in turn); returns the scenarios used.

    `actors_for(dossier)` gives {"porteur": user, "prefecture": user} (None: the step is
    recorded without a named person, as data taken over); `archive_for(dossier)` says
    whether to generate and archive the convention PDFs (slow: a sample only). `forced`
    (default `FORCED`) sets the scenario of some dossiers by reference; `bulk=False` writes
    each history row and stores each document as it comes (the same rows: tests compare both).
    Each dossier draws from a generator of its own (the seed and its reference): a dossier
    lives the same life whichever process walks it, and with whichever others
    (app/demo/parallele.py walks parts of the programme side by side). Commits after each
    batch (`BATCH` dossiers of `ids`); `progress(n)`: n dossiers walked so far, every `BATCH` or so.
    """
    forced = FORCED if forced is None else forced
    copies = Copies(placeholder_pdf("Document de démonstration"), "document-demo.pdf")
    if batches is None:
        ids = to_walk() if ids is None else sorted(ids)
        batches = in_batches(ids)
    used = Counter()
    with quiet(), history.bulk() if bulk else nullcontext() as pending:
        reported = 0
        for batch in batches:
            for dossier in _load(batch):
                rng = random.Random(f"{seed}-{dossier.reference}")
                scenario = forced.get(dossier.reference) or trajectory.pick(rng)
                walker = Walker(dossier, rng, today, actors_for(dossier), archive_for(dossier), copies, bulk)
                walk(walker, scenario, today, FORCED_AVENANTS.get(dossier.reference))
                used[scenario] += 1
            copies.write()
            if pending is not None:
                pending.write()
            db.session.commit()
            if progress and sum(used.values()) // BATCH > reported // BATCH:
                reported = sum(used.values())
                progress(reported)
    return used


def in_batches(ids: list[int]):
    """`ids` cut in batches of `BATCH`, in order."""
    return (ids[start:start + BATCH] for start in range(0, len(ids), BATCH))


def _load(ids: list[int]) -> list[Dossier]:
    return db.session.scalars(
        select(Dossier).where(Dossier.id.in_(ids))
        .options(selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune))
        .order_by(Dossier.id)
    ).all()
