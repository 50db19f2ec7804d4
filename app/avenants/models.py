"""Avenants: amendments to a signed convention-cadre, each with its own small lifecycle."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow
from app.workflows.states import AvenantEtat

__all__ = ["Avenant", "AvenantEtat"]


class Avenant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    numero: Mapped[int]
    objet: Mapped[str] = mapped_column(Text)
    etat: Mapped[AvenantEtat] = mapped_column(
        value_enum(AvenantEtat, 20),
        default=AvenantEtat.REDACTION,
    )
    depose_le: Mapped[date | None]
    signe_le: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    dossier = relationship("Dossier", back_populates="avenants")

    __table_args__ = (UniqueConstraint("dossier_id", "numero"),)
    __mapper_args__ = {"version_id_col": version}

    def __str__(self):
        return f"Avenant n° {self.numero}"
