"""Imports every model module, so that mappers and Alembic see the whole schema."""
from app.auth.models import LoginAttempt, RoleGrant, User, UserSession
from app.core.outbox import OutboxMessage
from app.documents.models import Document, DocumentVersion
from app.dossiers.avenants import Avenant
from app.dossiers.history import HistoryEntry
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)

__all__ = [
    "Avenant", "Document", "DocumentVersion", "HistoryEntry", "CodeHistorique", "Commune", "Departement", "Dossier", "DossierCommune", "Epci",
    "LoginAttempt", "OutboxMessage", "ReferentielImport", "Region", "RoleGrant", "User",
    "UserSession",
]
