"""Users, the roles they hold (with scopes), their sessions, and login attempts for rate
limiting."""
import functools
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.roles import Role
from app.core.db import db, value_enum
from app.core.formatting import utcnow


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    demo: Mapped[bool] = mapped_column(default=False)
    # Bumped when the password changes or the account is deactivated: the links e-mailed
    # before stop working (app/auth/tokens.py). Open sessions end through their UserSession
    # rows (app/auth/sessions.py); the name is older than those.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    invited_by: Mapped["User | None"] = relationship(remote_side=[id], foreign_keys=[invited_by_id])
    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user",
        foreign_keys="RoleGrant.user_id",
        order_by="RoleGrant.granted_at",
    )

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard modern hash.
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            spend_a_password_check(password)
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def invitation_pending(self) -> bool:
        """Invited accounts have no password until the invitee chooses one."""
        return self.password_hash is None

    @property
    def active_grants(self) -> list["RoleGrant"]:
        return [g for g in self.grants if g.revoked_at is None]

    @property
    def roles(self) -> set[Role]:
        return {g.role for g in self.active_grants}

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def grants_of(self, role: Role) -> list["RoleGrant"]:
        return [g for g in self.active_grants if g.role == role]

    def scope_values(self, role: Role, column: str) -> list:
        return [getattr(g, column) for g in self.grants_of(role) if getattr(g, column)]

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def administers_only(self) -> bool:
        """An operator with no role in the programme: no dossier to list, the users list is
        their home page. An admin who is also, say, a préfecture keeps the dossiers."""
        return self.roles == {Role.ADMIN}

    def __str__(self):
        return self.nom or self.email


@functools.cache
def _hash_of_nothing() -> str:
    """A hash of a random password, made once per process with today's method and cost."""
    return generate_password_hash(secrets.token_urlsafe(32))


def spend_a_password_check(password: str) -> None:
    """Verify `password` against a hash no one knows, to spend what a real check costs.

    A login for an unknown address (or an account without a password) would otherwise answer
    in a few milliseconds against ~100 ms for a wrong password, telling who has an account.
    """
    check_password_hash(_hash_of_nothing(), password)


class RoleGrant(db.Model):
    """A role held by a user, with its scope. Revoked, never deleted: the history stays."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[Role] = mapped_column(
        value_enum(Role, 30)
    )
    commune_insee: Mapped[str | None] = mapped_column(ForeignKey("commune.insee"))
    epci_siren: Mapped[str | None] = mapped_column(ForeignKey("epci.siren"))
    departement_code: Mapped[str | None] = mapped_column(ForeignKey("departement.code"))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    organisation: Mapped[str | None] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    commune = relationship("Commune")
    epci = relationship("Epci")
    departement = relationship("Departement")
    region = relationship("Region")
    dossier = relationship("Dossier")

    @property
    def scope_name(self) -> str | None:
        """Where the grant applies, in words; None for the national roles."""
        if self.role == Role.COMMUNE:
            return str(self.commune)
        if self.role == Role.EPCI:
            return f"{self.epci} ({self.epci_siren})"
        if self.role == Role.CHEF_DE_PROJET:
            return f"{self.dossier} ({self.dossier.reference})" if self.dossier else None
        if self.role == Role.PREFECTURE:
            return str(self.departement)
        if self.role == Role.PARTENAIRE:
            where = self.departement or (f"{self.region} ({self.region_code})" if self.region else None)
            return f"{self.organisation}, {where}"
        return None

    @property
    def scope_label(self) -> str:
        """What the grant covers, in words, for the admin pages."""
        kind = {Role.COMMUNE: "Commune", Role.EPCI: "EPCI", Role.CHEF_DE_PROJET: "Dossier",
                Role.PREFECTURE: "Département"}.get(self.role)
        if self.scope_name is None:
            return "National"
        return f"{kind}\u00a0: {self.scope_name}" if kind else self.scope_name

    @property
    def label(self) -> str:
        """The role and its scope: « Préfecture — Charente-Maritime (17) »."""
        scope = self.scope_name
        return f"{self.role.label} — {scope}" if scope else self.role.label


class UserSession(db.Model):
    """A logged-in browser. Its Flask session (a signed cookie) names this row: revoking the
    row ends the session, even for a copy of the cookie taken before."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, opaque
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))
    success: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )
