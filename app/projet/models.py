"""The projet de territoire of a dossier: axes stratégiques, indicators and their measures,
fiches action, their financing plan and progress notes.

Permissions are asked of the rows (`fiche.can_edit(user)`); what a dossier allows for its
projet as a whole is `app/projet/access.py`.
"""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db, value_enum
from app.core.formatting import utcnow
from app.projet import financeurs
from app.projet.access import projet_ouvert, writes
from app.workflows.states import FicheEtat, FinancementStatut

__all__ = ["AxeStrategique", "FicheAction", "FicheCompteur", "Indicateur", "IndicateurType",
           "LigneFinancement", "MesureIndicateur", "NoteAvancement", "Money", "ZERO", "euros"]

Money = Numeric(14, 2)  # euros, exact; never a float
ZERO = Decimal("0.00")


def euros(value) -> Decimal:
    """A SUM of Money columns as exact euros (NULL, an empty sum, is 0; SQLite may give an int)."""
    return Decimal(value or 0).quantize(ZERO)
Quantity = Numeric(18, 4)  # an indicator's values: counts, m², percentages…


class IndicateurType(str, enum.Enum):
    MISE_EN_OEUVRE = "mise_en_oeuvre"
    RESULTAT = "resultat"

    @property
    def label(self) -> str:
        return {"mise_en_oeuvre": "Mise en œuvre", "resultat": "Résultat"}[self.value]


