"""A document (its type, its step) and its versions (the files, never overwritten).

Documents people deposit and documents Jalons generates are different kinds: a generated file
is a version of a MODELE_GENERE document only, never of a document someone wrote.
"""
import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow


class DocumentType(str, enum.Enum):
    DELIBERATION = "deliberation"
    PROJET_CONVENTION = "projet_convention"
    CONVENTION_SIGNEE = "convention_signee"
    DIAGNOSTIC = "diagnostic"
    ETUDE = "etude"
    PROCES_VERBAL = "proces_verbal"
    AUTRE = "autre"
    MODELE_GENERE = "modele_genere"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]


TYPE_LABELS = {
    DocumentType.DELIBERATION: "Délibération",
    DocumentType.PROJET_CONVENTION: "Projet de convention",
    DocumentType.CONVENTION_SIGNEE: "Convention signée",
    DocumentType.DIAGNOSTIC: "Diagnostic",
    DocumentType.ETUDE: "Étude",
    DocumentType.PROCES_VERBAL: "Procès-verbal",
    DocumentType.AUTRE: "Autre document",
    DocumentType.MODELE_GENERE: "Modèle généré par Jalons",
}

# What a person may choose when uploading (the generated models are Jalons' own).
UPLOADABLE = tuple(t for t in DocumentType if t != DocumentType.MODELE_GENERE)


class Etape(str, enum.Enum):
    ADHESION = "adhesion"
    CADRE = "cadre"
    AVENANT = "avenant"
    SUIVI = "suivi"

    @property
    def label(self) -> str:
        return {"adhesion": "Convention d'adhésion", "cadre": "Convention-cadre",
                "avenant": "Avenant", "suivi": "Mise en œuvre et suivi"}[self.value]


@dataclass(frozen=True)
class StepWindow:
    """Whether the documents of a step may still be withdrawn, as the feature that owns the
    step says: the step is open (not deposited yet, or sent back), and `since` its last deposit
    (a document deposited with it stays)."""

    open: bool
    since: datetime | None = None


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    avenant_id: Mapped[int | None] = mapped_column(ForeignKey("avenant.id"))
    etape: Mapped[Etape] = mapped_column(value_enum(Etape, 30))
    type: Mapped[DocumentType] = mapped_column(value_enum(DocumentType, 30))
    # For a délibération: the INSEE code or SIREN of the collectivité that voted it.
    collectivite_code: Mapped[str | None] = mapped_column(String(9))
    # For a délibération: the date of the session and the number of the act (the conventions
    # print them: "autorisé par délibération n° 2024-12 du 3 mars 2024").
    deliberation_date: Mapped[date | None]
    deliberation_numero: Mapped[str | None] = mapped_column(String(50))
    titre: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Withdrawn by its uploader (uploaded to the wrong step, say): kept, but out of the lists
    # and of what the steps count; a history row says it too.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.numero"
    )
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def current(self) -> "DocumentVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def withdraw_refusal(self, user, window: StepWindow) -> str | None:
        """Why `user` may not withdraw this document now, or None."""
        if self.withdrawn:
            return "Ce document est déjà retiré."
        if user is None or self.created_by_id is None or self.created_by_id != getattr(user, "id", None):
            return "Seule la personne qui a ajouté ce document peut le retirer."
        if self.type == DocumentType.CONVENTION_SIGNEE:
            return "Un document signé ne se retire pas."
        if any(version.generated for version in self.versions):
            return "Un document généré par Jalons ne se retire pas."
        if not window.open:
            return "L'étape de ce document est déposée ou close\u00a0: il ne se retire plus."
        if window.since is not None and self.created_at <= window.since:
            return "Ce document a été déposé avec son étape\u00a0: il ne se retire plus."
        return None

    def can_withdraw(self, user, window: StepWindow) -> bool:
        return self.withdraw_refusal(user, window) is None


class DocumentVersion(db.Model):
    """One uploaded (or generated) file. A new version supersedes, never replaces."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    numero: Mapped[int]
    nom_fichier: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    taille: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    generated: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by = relationship("User")

    __table_args__ = (UniqueConstraint("document_id", "numero"),)
