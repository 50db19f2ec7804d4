"""Imports every model module, so that mappers and Alembic see the whole schema."""
from app.api.models import ApiToken
from app.auth.models import LoginAttempt, RoleGrant, User, UserSession
from app.comite.models import AvisPartenaire, InviteComite, PointOrdreDuJour, Presence, ReunionComite
from app.conventions.models import ConventionContenu, ConventionPdf, SecteurIntervention, Signataire
from app.core.outbox import OutboxAttachment, OutboxMessage
from app.documents.models import Document, DocumentVersion
from app.exports.models import ExportDemande
from app.avenants.models import Avenant
from app.dossiers.models import Dossier, DossierCommune
from app.notifications.models import AlertSent, Notification, NotificationPreference, ProgrammeSetting
from app.projet.models import (
    AxeStrategique, FicheAction, FicheCompteur, Indicateur, LigneFinancement, MesureIndicateur, NoteAvancement,
)
from app.projet.territoire_models import (
    CommuneRevitalisation, OpahPeriode, PosteChefDeProjet, PosteCofinancement, SecteurOrt,
)
from app.referentiel.models import (
    CodeHistorique, Commune, Departement, Epci, ReferentielImport, Region,
)
from app.tableaux.models import Cumul, EtatRegistre, RapportDemande, Variation
from app.workflows.history import HistoryChain, HistoryEntry

__all__ = [
    "ApiToken", "Avenant", "ConventionContenu", "ConventionPdf", "Document", "DocumentVersion", "HistoryChain", "HistoryEntry",
    "CodeHistorique", "Commune", "Departement", "Dossier", "DossierCommune", "Epci",
    "LoginAttempt", "OutboxAttachment", "OutboxMessage", "ReferentielImport", "Region", "RoleGrant",
    "SecteurIntervention", "Signataire", "User",
    "UserSession", "AlertSent", "Notification", "NotificationPreference", "ProgrammeSetting",
    "AxeStrategique", "FicheAction", "FicheCompteur", "Indicateur", "LigneFinancement", "MesureIndicateur",
    "NoteAvancement", "CommuneRevitalisation", "OpahPeriode", "PosteChefDeProjet", "PosteCofinancement", "SecteurOrt",
    "RapportDemande", "Cumul", "EtatRegistre", "Variation", "ExportDemande",
    "AvisPartenaire", "InviteComite", "PointOrdreDuJour", "Presence", "ReunionComite",
]
