"""Account administration: invitations, roles, activation. Flush, never commit.

A grant is never deleted: revoking it stamps who and when, so the page of a user tells
the whole story of their rights.
"""
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.admin.scopes import FieldError, resolve_scope
from app.core.signals import role_granted
from app.auth import sessions
from app.auth.accounts import queue_invitation
from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.auth.services import find_user, normalize_email
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import datetime_fr, de, utcnow
from app.core.outbox import OutboxMessage

STATUTS = {
    "actif": "Actif",
    "invitation": "Invitation en attente",
    "desactive": "Désactivé",
}


def users_query(q: str = "", role: str = "", statut: str = ""):
    """The users list, searched and filtered; grants come in one more query, whatever the page."""
    stmt = select(User)
    q = (q or "").strip().lower()
    if q:
        # autoescape: a "%" or "_" typed in the search box is a character, not a wildcard.
        stmt = stmt.where(or_(func.lower(User.nom).contains(q, autoescape=True),
                              func.lower(User.email).contains(q, autoescape=True)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(
            exists().where(
                RoleGrant.user_id == User.id,
                RoleGrant.role == Role(role),
                RoleGrant.revoked_at.is_(None),
            )
        )
    if statut == "actif":
        stmt = stmt.where(User.active.is_(True), User.password_hash.is_not(None))
    elif statut == "invitation":
        stmt = stmt.where(User.active.is_(True), User.password_hash.is_(None))
    elif statut == "desactive":
        stmt = stmt.where(User.active.is_(False))
    # Each grant's scope is named in the list: loaded with the grants, in the same query.
    scopes = (joinedload(RoleGrant.commune), joinedload(RoleGrant.epci), joinedload(RoleGrant.dossier),
              joinedload(RoleGrant.departement), joinedload(RoleGrant.region))
    return stmt.options(selectinload(User.grants).options(*scopes)).order_by(func.lower(User.nom), User.id)


def _new_grant(user: User, admin: User, role: Role, scope: dict) -> RoleGrant:
    grant = RoleGrant(user=user, role=role, granted_by=admin, granted_at=utcnow(), **scope)
    db.session.add(grant)
    return grant


def invite_user(admin: User, email: str, nom: str, role: Role, **scope_fields) -> User:
    """Create the account without a password, with its first role, and queue the invitation."""
    email = normalize_email(email)
    if find_user(email) is not None:
        raise FieldError("email", f"Un compte existe déjà pour l'adresse {email}.")
    scope = resolve_scope(role, **scope_fields)  # before anything is written
    user = User(email=email, nom=nom.strip(), password_hash=None, invited_by=admin)
    db.session.add(user)
    _new_grant(user, admin, role, scope)
    db.session.flush()
    queue_invitation(user, admin)
    return user


def resend_invitation(user: User, admin: User) -> OutboxMessage:
    return queue_invitation(user, admin)


def grant_role(user: User, admin: User, role: Role, **scope_fields) -> RoleGrant:
    scope = resolve_scope(role, **scope_fields)
    same = [
        getattr(RoleGrant, column).is_(None) if value is None else getattr(RoleGrant, column) == value
        for column, value in scope.items()
    ]
    duplicate = db.session.scalar(
        select(exists().where(
            RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.revoked_at.is_(None), *same
        ))
    )
    if duplicate:
        raise DomainError(f"{user} a déjà le rôle «\u00a0{role.label}\u00a0» sur ce périmètre.")
    grant = _new_grant(user, admin, role, scope)
    db.session.flush()
    role_granted.send("admin", grant=grant, by=admin)
    return grant


def revoke_grant(grant: RoleGrant, admin: User) -> None:
    if grant.revoked_at is not None:
        raise DomainError(f"Ce rôle a déjà été retiré le {datetime_fr(grant.revoked_at)}.")
    if grant.role == Role.ADMIN and grant.user_id == admin.id:
        admin_grants = db.session.scalar(
            select(func.count(RoleGrant.id)).where(
                RoleGrant.user_id == admin.id,
                RoleGrant.role == Role.ADMIN,
                RoleGrant.revoked_at.is_(None),
            )
        )
        if admin_grants <= 1:
            # Otherwise an admin could lock themselves (and maybe everyone) out of this page.
            raise DomainError(
                "Vous ne pouvez pas retirer votre propre rôle d'administrateur\u00a0: "
                "demandez-le à un autre administrateur."
            )
    grant.revoked_at = utcnow()
    grant.revoked_by = admin
    db.session.flush()


def set_active(user: User, admin: User, active: bool) -> None:
    if not active and user.id == admin.id:
        raise DomainError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.active == active:
        raise DomainError(f"Le compte {de(user)} est déjà {'actif' if active else 'désactivé'}.")
    user.active = active
    if not active:
        # Open sessions and e-mailed links die now, and stay dead after a reactivation.
        sessions.revoke_all(user)
        user.session_version = (user.session_version or 0) + 1
    db.session.flush()

