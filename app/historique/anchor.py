"""Anchors: the heads of every chain at a date, kept outside the database.

The HMAC seals stop someone who can write to the database but lacks the audit key. Someone
who has both (an operator, a stolen backup with the environment) could rewrite a chain and
seal it again; an anchor written earlier to a file or an e-mail out of their reach then
proves it: the row that was the head of each chain at that date must still hash the same.
"""
import hashlib
import json
from datetime import datetime

from sqlalchemy import select, tuple_

from app.core.db import db
from app.core.formatting import utcnow
from app.workflows.history import HistoryChain, HistoryEntry

FORMAT = "jalons-audit-ancre/1"


def _digest(chains) -> str:
    lines = "".join(f"{dossier_id}:{length}:{head}\n" for dossier_id, length, head in chains)
    return hashlib.sha256(lines.encode()).hexdigest()


def make_anchor(at: datetime | None = None) -> dict:
    """Every chain's (dossier, length, head) now, and one digest over them all."""
    chains = [list(row) for row in db.session.execute(
        select(HistoryChain.dossier_id, HistoryChain.length, HistoryChain.head).order_by(HistoryChain.dossier_id)
    )]
    return {"format": FORMAT, "at": (at or utcnow()).isoformat(timespec="seconds") + "Z",
            "chains": chains, "digest": _digest(chains)}


def check_anchor(anchor: dict, batch: int = 2000):
    """Yield (dossier_id or None, problem) for every anchored head that changed or vanished."""
    if anchor.get("format") != FORMAT or "chains" not in anchor:
        yield None, "ce fichier n'est pas une ancre d'audit de Jalons"
        return
    chains = anchor["chains"]
    if _digest(chains) != anchor.get("digest"):
        yield None, "l'ancre elle-même a été modifiée (son empreinte ne correspond plus)"
        return
    for start in range(0, len(chains), batch):
        part = chains[start:start + batch]
        found = {(d, n): h for d, n, h in db.session.execute(
            select(HistoryEntry.dossier_id, HistoryEntry.seq, HistoryEntry.hash)
            .where(tuple_(HistoryEntry.dossier_id, HistoryEntry.seq).in_([(d, n) for d, n, _ in part]))
        )}
        for dossier_id, length, head in part:
            current = found.get((dossier_id, length))
            if current is None:
                yield dossier_id, f"la ligne {length} de l'historique, tête de la chaîne à la date de l'ancre, a disparu"
            elif current != head:
                yield dossier_id, (f"la ligne {length} de l'historique ne correspond plus à l'ancre : "
                                   "l'historique antérieur a été réécrit")


def dumps(anchor: dict) -> str:
    return json.dumps(anchor, ensure_ascii=False, indent=1)
