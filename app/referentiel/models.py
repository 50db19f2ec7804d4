"""The administrative geography of today, as the reference package ships it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.core.db import db
from app.core.formatting import utcnow
from app.referentiel.text import search_key


class Region(db.Model):
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))

    def __str__(self):
        return self.nom


class Departement(db.Model):
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)

    region: Mapped[Region] = relationship(lazy="joined")

    def __str__(self):
        return f"{self.nom} ({self.code})"


class Epci(db.Model):
    siren: Mapped[str] = mapped_column(String(9), primary_key=True)
    nom: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(10))  # CC, CA, CU, METRO, MET69
    population: Mapped[int | None]
    # `nom` folded for accent-insensitive search (app/referentiel/text.py); kept in step below.
    nom_recherche: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)

    communes: Mapped[list["Commune"]] = relationship(
        back_populates="epci", order_by="Commune.nom", viewonly=True
    )

    @validates("nom")
    def _fill_nom_recherche(self, key, value):
        self.nom_recherche = search_key(value)
        return value

    def __str__(self):
        return self.nom


class Commune(db.Model):
    insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    population: Mapped[int | None]
    departement_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    epci_siren: Mapped[str | None] = mapped_column(ForeignKey("epci.siren"), index=True)
    # `nom` folded for accent-insensitive search (app/referentiel/text.py); kept in step below.
    nom_recherche: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)

    departement: Mapped[Departement] = relationship(lazy="joined")
    epci: Mapped[Epci | None] = relationship(back_populates="communes")

    __table_args__ = (Index("ix_commune_nom", "nom"),)

    @validates("nom")
    def _fill_nom_recherche(self, key, value):
        self.nom_recherche = search_key(value)
        return value

    def __str__(self):
        return f"{self.nom} ({self.insee})"


class CodeHistorique(db.Model):
    """An INSEE code that is no longer a commune of its own (commune déléguée or associée).

    Lists made with an older geography (the PVD list uses 2020) still name them.
    """

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    nom: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30))  # commune-deleguee, commune-associee
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"), index=True)

    commune: Mapped[Commune] = relationship()


class ReferentielImport(db.Model):
    """One row per import run, so that an unchanged source can be skipped."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(120))
    checksum: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[str] = mapped_column(String(500))
