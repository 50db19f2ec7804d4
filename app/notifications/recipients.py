"""Who a notification goes to, computed from the roles and their scopes — the same rules as
the pages (`Dossier.role_conditions`), read the other way round: which grants cover this
dossier. Never a hand-kept list."""
from sqlalchemy import and_, or_, select

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import Commune, Departement

PORTEURS = frozenset({Role.COMMUNE, Role.EPCI, Role.CHEF_DE_PROJET})
MEMBERS = PORTEURS | {Role.PREFECTURE}


def grants_covering(dossier_ids, roles) -> list[tuple[int, int, Role]]:
    """(dossier id, user id, role) for every active grant of `roles` that covers one of the
    dossiers, users active only. One statement, whatever the number of dossiers."""
    roles = set(roles)
    covered = []
    if Role.PREFECTURE in roles:
        covered.append(and_(RoleGrant.role == Role.PREFECTURE,
                            RoleGrant.departement_code == Dossier.departement_code))
    if Role.CHEF_DE_PROJET in roles:
        covered.append(and_(RoleGrant.role == Role.CHEF_DE_PROJET, RoleGrant.dossier_id == Dossier.id))
    if Role.EPCI in roles:
        covered.append(and_(RoleGrant.role == Role.EPCI, or_(
            RoleGrant.epci_siren == Dossier.epci_siren,
            RoleGrant.epci_siren.in_(select(Commune.epci_siren)
                                     .join(DossierCommune, DossierCommune.commune_insee == Commune.insee)
                                     .where(DossierCommune.dossier_id == Dossier.id)),
        )))
    if Role.COMMUNE in roles:
        covered.append(and_(RoleGrant.role == Role.COMMUNE, RoleGrant.commune_insee.in_(
            select(DossierCommune.commune_insee).where(DossierCommune.dossier_id == Dossier.id))))
    if Role.PARTENAIRE in roles:
        covered.append(and_(RoleGrant.role == Role.PARTENAIRE, or_(
            RoleGrant.departement_code == Dossier.departement_code,
            RoleGrant.region_code.in_(select(Departement.region_code)
                                      .where(Departement.code == Dossier.departement_code)),
        )))
    if not covered:
        return []
    rows = db.session.execute(
        select(Dossier.id, RoleGrant.user_id, RoleGrant.role)
        .join(RoleGrant, or_(*covered))
        .join(User, User.id == RoleGrant.user_id)
        .where(Dossier.id.in_(dossier_ids), RoleGrant.revoked_at.is_(None), User.active.is_(True))
        .order_by(Dossier.id, RoleGrant.user_id)
    ).all()
    return [(dossier_id, user_id, role) for dossier_id, user_id, role in rows]


def recipients(dossier, roles) -> list[int]:
    """The ids of the users who hold one of `roles` on this dossier."""
    return sorted({user_id for _, user_id, _ in grants_covering([dossier.id], roles)})
