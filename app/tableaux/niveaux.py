"""The levels of the dashboards (national, régional, départemental) and who may see which.

The ANCT sees every level; a préfecture the départements of its grants; a partner the régions
and départements of its grants (a région's départements with it). The figures of a level are
those of the dossiers of its départements, and never more than the user's scope
(`Dossier.scope_clause`), which a level the user may see contains anyway.
"""
from dataclasses import dataclass

from sqlalchemy import select, true

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import Dossier
from app.referentiel.models import Departement, Region

NATIONAL, REGION, DEPARTEMENT = "national", "region", "departement"
KINDS = (NATIONAL, REGION, DEPARTEMENT)


class HorsPerimetre(Exception):
    """The level is not the user's to see. `status`: 403 (no dashboard at that level for this
    role), 404 (a territory out of scope, or that does not exist: the same answer)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Niveau:
    kind: str
    code: str | None
    nom: str
    # the départements of the level (code → name, region code), in code order
    departements: tuple[tuple[str, str, str], ...]

    @property
    def titre(self) -> str:
        if self.kind == NATIONAL:
            return "France entière"
        if self.kind == REGION:
            return f"Région {self.nom}"
        return f"{self.nom} ({self.code})"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _, _ in self.departements)

    def clause(self):
        """SQL: the dossier is in this level."""
        return true() if self.kind == NATIONAL else Dossier.departement_code.in_(self.codes)

    def as_dict(self) -> dict:
        return {"niveau": self.kind, "code": self.code, "nom": self.nom}


@dataclass(frozen=True)
class Acces:
    """What a user's grants open: everything (anct), or these régions and départements."""

    national: bool
    regions: frozenset[str]
    departements: frozenset[str]

    @property
    def any(self) -> bool:
        return self.national or bool(self.regions or self.departements)


def acces(user) -> Acces:
    if user is None or not getattr(user, "is_authenticated", False):
        return Acces(False, frozenset(), frozenset())
    if user.has_role(Role.ANCT):
        return Acces(True, frozenset(), frozenset())
    departements = set(user.scope_values(Role.PREFECTURE, "departement_code"))
    departements |= set(user.scope_values(Role.PARTENAIRE, "departement_code"))
    regions = set(user.scope_values(Role.PARTENAIRE, "region_code"))
    return Acces(False, frozenset(regions), frozenset(departements))


def can_see_dashboards(user) -> bool:
    return acces(user).any


def default_level(user) -> tuple[str, str | None]:
    """The level a user's dashboard opens on: national, else their first région or département."""
    rights = acces(user)
    if rights.national:
        return NATIONAL, None
    if rights.regions:
        return REGION, sorted(rights.regions)[0]
    if rights.departements:
        return DEPARTEMENT, sorted(rights.departements)[0]
    raise HorsPerimetre(403)


def resolve(user, kind: str, code: str | None) -> Niveau:
    """The level `kind`/`code` if `user` may see it; HorsPerimetre otherwise."""
    rights = acces(user)
    if not rights.any or kind not in KINDS:
        raise HorsPerimetre(403 if not rights.any else 404)
    rows = select(Departement.code, Departement.nom, Departement.region_code).order_by(Departement.code)
    if kind == NATIONAL:
        if not rights.national:
            raise HorsPerimetre(403)
        return Niveau(NATIONAL, None, "France entière", tuple(tuple(r) for r in db.session.execute(rows)))
    if kind == REGION:
        region = db.session.get(Region, code) if code else None
        if region is None or not (rights.national or code in rights.regions):
            raise HorsPerimetre(404)
        deps = db.session.execute(rows.where(Departement.region_code == code))
        return Niveau(REGION, code, region.nom, tuple(tuple(r) for r in deps))
    departement = db.session.get(Departement, code) if code else None
    if departement is None or not (rights.national or code in rights.departements
                                   or departement.region_code in rights.regions):
        raise HorsPerimetre(404)
    return Niveau(DEPARTEMENT, code, departement.nom,
                  ((departement.code, departement.nom, departement.region_code),))


def national_level() -> Niveau:
    """The national level, with no user: for commands (`flask demo check`, the benches)."""
    rows = select(Departement.code, Departement.nom, Departement.region_code).order_by(Departement.code)
    return Niveau(NATIONAL, None, "France entière", tuple(tuple(r) for r in db.session.execute(rows)))


def levels_offered(user) -> list[tuple[str, str | None, str]]:
    """(kind, code, label) of the levels the user may open, for the level picker."""
    rights = acces(user)
    offered = []
    if rights.national:
        offered.append((NATIONAL, None, "France entière"))
        regions = db.session.execute(select(Region.code, Region.nom).order_by(Region.nom)).all()
        deps = db.session.execute(select(Departement.code, Departement.nom).order_by(Departement.code)).all()
    else:
        regions = db.session.execute(select(Region.code, Region.nom).where(Region.code.in_(rights.regions))
                                     .order_by(Region.nom)).all()
        deps = db.session.execute(
            select(Departement.code, Departement.nom)
            .where(Departement.code.in_(rights.departements) | Departement.region_code.in_(rights.regions))
            .order_by(Departement.code)).all()
    offered += [(REGION, code, f"Région {nom}") for code, nom in regions]
    offered += [(DEPARTEMENT, code, f"{code} — {nom}") for code, nom in deps]
    return offered
