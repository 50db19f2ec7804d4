"""The comité de projet of a dossier: its external guests, its meetings (agenda, attendance,
decisions, procès-verbal) and the partners' avis on the fiches action.

The members are not stored: they are the holders of roles on the dossier (app/comite/members.py),
computed like every other recipient. Guests are people without an account (an architect, the
CAUE…), named by the chef de projet.
"""
import enum
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow
from app.workflows.states import ReunionEtat

__all__ = ["AvisPartenaire", "AvisSens", "Decision", "InviteComite", "PointOrdreDuJour", "Presence",
           "PresenceStatut", "ReunionComite", "ReunionEtat"]


class Decision(str, enum.Enum):
    VALIDEE = "validee"
    A_REVOIR = "a_revoir"
    REFUSEE = "refusee"
    AJOURNEE = "ajournee"

    @property
    def label(self) -> str:
        return {"validee": "Validée", "a_revoir": "À revoir", "refusee": "Refusée",
                "ajournee": "Ajournée"}[self.value]

    @property
    def event(self) -> str | None:
        """The fiche machine's event (app/workflows/fiche.py); an adjourned fiche stays soumise."""
        return {"validee": "valider", "a_revoir": "demander_revision", "refusee": "refuser"}.get(self.value)

    @property
    def needs_reason(self) -> bool:
        return self in (Decision.A_REVOIR, Decision.REFUSEE)


class PresenceStatut(str, enum.Enum):
    PRESENT = "present"
    EXCUSE = "excuse"
    REPRESENTE = "represente"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {"present": "Présent", "excuse": "Excusé", "represente": "Représenté",
                "absent": "Absent"}[self.value]


class AvisSens(str, enum.Enum):
    FAVORABLE = "favorable"
    RESERVE = "reserve"
    DEFAVORABLE = "defavorable"

    @property
    def label(self) -> str:
        return {"favorable": "Favorable", "reserve": "Réservé", "defavorable": "Défavorable"}[self.value]


class InviteComite(db.Model):
    """A guest of the comité without an account; withdrawn guests are kept (past attendance)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    nom: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retire_le: Mapped[datetime | None]


class ReunionComite(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    # naive UTC like every stored datetime; typed and shown in Europe/Paris
    debut: Mapped[datetime] = mapped_column(index=True)
    duree_minutes: Mapped[int]
    lieu: Mapped[str | None] = mapped_column(String(300))
    lien_visio: Mapped[str | None] = mapped_column(String(500))
    etat: Mapped[ReunionEtat] = mapped_column(value_enum(ReunionEtat, 20), default=ReunionEtat.PLANIFIEE)
    # the calendar's identity of the meeting (RFC 5545 UID) and its revision (SEQUENCE)
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=lambda: f"{uuid.uuid4()}@jalons")
    sequence: Mapped[int] = mapped_column(default=0)
    organisateur_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tenue_le: Mapped[datetime | None]
    motif_annulation: Mapped[str | None] = mapped_column(Text)
    # what the comité said beyond its decisions, as the secretary wrote it (in the PV)
    observations: Mapped[str | None] = mapped_column(Text)
    # the archived procès-verbal (a generated document of the dossier)
    pv_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    version: Mapped[int] = mapped_column(default=1)

    dossier = relationship("Dossier")
    organisateur = relationship("User")
    pv_document = relationship("Document")
    points: Mapped[list["PointOrdreDuJour"]] = relationship(
        back_populates="reunion", order_by="PointOrdreDuJour.ordre", cascade="all, delete-orphan")
    presences: Mapped[list["Presence"]] = relationship(
        back_populates="reunion", order_by="Presence.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def fin(self) -> datetime:
        return self.debut + timedelta(minutes=self.duree_minutes)

    @property
    def ou(self) -> str:
        parts = [p for p in (self.lieu, self.lien_visio) if p]
        return " — ".join(parts) or "—"


class PointOrdreDuJour(db.Model):
    """A point of the agenda: a fiche action soumise (then a decision), or a point typed in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reunion_id: Mapped[int] = mapped_column(ForeignKey("reunion_comite.id"), index=True)
    ordre: Mapped[int]
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche_action.id"), index=True)
    titre: Mapped[str | None] = mapped_column(String(300))
    decision: Mapped[Decision | None] = mapped_column(value_enum(Decision, 20))
    motif: Mapped[str | None] = mapped_column(Text)

    reunion = relationship("ReunionComite", back_populates="points")
    fiche = relationship("FicheAction")

    @property
    def intitule(self) -> str:
        return str(self.fiche) if self.fiche is not None else (self.titre or "")


class Presence(db.Model):
    """Who was there: a member (a user) or a guest, with their name as it was that day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reunion_id: Mapped[int] = mapped_column(ForeignKey("reunion_comite.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invite_comite.id"))
    nom: Mapped[str] = mapped_column(String(200))
    qualite: Mapped[str] = mapped_column(String(200))
    statut: Mapped[PresenceStatut] = mapped_column(value_enum(PresenceStatut, 20))
    represente_par: Mapped[str | None] = mapped_column(String(200))

    reunion = relationship("ReunionComite", back_populates="presences")


class AvisPartenaire(db.Model):
    """A partner's avis on a fiche soumise; a later avis of the same organisation supersedes it
    (both kept)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id"), index=True)
    auteur_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation: Mapped[str] = mapped_column(String(100))
    sens: Mapped[AvisSens] = mapped_column(value_enum(AvisSens, 20))
    commentaire: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    auteur = relationship("User")
    fiche = relationship("FicheAction")

