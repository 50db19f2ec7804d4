"""Imports every model module, so that mappers and Alembic see the whole schema."""
from app.auth.models import LoginAttempt, RoleGrant, User, UserSession
from app.conventions.models import ConventionContenu, ConventionPdf, SecteurIntervention, Signataire
from app.core.outbox import OutboxAttachment, OutboxMessage
from app.documents.models import Document, DocumentVersion
from app.avenants.models import Avenant
from app.dossiers.models import Dossier, DossierCommune
from app.notifications.models import AlertSent, Notification, NotificationPreference, ProgrammeSetting
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)
from app.workflows.history import HistoryChain, HistoryEntry

__all__ = [
    "Avenant", "ConventionContenu", "ConventionPdf", "Document", "DocumentVersion", "HistoryChain", "HistoryEntry",
    "CodeHistorique", "Commune", "Departement", "Dossier", "DossierCommune", "Epci",
    "LoginAttempt", "OutboxAttachment", "OutboxMessage", "ReferentielImport", "Region", "RoleGrant",
    "SecteurIntervention", "Signataire", "User",
    "UserSession", "AlertSent", "Notification", "NotificationPreference", "ProgrammeSetting",
]
