"""The dossier of a convention group and the scope query that says who sees it."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, case, exists, false, or_, select, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import Role
from app.core.db import db, value_enum
from app.core.formatting import utcnow
from app.documents.models import Etape
from app.dossiers.echeance import programme_end, statut
from app.referentiel.models import Commune, Departement, Epci
from app.workflows.dossier import PORTEURS
from app.workflows.states import DossierEtat

__all__ = ["Dossier", "DossierCommune", "DossierEtat", "UPLOADERS", "statut_of"]

# The porteurs of the dossier and the préfecture that instructs it; partners and the ANCT read.
UPLOADERS = frozenset({Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET, Role.PREFECTURE})

ADHESION_STATES = frozenset({DossierEtat.LABELLISE, DossierEtat.ADHESION_REDACTION,
                             DossierEtat.ADHESION_DEPOSEE, DossierEtat.ADHESION_A_COMPLETER,
                             DossierEtat.ADHESION_VALIDEE})
CADRE_STATES = frozenset({DossierEtat.ADHESION_SIGNEE, DossierEtat.CADRE_REDACTION,
                          DossierEtat.CADRE_DEPOSEE, DossierEtat.CADRE_A_COMPLETER,
                          DossierEtat.CADRE_VALIDEE})
# The states where the porteurs write a convention ("adhesion", "cadre"): its drafting, and
# when the préfecture asked for completion. Deposited, it is what is instructed: it stays put.
WRITING_STATES = {
    DossierEtat.ADHESION_REDACTION: "adhesion", DossierEtat.ADHESION_A_COMPLETER: "adhesion",
    DossierEtat.CADRE_REDACTION: "cadre", DossierEtat.CADRE_A_COMPLETER: "cadre",
}
CONVENTION_NAMES = {"adhesion": "la convention d'adhésion", "cadre": "la convention-cadre"}


def statut_of(etat: DossierEtat, echeance_cadre: date | None, cadre_signee_le: date | None, today: date):
    """The 18-month status of a dossier from its columns alone (exports and the API read
    columns, not rows); none once the dossier left the programme unsigned."""
    if cadre_signee_le is None and etat in (DossierEtat.SORTI, DossierEtat.CLOTURE):
        return None
    return statut(echeance_cadre, cadre_signee_le, today, programme_end())


class DossierCommune(db.Model):
    """A commune's place in a dossier. The PVD import gives a commune at most one dossier (it
    refuses a second); the table allows one per programme on the same territories, as the
    demo's larger programme has (`flask demo seed --scale`)."""

    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True, index=True)

    commune: Mapped[Commune] = relationship(lazy="joined")
    dossier: Mapped["Dossier"] = relationship(back_populates="liens_communes")


