"""The conventions' models: what the porteurs write in a convention (its content) and the
rendered PDFs kept so that the same content is not rendered twice (ConventionPdf).

What the porteurs write in a convention: who signs it and, for the cadre, the sections the
programme requires. One content per dossier and kind ("adhesion", "cadre"), written while the
convention is drafted; deposited, it is what the préfecture instructs, and it no longer moves.

The délibérations are not here: their date and number are the uploaded délibération's
(app/documents). Partners come from the programme's reference list (partenaires.py).
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db
from app.core.formatting import utcnow


class ConventionPdf(db.Model):
    """One PDF in the cache of app/conventions/cache.py, found by the hash of its inputs.

    Not a document of the dossier (app/documents keeps those, versioned, never deleted): an
    entry may be removed at any time and rendered again. Who rendered it and when also count
    the renders of a user, for the rate limit.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    inputs_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the PDF, checked before it is served
    taille: Mapped[int]
    rendered_at: Mapped[datetime] = mapped_column(default=utcnow)
    rendered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (
        Index("ix_convention_pdf_rendered_by_id_rendered_at", "rendered_by_id", "rendered_at"),
    )


# Signataire.partie
COMMUNE, EPCI, ETAT, PARTENAIRE = "commune", "epci", "etat", "partenaire"
ETAT_CODE = "etat"


class ConventionContenu(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "adhesion" or "cadre"
    # The convention-cadre's sections (the adhésion has none of its own).
    synthese_diagnostic: Mapped[str | None] = mapped_column(Text)
    strategie: Mapped[str | None] = mapped_column(Text)
    perimetre_ort: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Optimistic locking: two people saving the same content, the second is told.
    version: Mapped[int] = mapped_column(default=1)

    signataires: Mapped[list["Signataire"]] = relationship(
        back_populates="contenu", cascade="all, delete-orphan", order_by="Signataire.id")
    secteurs: Mapped[list["SecteurIntervention"]] = relationship(
        back_populates="contenu", cascade="all, delete-orphan", order_by="SecteurIntervention.id")
    updated_by = relationship("User")

    __table_args__ = (UniqueConstraint("dossier_id", "kind"),)
    __mapper_args__ = {"version_id_col": version}

    def signataire(self, partie: str, code: str) -> "Signataire | None":
        return next((s for s in self.signataires if (s.partie, s.code) == (partie, code)), None)

    def secteur(self, insee: str) -> str | None:
        return next((s.description for s in self.secteurs if s.commune_insee == insee), None)

    @property
    def partenaires(self) -> list[str]:
        """The codes of the partners who sign, in the order they were chosen."""
        return [s.code for s in self.signataires if s.partie == PARTENAIRE]


class Signataire(db.Model):
    """Who signs for a party: a commune (its maire), the EPCI (its président), the State (the
    préfet), a partner (its representative). `code`: INSEE, SIREN, "etat" or the partner's code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contenu_id: Mapped[int] = mapped_column(ForeignKey("convention_contenu.id"), index=True)
    partie: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    nom: Mapped[str | None] = mapped_column(String(200))
    qualite: Mapped[str | None] = mapped_column(String(200))

    contenu: Mapped[ConventionContenu] = relationship(back_populates="signataires")

    __table_args__ = (UniqueConstraint("contenu_id", "partie", "code"),)

    @property
    def complete(self) -> bool:
        return bool(self.nom and self.qualite)


class SecteurIntervention(db.Model):
    """The secteur d'intervention of the ORT in one commune (the cadre's perimeter table)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contenu_id: Mapped[int] = mapped_column(ForeignKey("convention_contenu.id"), index=True)
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"))
    description: Mapped[str] = mapped_column(Text)

    contenu: Mapped[ConventionContenu] = relationship(back_populates="secteurs")

    __table_args__ = (UniqueConstraint("contenu_id", "commune_insee"),)
