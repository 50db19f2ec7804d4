"""Recompute every chain of the history and compare it with the subjects it describes.

Against someone who can write to the database, without the audit key: a row edited (its
HMAC no longer matches, and recomputing it needs the key), a row deleted or inserted (the
sequence or the link to the previous row breaks), the tail of a chain cut (the head kept in
`history_chain` no longer matches), a whole chain deleted (a dossier past "labellisé" without
history) or a state changed directly (the subject's state differs from its last row).
"""
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.avenants.models import Avenant
from app.comite.models import ReunionComite
from app.core.db import db
from app.dossiers.models import Dossier, DossierEtat
from app.projet.models import FicheAction
from app.workflows.history import GENESIS, HistoryChain, HistoryEntry, audit_keys

# subject_type -> (model, initial state: a subject there may have no history)
SUBJECTS = {"dossier": (Dossier, DossierEtat.LABELLISE.value), "avenant": (Avenant, None),
            "fiche_action": (FicheAction, None), "reunion_comite": (ReunionComite, None)}


@dataclass
class Problem:
    dossier_id: int
    message: str
    entry: HistoryEntry | None = None


def verify_chains(batch: int = 5000):
    """Yield a Problem for the first broken row of each broken chain, then for every
    subject whose state or head does not match its chain. Bounded memory per batch."""
    # A session of its own on the same connection: emptied between batches without
    # detaching the caller's objects.
    session = Session(bind=db.session.connection())
    try:
        yield from _verify(session, batch, audit_keys())
    finally:
        session.close()


def _verify(session, batch, keys):
    last: dict[int, tuple[int, str]] = {}  # dossier -> (seq, hash) of its last row
    states: dict[tuple[str, int], str] = {}  # subject -> state of its last row
    broken: set[int] = set()
    cursor = (0, 0)
    while True:
        rows = session.scalars(
            select(HistoryEntry)
            .where(tuple_(HistoryEntry.dossier_id, HistoryEntry.seq) > cursor)
            .order_by(HistoryEntry.dossier_id, HistoryEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            cursor = (entry.dossier_id, entry.seq)
            if entry.dossier_id in broken:
                continue
            seq, prev = last.get(entry.dossier_id, (0, GENESIS))
            expected = entry.compute_hash(keys)
            problem = None
            if entry.seq != seq + 1:
                problem = "une ligne manque ou a été insérée avant celle-ci (numéro d'ordre rompu)"
            elif entry.prev_hash != prev:
                problem = "le lien avec la ligne précédente est rompu (ligne supprimée ou modifiée)"
            elif expected is None:
                problem = f"la clé d'audit « {entry.key_id} » qui l'a scellée est inconnue ici"
            elif expected != entry.hash:
                problem = "le contenu ne correspond plus à son sceau (ligne modifiée)"
            if problem:
                broken.add(entry.dossier_id)
                yield Problem(entry.dossier_id, problem, entry)
            last[entry.dossier_id] = (entry.seq, entry.hash)
            states[(entry.subject_type, entry.subject_id)] = entry.to_state
        session.expunge_all()
    yield from _heads(session, last, broken)
    yield from _states(session, states, broken)


def _heads(session, last, broken):
    heads = dict(session.execute(select(HistoryChain.dossier_id, HistoryChain.head)).all())
    for dossier_id, head in heads.items():
        if dossier_id not in broken and last.get(dossier_id, (0, GENESIS))[1] != head:
            broken.add(dossier_id)
            yield Problem(dossier_id, "la dernière ligne de l'historique a disparu ou a été remplacée")
    for dossier_id in last.keys() - heads.keys() - broken:
        broken.add(dossier_id)
        yield Problem(dossier_id, "la tête de la chaîne d'historique a été supprimée")


def _states(session, states, broken):
    for subject_type, (model, initial) in SUBJECTS.items():
        for subject_id, dossier_id, etat in session.execute(
            select(model.id, Dossier.id if model is Dossier else model.dossier_id, model.etat)
        ):
            if dossier_id in broken:
                continue
            recorded = states.get((subject_type, subject_id))
            if recorded is None and etat.value != initial:
                broken.add(dossier_id)
                yield Problem(dossier_id, f"l'état « {etat.label} » n'a aucune trace dans l'historique")
            elif recorded is not None and recorded != etat.value:
                broken.add(dossier_id)
                yield Problem(dossier_id, f"l'état enregistré (« {etat.label} ») ne correspond pas "
                                          "à la dernière ligne de son historique")
