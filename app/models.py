"""Imports every model module, so that mappers and Alembic see the whole schema."""
from app.auth.models import LoginAttempt, RoleGrant, User
from app.core.outbox import OutboxMessage
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)

__all__ = [
    "CodeHistorique", "Commune", "Departement", "Dossier", "DossierCommune", "Epci",
    "LoginAttempt", "OutboxMessage", "ReferentielImport", "Region", "RoleGrant", "User",
]
