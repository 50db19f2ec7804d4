"""Who a notification goes to, computed from the roles and their scopes — the same rules as
the pages (`Dossier.role_conditions`), read the other way round: which grants cover this
dossier. Never a hand-kept list."""
from sqlalchemy import and_, select, union_all

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import Commune, Departement
from app.workflows.dossier import PORTEURS, PREFECTURE

MEMBERS = PORTEURS | PREFECTURE


def grants_covering(dossier_ids, roles) -> list[tuple[int, int, Role]]:
    """(dossier id, user id, role) for every active grant of `roles` that covers one of the
    dossiers, users active only. One statement whatever the number of dossiers: one branch per
    role, each an equality join (so the database can hash or index it), glued by UNION ALL."""
    dossier_ids = list(dossier_ids)
    if not dossier_ids:
        return []
    ours = Dossier.id.in_(dossier_ids)
    branches = []

    def branch(role, *joins, on):
        stmt = select(Dossier.id.label("dossier_id"), RoleGrant.user_id, RoleGrant.role).select_from(Dossier)
        for target, condition in joins:
            stmt = stmt.join(target, condition)
        branches.append(stmt.join(RoleGrant, and_(RoleGrant.role == role, RoleGrant.revoked_at.is_(None), on))
                        .where(ours))

    roles = set(roles)
    if Role.PREFECTURE in roles:
        branch(Role.PREFECTURE, on=RoleGrant.departement_code == Dossier.departement_code)
    if Role.CHEF_DE_PROJET in roles:
        branch(Role.CHEF_DE_PROJET, on=RoleGrant.dossier_id == Dossier.id)
    if Role.EPCI in roles:
        branch(Role.EPCI, on=RoleGrant.epci_siren == Dossier.epci_siren)
        branch(Role.EPCI, (DossierCommune, DossierCommune.dossier_id == Dossier.id),
               (Commune, Commune.insee == DossierCommune.commune_insee),
               on=RoleGrant.epci_siren == Commune.epci_siren)
    if Role.COMMUNE in roles:
        branch(Role.COMMUNE, (DossierCommune, DossierCommune.dossier_id == Dossier.id),
               on=RoleGrant.commune_insee == DossierCommune.commune_insee)
    if Role.PARTENAIRE in roles:
        branch(Role.PARTENAIRE, on=RoleGrant.departement_code == Dossier.departement_code)
        branch(Role.PARTENAIRE, (Departement, Departement.code == Dossier.departement_code),
               on=RoleGrant.region_code == Departement.region_code)
    if not branches:
        return []
    covered = union_all(*branches).subquery()
    rows = db.session.execute(
        select(covered.c.dossier_id, covered.c.user_id, covered.c.role).distinct()
        .join(User, User.id == covered.c.user_id)
        .where(User.active.is_(True))
    ).all()
    return sorted({(d, u, Role(r)) for d, u, r in rows})


def recipients(dossier, roles) -> list[int]:
    """The ids of the users who hold one of `roles` on this dossier."""
    return sorted({user_id for _, user_id, _ in grants_covering([dossier.id], roles)})
