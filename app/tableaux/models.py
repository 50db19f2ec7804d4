"""A request for a "point d'avancement" report, and the PDF it produced (a cache).

One row per request: the worker (`flask rapports generer`) renders the pending ones and tells
the requester in the notifications. A ready row is the cache of its level and day, valid as
long as the data it was drawn from has not changed (`empreinte`, app/tableaux/rapports.py).
"""
import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow


class RapportEtat(str, enum.Enum):
    EN_ATTENTE = "en_attente"
    EN_COURS = "en_cours"
    PRET = "pret"
    ECHEC = "echec"


class RapportDemande(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    niveau: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(3))
    au: Mapped[date]
    etat: Mapped[RapportEtat] = mapped_column(value_enum(RapportEtat, 20), default=RapportEtat.EN_ATTENTE,
                                              index=True)
    # What the figures were drawn from (a digest of the history's and the rows' last changes).
    empreinte: Mapped[str | None] = mapped_column(String(64))
    fichier: Mapped[str | None] = mapped_column(String(64))  # key in the documents storage
    taille: Mapped[int | None]
    duree_ms: Mapped[int | None]
    erreur: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    generated_at: Mapped[datetime | None]

    user = relationship("User")

    __table_args__ = (db.Index("ix_rapport_demande_cle", "niveau", "code", "au"),)

    @property
    def filename(self) -> str:
        where = self.niveau if self.code is None else f"{self.niveau}-{self.code}"
        return f"point-avancement-{where}-{self.au.isoformat()}.pdf"