class AxeStrategique(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    ordre: Mapped[int]
    titre: Mapped[str] = mapped_column(String(300))
    enjeux: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier = relationship("Dossier")
    indicateurs: Mapped[list["Indicateur"]] = relationship(
        back_populates="axe", order_by="Indicateur.id",
        primaryjoin="and_(Indicateur.axe_id == AxeStrategique.id, Indicateur.fiche_id.is_(None))",
        viewonly=True,
    )

    def __str__(self):
        return f"Axe {self.ordre} — {self.titre}"


class Indicateur(db.Model):
    """An indicator of an axe, or of a fiche action (then also of the fiche's axe, if any)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    axe_id: Mapped[int | None] = mapped_column(ForeignKey("axe_strategique.id"), index=True)
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche_action.id"), index=True)
    nom: Mapped[str] = mapped_column(String(300))
    type: Mapped[IndicateurType] = mapped_column(value_enum(IndicateurType, 20))
    unite: Mapped[str] = mapped_column(String(50))
    valeur_initiale: Mapped[Decimal | None] = mapped_column(Quantity)
    date_initiale: Mapped[date | None]
    cible: Mapped[Decimal | None] = mapped_column(Quantity)
    date_cible: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    axe = relationship("AxeStrategique")
    fiche = relationship("FicheAction", back_populates="indicateurs")
    mesures: Mapped[list["MesureIndicateur"]] = relationship(
        back_populates="indicateur", order_by="MesureIndicateur.mesure_le.desc(), MesureIndicateur.id.desc()"
    )

    __table_args__ = (CheckConstraint("axe_id IS NOT NULL OR fiche_id IS NOT NULL", name="rattache"),)


class MesureIndicateur(db.Model):
    """A measured value: kept, never overwritten (a correction is a new measure)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    indicateur_id: Mapped[int] = mapped_column(ForeignKey("indicateur.id"), index=True)
    mesure_le: Mapped[date]
    valeur: Mapped[Decimal] = mapped_column(Quantity)
    source: Mapped[str] = mapped_column(String(300))
    saisi_par_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    saisi_le: Mapped[datetime] = mapped_column(default=utcnow)

    indicateur = relationship("Indicateur", back_populates="mesures")
    saisi_par = relationship("User")


class FicheCompteur(db.Model):
    """The last fiche number of a dossier: numbers are never reused, even after an abandon."""

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    dernier_numero: Mapped[int] = mapped_column(default=0)


class FicheAction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    numero: Mapped[int]
    titre: Mapped[str] = mapped_column(String(300))
    axe_id: Mapped[int | None] = mapped_column(ForeignKey("axe_strategique.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # A collectivité of the dossier (INSEE code or SIREN), or another body named in full.
    maitre_ouvrage_code: Mapped[str | None] = mapped_column(String(9))
    maitre_ouvrage_autre: Mapped[str | None] = mapped_column(String(300))
    pilote: Mapped[str | None] = mapped_column(String(200))
    elu_referent: Mapped[str | None] = mapped_column(String(200))
    partenaires: Mapped[str | None] = mapped_column(Text)
    date_debut: Mapped[date | None]
    date_fin: Mapped[date | None]
    cout_ht: Mapped[Decimal | None] = mapped_column(Money)
    cout_ttc: Mapped[Decimal | None] = mapped_column(Money)
    commune_insee: Mapped[str | None] = mapped_column(ForeignKey("commune.insee"))
    secteur_ort: Mapped[str | None] = mapped_column(String(300))
    etat: Mapped[FicheEtat] = mapped_column(value_enum(FicheEtat, 20), default=FicheEtat.BROUILLON)
    soumise_le: Mapped[date | None]
    decidee_le: Mapped[date | None]
    engagee_le: Mapped[date | None]
    realisee_le: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    dossier = relationship("Dossier")
    axe = relationship("AxeStrategique")
    commune = relationship("Commune")
    lignes: Mapped[list["LigneFinancement"]] = relationship(
        back_populates="fiche", order_by="LigneFinancement.annee, LigneFinancement.id")
    indicateurs: Mapped[list[Indicateur]] = relationship(back_populates="fiche", order_by="Indicateur.id")
    notes: Mapped[list["NoteAvancement"]] = relationship(
        back_populates="fiche", order_by="NoteAvancement.id.desc()")

    __table_args__ = (
        UniqueConstraint("dossier_id", "numero"),
        # A dossier's fiches in a state, from the index alone: the fiches of a scope (its
        # dossiers) still open or soumises, for the partner's lists (app/comite/partenaires.py).
        Index("ix_fiche_action_dossier_etat", "dossier_id", "etat", "id"),
        # The fiches in a state in the order of their submission, with their dossier: the
        # partner's fiches to give an avis on, read in their order from the index alone.
        Index("ix_fiche_action_etat_soumission", "etat", "soumise_le", "id", "dossier_id"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def code(self) -> str:
        return f"FA-{self.numero:02d}"

    def __str__(self):
        return f"{self.code} — {self.titre}"

    def maitre_ouvrage(self, names: dict[str, str]) -> str:
        """The maître d'ouvrage in words, given the dossier's collectivité names."""
        if self.maitre_ouvrage_code:
            return names.get(self.maitre_ouvrage_code, self.maitre_ouvrage_code)
        return self.maitre_ouvrage_autre or "—"

    # --- who may do what (roles: the user's on the dossier, read once by the page) ---------
    def _writes(self, user, roles) -> bool:
        return projet_ouvert(self.dossier) and writes(self.dossier, user, roles)

    def can_edit(self, user, roles: frozenset | None = None) -> bool:
        """Its content changes while it is drafted or sent back, by the porteurs."""
        return self.etat in (FicheEtat.BROUILLON, FicheEtat.A_REVOIR) and self._writes(user, roles)

    def can_plan_financing(self, user, roles: frozenset | None = None) -> bool:
        """Its financing plan moves as long as the fiche is open (to be engaged, it must be covered)."""
        return self.etat.is_open and self._writes(user, roles)

    def can_follow(self, user, roles: frozenset | None = None) -> bool:
        """Progress notes and the fiche's indicators, while it lives."""
        return self.etat.is_open and self._writes(user, roles)


class LigneFinancement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))  # a code of app/projet/financeurs.py
    precision: Mapped[str | None] = mapped_column(String(200))  # "autre": who
    annee: Mapped[int]
    montant: Mapped[Decimal] = mapped_column(Money)
    statut: Mapped[FinancementStatut] = mapped_column(
        value_enum(FinancementStatut, 20), default=FinancementStatut.PREVU)
    sollicite_le: Mapped[date | None]
    decide_le: Mapped[date | None]
    verse_le: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    fiche = relationship("FicheAction", back_populates="lignes")

    __mapper_args__ = {"version_id_col": version}

    @property
    def source_label(self) -> str:
        label = financeurs.source(self.source).label
        return f"{label} ({self.precision})" if self.precision else label

    @property
    def previous_date(self) -> date | None:
        return self.decide_le or self.sollicite_le

    def can_edit(self, user, roles: frozenset | None = None) -> bool:
        """Amount, year and source change while the line is only planned."""
        return self.statut == FinancementStatut.PREVU and self.fiche.can_plan_financing(user, roles)


# A financeur's lines in a status, in the order of the partner's list (sollicité before
# accordé, the oldest request first), with their fiche: that list's pages are read from the
# index alone (app/comite/partenaires.lines_waiting). The status leads, so that the list's two
# statuses are two ranges read in order (an IN on a later column would need a sort).
Index("ix_ligne_financement_attente", LigneFinancement.statut.desc(), LigneFinancement.source,
      LigneFinancement.sollicite_le, LigneFinancement.id, LigneFinancement.fiche_id)


class NoteAvancement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche_action.id"), index=True)
    texte: Mapped[str] = mapped_column(Text)
    avancement: Mapped[int | None]  # percent, 0 to 100
    ecrite_par_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ecrite_le: Mapped[datetime] = mapped_column(default=utcnow)

    fiche = relationship("FicheAction", back_populates="notes")
    ecrite_par = relationship("User")
