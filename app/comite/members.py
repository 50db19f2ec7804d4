"""Who sits on a dossier's comité de projet, computed from the roles and their scopes (as the
notifications' recipients are): the communes' and the EPCI's élus and agents, the chef de
projet, the préfecture of the département, and the partners in scope whose organisation signs
one of the dossier's conventions. Plus the guests the chef de projet named."""
from dataclasses import dataclass

from sqlalchemy import select

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.comite.models import InviteComite
from app.conventions.models import PARTENAIRE, ConventionContenu, Signataire
from app.core.db import db
from app.notifications.recipients import MEMBERS, grants_covering
from app.projet import financeurs


@dataclass(frozen=True)
class Membre:
    """One person of the comité: a user (a member) or a guest."""

    nom: str
    email: str
    qualite: str
    user_id: int | None = None
    invite_id: int | None = None

    @property
    def key(self) -> str:
        return f"u{self.user_id}" if self.user_id else f"i{self.invite_id}"


def signing_organisations(dossier) -> set[str]:
    """The partner organisations (PARTENAIRE_ORGANISATIONS) named as signataires of one of the
    dossier's conventions."""
    codes = db.session.scalars(
        select(Signataire.code).join(ConventionContenu)
        .where(ConventionContenu.dossier_id == dossier.id, Signataire.partie == PARTENAIRE)
    ).all()
    return {financeurs.BY_CODE[code].organisation for code in codes
            if code in financeurs.BY_CODE and financeurs.BY_CODE[code].organisation}


def member_users(dossier) -> list[tuple[User, str]]:
    """(user, what they are on the comité), sorted by name; three statements."""
    covering = grants_covering([dossier.id], MEMBERS | {Role.PARTENAIRE})
    roles: dict[int, set[Role]] = {}
    for _, user_id, role in covering:
        roles.setdefault(user_id, set()).add(role)
    partners = {u for u, r in roles.items() if Role.PARTENAIRE in r}
    organisations = {}
    if partners:
        signing = signing_organisations(dossier)
        for grant in db.session.scalars(select(RoleGrant).where(
                RoleGrant.user_id.in_(partners), RoleGrant.role == Role.PARTENAIRE,
                RoleGrant.revoked_at.is_(None))):
            if grant.organisation in signing:
                organisations[grant.user_id] = grant.organisation
    for user_id in partners - set(organisations):
        roles[user_id].discard(Role.PARTENAIRE)
    kept = {u: r for u, r in roles.items() if r}
    if not kept:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(kept))).all()
    result = []
    for user in users:
        labels = [role.label for role in Role if role in kept[user.id] and role != Role.PARTENAIRE]
        if user.id in organisations:
            labels.append(f"Partenaire ({organisations[user.id]})")
        result.append((user, ", ".join(labels)))
    return sorted(result, key=lambda pair: (str(pair[0]).lower(), pair[0].id))


def guests(dossier) -> list[InviteComite]:
    return db.session.scalars(
        select(InviteComite).where(InviteComite.dossier_id == dossier.id, InviteComite.retire_le.is_(None))
        .order_by(InviteComite.nom, InviteComite.id)
    ).all()


def comite(dossier) -> list[Membre]:
    """Every person of the comité today: the members, then the guests."""
    people = [Membre(str(user), user.email, qualite, user_id=user.id) for user, qualite in member_users(dossier)]
    people += [Membre(g.nom, g.email, f"Invité — {g.organisation}", invite_id=g.id) for g in guests(dossier)]
    return people
