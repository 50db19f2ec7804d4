"""The dossier's chef de projet post(s) with their cofinancing, and each commune's ORT and OPAH."""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow
from app.projet.models import Money

__all__ = ["CommuneRevitalisation", "OpahPeriode", "OpahPhase", "OpahType", "PosteChefDeProjet",
           "PosteCofinancement", "SecteurOrt", "COFINANCEURS"]

# Who cofinances a chef de projet post under the programme.
COFINANCEURS = {"anct": "ANCT", "banque_des_territoires": "Banque des territoires", "anah": "Anah"}


class PosteChefDeProjet(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # when the person has an account
    nom: Mapped[str | None] = mapped_column(String(200))  # otherwise (or a vacant post: "à recruter")
    employeur_code: Mapped[str] = mapped_column(String(9))  # INSEE code or SIREN of a collectivité of the dossier
    date_debut: Mapped[date]
    date_fin: Mapped[date | None]
    cout_annuel: Mapped[Decimal] = mapped_column(Money)  # loaded cost of a full year
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    user = relationship("User")
    cofinancements: Mapped[list["PosteCofinancement"]] = relationship(
        back_populates="poste", order_by="PosteCofinancement.annee, PosteCofinancement.financeur")

    __table_args__ = (CheckConstraint("user_id IS NOT NULL OR nom IS NOT NULL", name="titulaire"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def titulaire(self) -> str:
        return self.user.nom if self.user is not None else (self.nom or "—")


class PosteCofinancement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poste_id: Mapped[int] = mapped_column(ForeignKey("poste_chef_de_projet.id"), index=True)
    annee: Mapped[int]
    financeur: Mapped[str] = mapped_column(String(30))  # a key of COFINANCEURS
    montant: Mapped[Decimal] = mapped_column(Money)

    poste = relationship("PosteChefDeProjet", back_populates="cofinancements")

    __table_args__ = (UniqueConstraint("poste_id", "annee", "financeur"),)

    @property
    def financeur_label(self) -> str:
        return COFINANCEURS[self.financeur]


class OpahType(str, enum.Enum):
    AUCUNE = "aucune"
    OPAH = "opah"
    OPAH_RU = "opah_ru"
    OPAH_RR = "opah_rr"
    OPAH_CD = "opah_cd"
    OPAH_CB = "opah_cb"

    @property
    def label(self) -> str:
        return {"aucune": "Aucune", "opah": "OPAH", "opah_ru": "OPAH-RU (renouvellement urbain)",
                "opah_rr": "OPAH-RR (revitalisation rurale)", "opah_cd": "OPAH-CD (copropriétés dégradées)",
                "opah_cb": "OPAH-CB (centre-bourg)"}[self.value]


class OpahPhase(str, enum.Enum):
    PRE_OPERATIONNELLE = "pre_operationnelle"
    OPERATIONNELLE = "operationnelle"
    EVALUATION = "evaluation"

    @property
    def label(self) -> str:
        return {"pre_operationnelle": "Pré-opérationnelle", "operationnelle": "Opérationnelle",
                "evaluation": "Évaluation"}[self.value]


class CommuneRevitalisation(db.Model):
    """A commune of a dossier: engaged in an ORT since when, and its OPAH (the kind and phase of
    today; since when, and before, in its `opah_periodes`)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"))
    ort_engagee_le: Mapped[date | None]
    # "convention_cadre": set by the signature of the convention-cadre (valant ORT); "autre": typed
    ort_origine: Mapped[str | None] = mapped_column(String(20))
    opah_type: Mapped[OpahType] = mapped_column(value_enum(OpahType, 20), default=OpahType.AUCUNE)
    opah_phase: Mapped[OpahPhase | None] = mapped_column(value_enum(OpahPhase, 20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    commune = relationship("Commune")
    opah_periodes: Mapped[list["OpahPeriode"]] = relationship(order_by="OpahPeriode.id")

    __table_args__ = (UniqueConstraint("dossier_id", "commune_insee"),)

    @property
    def opah_depuis_le(self) -> date | None:
        """The day the OPAH's current phase began (or the OPAH ended, kind « aucune »)."""
        return self.opah_periodes[-1].depuis_le if self.opah_periodes else None


class OpahPeriode(db.Model):
    """The OPAH of a commune from a day: its kind and phase from `depuis_le` until the next row
    of the commune (rows come in the order of their days: a later row never starts earlier).
    Kind « aucune » from a day: the OPAH ended then. What "communes en OPAH au JJ/MM/AAAA" reads:
    each commune's last row started by that day. `depuis_le` None: an OPAH recorded before Jalons
    asked for its date (migration 8b4738f19863), counted at every day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revitalisation_id: Mapped[int] = mapped_column(ForeignKey("commune_revitalisation.id"), index=True)
    opah_type: Mapped[OpahType] = mapped_column(value_enum(OpahType, 20))
    opah_phase: Mapped[OpahPhase | None] = mapped_column(value_enum(OpahPhase, 20))
    depuis_le: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SecteurOrt(db.Model):
    """A perimeter of the ORT (secteur d'intervention) in a commune of the dossier."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"))
    nom: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    commune = relationship("Commune")