class Dossier(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The programme's own identifier (id_pvd, e.g. pvd-11-78-1), or pvd-INSEE for a lone commune.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    nom: Mapped[str] = mapped_column(String(300))
    departement_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    epci_siren: Mapped[str | None] = mapped_column(ForeignKey("epci.siren"), index=True)
    etat: Mapped[DossierEtat] = mapped_column(
        value_enum(DossierEtat, 40),
        default=DossierEtat.LABELLISE,
        index=True,
    )
    # Dates of the steps, written by the lifecycle (app/dossiers/lifecycle.py).
    adhesion_deposee_le: Mapped[date | None]
    adhesion_signee_le: Mapped[date | None]
    cadre_deposee_le: Mapped[date | None]
    cadre_signee_le: Mapped[date | None]
    echeance_prorogee_le: Mapped[date | None]
    # Derived from the two above (app/dossiers/echeance.py) but stored: lists filter and sort on it.
    echeance_cadre: Mapped[date | None] = mapped_column(index=True)
    # Optimistic locking: an UPDATE that finds another version fails (StaleDataError).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    departement: Mapped[Departement] = relationship(lazy="joined")
    epci: Mapped[Epci | None] = relationship()
    liens_communes: Mapped[list[DossierCommune]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan"
    )
    avenants = relationship("Avenant", back_populates="dossier", order_by="Avenant.numero")

    __mapper_args__ = {"version_id_col": version}
    # The home list's order (app/dossiers/queries.search_dossiers): a page deep in the national
    # list is read along this index instead of sorting every dossier first.
    __table_args__ = (Index("ix_dossier_liste", "departement_code", "nom", "id"),)

    @property
    def communes(self) -> list[Commune]:
        return sorted((lien.commune for lien in self.liens_communes), key=lambda c: c.nom)

    def __str__(self):
        return self.nom

    def signataires(self) -> tuple[str, ...]:
        """The collectivités that must each bring a délibération: the communes and their EPCI."""
        codes = [lien.commune_insee for lien in self.liens_communes]
        if self.epci_siren:
            codes.append(self.epci_siren)
        return tuple(sorted(codes))

    def signataires_nommes(self) -> tuple[tuple[str, str], ...]:
        """(code, name) of the same collectivités, as a reader lists them: the communes by
        name, then the EPCI."""
        names = self.collectivite_names()
        codes = [c.insee for c in self.communes] + ([self.epci_siren] if self.epci_siren else [])
        return tuple((code, names[code]) for code in codes)

    def current_step(self) -> Etape:
        if self.etat in ADHESION_STATES:
            return Etape.ADHESION
        if self.etat in CADRE_STATES:
            return Etape.CADRE
        return Etape.SUIVI

    def writing(self) -> str | None:
        """The convention the porteurs are writing now ("adhesion", "cadre"), if any."""
        return WRITING_STATES.get(self.etat)

    def step_signed_on(self, etape: Etape, avenant_id: int | None = None) -> date | None:
        """When the convention of that step was signed (None: not signed)."""
        if etape == Etape.ADHESION:
            return self.adhesion_signee_le
        if etape == Etape.CADRE:
            return self.cadre_signee_le
        if etape == Etape.AVENANT:
            avenant = next((a for a in self.avenants if a.id == avenant_id), None)
            return avenant.signe_le if avenant is not None else None
        return None

    def collectivite_names(self) -> dict[str, str]:
        """INSEE code or SIREN → name, for the collectivités of the dossier."""
        names = {c.insee: c.nom for c in self.communes}
        if self.epci_siren:
            names[self.epci_siren] = self.epci.nom if self.epci else self.epci_siren
        return names

    # --- what a user may do here (views, templates and the API ask these) -------------
    def can_upload(self, user, roles: frozenset | None = None) -> bool:
        roles = self.roles_of(user) if roles is None else roles
        return not roles.isdisjoint(UPLOADERS)

    def is_porteur(self, user, roles: frozenset | None = None) -> bool:
        """The commune(s), the EPCI or the chef de projet of this dossier: they write it."""
        roles = self.roles_of(user) if roles is None else roles
        return not roles.isdisjoint(PORTEURS)

    def can_attach_signed(self, user, roles: frozenset | None = None) -> bool:
        """The signed convention is the préfecture's to attach (at the signature)."""
        roles = self.roles_of(user) if roles is None else roles
        return Role.PREFECTURE in roles

    def contenu_refusal(self, user, kind: str, roles: frozenset | None = None) -> str | None:
        """Why `user` may not edit the content of the convention `kind` now (None: they may)."""
        if not self.is_porteur(user, roles):
            return "Seuls la commune, l'EPCI ou le chef de projet du dossier rédigent le contenu de la convention."
        if self.writing() != kind:
            return (f"Le contenu de {CONVENTION_NAMES[kind]} se modifie pendant sa rédaction, ou quand "
                    "la préfecture demande des compléments ; le dossier est à l'étape "
                    f"« {self.etat.label} ».")
        return None

    def can_edit_contenu(self, user, kind: str, roles: frozenset | None = None) -> bool:
        return self.contenu_refusal(user, kind, roles) is None

    def can_propose_avenant(self, user, roles: frozenset | None = None) -> bool:
        """Porteurs amend a signed convention-cadre."""
        return self.etat == DossierEtat.MISE_EN_OEUVRE and self.is_porteur(user, roles)

    def statut_echeance(self, today: date):
        """The 18-month status (app/dossiers/echeance.py); none once the dossier left unsigned."""
        return statut_of(self.etat, self.echeance_cadre, self.cadre_signee_le, today)

    # --- who sees what -------------------------------------------------------------
    @classmethod
    def role_conditions(cls, user) -> dict:
        """For each role the user holds, the SQL condition a dossier meets to be in its scope.

        Built from the user's grants (already loaded), so it adds no query of its own.
        """
        if user is None or not getattr(user, "is_authenticated", False):
            return {}
        conditions = {}
        if user.has_role(Role.ANCT):
            conditions[Role.ANCT] = true()
        departements = user.scope_values(Role.PREFECTURE, "departement_code")
        if departements:
            conditions[Role.PREFECTURE] = cls.departement_code.in_(departements)
        partner = []
        departements = user.scope_values(Role.PARTENAIRE, "departement_code")
        if departements:
            partner.append(cls.departement_code.in_(departements))
        regions = user.scope_values(Role.PARTENAIRE, "region_code")
        if regions:
            partner.append(
                exists().where(
                    Departement.code == cls.departement_code, Departement.region_code.in_(regions)
                )
            )
        if partner:
            conditions[Role.PARTENAIRE] = or_(*partner)
        communes = user.scope_values(Role.COMMUNE, "commune_insee")
        if communes:
            conditions[Role.COMMUNE] = exists().where(
                DossierCommune.dossier_id == cls.id, DossierCommune.commune_insee.in_(communes)
            )
        epcis = user.scope_values(Role.EPCI, "epci_siren")
        if epcis:
            conditions[Role.EPCI] = or_(
                cls.epci_siren.in_(epcis),
                exists().where(
                    DossierCommune.dossier_id == cls.id,
                    DossierCommune.commune_insee == Commune.insee,
                    Commune.epci_siren.in_(epcis),
                ),
            )
        dossiers = user.scope_values(Role.CHEF_DE_PROJET, "dossier_id")
        if dossiers:
            conditions[Role.CHEF_DE_PROJET] = cls.id.in_(dossiers)
        return conditions

    @classmethod
    def scope_clause(cls, user):
        """The SQL condition a dossier must meet to be visible to `user`."""
        conditions = cls.role_conditions(user)
        if Role.ANCT in conditions:
            return true()
        return or_(*conditions.values()) if conditions else false()

    def roles_of(self, user) -> frozenset[Role]:
        """The roles `user` holds on this very dossier (one query, whatever the roles)."""
        conditions = self.role_conditions(user)
        if not conditions:
            return frozenset()
        roles = list(conditions)
        row = db.session.execute(
            select(*(case((cond, 1), else_=0).label(role.value) for role, cond in conditions.items()))
            .select_from(Dossier)
            .where(Dossier.id == self.id)
        ).one()
        return frozenset(role for role, flag in zip(roles, row) if flag)

    @classmethod
    def visible_to(cls, user):
        return select(cls).where(cls.scope_clause(user))

    def can_view(self, user) -> bool:
        """Same rule as the lists, asked of this row: one source of truth for the scope."""
        return bool(
            db.session.scalar(
                select(exists().where(Dossier.id == self.id, Dossier.scope_clause(user)))
            )
        )
