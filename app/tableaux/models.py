"""A request for a "point d'avancement" report, and the PDF it produced (a cache).

One row per request: the worker (`flask rapports generer`) renders the pending ones and tells
the requester in the notifications. A ready row is the cache of its level and day, valid as
long as the data it was drawn from has not changed (`empreinte`, app/tableaux/rapports.py).

And the register the dashboards read (app/tableaux/registre.py): each counted fact's changes,
by département and day, and whether the register is up to date.
"""
import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import db, value_enum
from app.core.demandes import DemandeColumns


class RapportEtat(str, enum.Enum):
    EN_ATTENTE = "en_attente"
    EN_COURS = "en_cours"
    PRET = "pret"
    ECHEC = "echec"
    EXPIRE = "expire"  # its file deleted after PREPARED_FILES_DAYS


class RapportDemande(DemandeColumns, db.Model):
    niveau: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(3))
    au: Mapped[date]
    etat: Mapped[RapportEtat] = mapped_column(value_enum(RapportEtat, 20), default=RapportEtat.EN_ATTENTE,
                                              index=True)
    # `empreinte`: a digest of the history's and the rows' last changes the figures were drawn from

    __table_args__ = (db.Index("ix_rapport_demande_cle", "niveau", "code", "au"),)

    @property
    def filename(self) -> str:
        where = self.niveau if self.code is None else f"{self.niveau}-{self.code}"
        return f"point-avancement-{where}-{self.au.isoformat()}.pdf"


class Variation(db.Model):
    """How much a figure of a département changed on a day: the figure at a day is the sum of
    its variations up to that day (`jour` 0001-01-01: what counts at every day). `indicateur`
    names the figure, `cle` its detail (a fiche's state, a financeur's source and a status, a
    late dossier's id); `valeur` is a count, or euro cents for the credits."""

    __tablename__ = "tableau_variation"

    departement_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    indicateur: Mapped[str] = mapped_column(String(30), primary_key=True)
    cle: Mapped[str] = mapped_column(String(80), primary_key=True)
    jour: Mapped[date] = mapped_column(primary_key=True)
    valeur: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        # the days of the month asked, index only (SQLite's WITHOUT ROWID or PostgreSQL's index-only scan)
        db.Index("ix_tableau_variation_jour", "jour", "departement_code", "indicateur", "cle", "valeur"),
        db.Index("ix_tableau_variation_courbes", "indicateur", "jour", "valeur"),  # the curves, index only
        {"sqlite_with_rowid": False},  # rows kept in key order: no lookup from the key's index
    )


class Cumul(db.Model):
    """Each figure's sum of the variations before the first day of a month (`mois`), kept for
    every month of the register (EtatRegistre.premier_mois to dernier_mois): a figure at a day
    is the month's row plus the variations of that month up to the day, so that a day reads one
    row per figure and a month of variations, however long the history."""

    __tablename__ = "tableau_cumul"

    mois: Mapped[date] = mapped_column(primary_key=True)
    departement_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    indicateur: Mapped[str] = mapped_column(String(30), primary_key=True)
    cle: Mapped[str] = mapped_column(String(80), primary_key=True)
    valeur: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = ({"sqlite_with_rowid": False},)


class EtatRegistre(db.Model):
    """The register's one row (id 1): absent until `flask tableaux reconstruire` first builds it.
    `a_jour` false: a bulk write went around it (the figures are then recomputed from the
    history until the next rebuild); `fin_programme`: the end of the programme its late dossiers
    were computed with (PROGRAMME_END changed: the same). The monthly sums (`Cumul`) go from
    `premier_mois` to `dernier_mois`; past the last, a day reads that month's sums and every
    variation since (right, only slower until the next rebuild)."""

    __tablename__ = "tableau_registre"

    id: Mapped[int] = mapped_column(primary_key=True)
    a_jour: Mapped[bool]
    fin_programme: Mapped[date]
    premier_mois: Mapped[date]
    dernier_mois: Mapped[date]
    reconstruit_le: Mapped[datetime]
    perime_le: Mapped[datetime | None]
