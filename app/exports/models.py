"""A request for a large XLSX export, and the file it produced (a cache).

A national XLSX takes about a minute to write (openpyxl, ~25 µs a cell): longer than a worker
may be held. Beyond EXPORT_XLSX_SYNC_CELLS cells, the export is queued (one row here) and
written by `flask exports generer`, which tells the requester in the notifications. A ready
row is served again to its requester for the same export, filters and day while the data it
was drawn from is unchanged (`empreinte`, app/exports/demandes.py).
"""
import enum
import json
from datetime import date

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import db, value_enum
from app.core.demandes import DemandeColumns


class ExportEtat(str, enum.Enum):
    EN_ATTENTE = "en_attente"
    EN_COURS = "en_cours"
    PRET = "pret"
    ECHEC = "echec"
    EXPIRE = "expire"  # its file deleted after PREPARED_FILES_DAYS

    @property
    def label(self) -> str:
        return {"en_attente": "En attente", "en_cours": "En préparation", "pret": "Prêt",
                "echec": "Échec", "expire": "Expiré"}[self.value]


class ExportDemande(DemandeColumns, db.Model):
    kind: Mapped[str] = mapped_column(String(20))  # a key of app/exports/columns.EXPORTS
    filtres: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the home list's filters
    jour: Mapped[date]  # the day of the export (the deadlines' status, the chef de projet in post)
    etat: Mapped[ExportEtat] = mapped_column(value_enum(ExportEtat, 20), default=ExportEtat.EN_ATTENTE,
                                             index=True)
    lignes: Mapped[int | None]

    __table_args__ = (db.Index("ix_export_demande_cle", "user_id", "kind", "jour"),)

    @property
    def filters(self) -> dict:
        return json.loads(self.filtres or "{}")

    @property
    def filename(self) -> str:
        return f"jalons-{self.kind}-{self.jour.isoformat()}.xlsx"
