"""What may be added to a dossier's documents, and by whom: the rules the services enforce and
the views ask before showing a form, so that no path bypasses them.

- A generated model (MODELE_GENERE) receives only files Jalons generated, and a generated file
  goes nowhere else: documents a person wrote and documents Jalons generated stay apart.
- The signed convention is the préfecture's: only a user holding the préfecture role on the
  dossier attaches one (or no person: a data take-over), and once the step is signed it is
  frozen: no new version, no other signed convention for that step.

This module knows a dossier only as the object it is given: `step_signed_on(etape, avenant_id)`
and `can_attach_signed(user)`.
"""
from datetime import date

from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.documents.models import Document, DocumentType, Etape

GENERATED_ONLY = (
    "Ce document est généré par Jalons\u00a0: on ne lui ajoute pas de fichier déposé. "
    "Déposez votre propre document sous son type (projet de convention, délibération…)."
)
NOT_GENERATED = "Un fichier généré par Jalons ne devient pas une version d'un document déposé."
SIGNED_FROZEN = (
    "Cette étape est signée\u00a0: la convention signée est figée. Elle ne peut plus être "
    "remplacée, ni complétée par un autre fichier de convention signée."
)
PREFECTURE_ONLY = (
    "Seule la préfecture joint la convention signée, quand elle enregistre la signature."
)
DELIBERATION_FROZEN = (
    "Cette délibération se rapporte à une étape signée\u00a0: sa date et son numéro ne changent plus."
)
NUMERO_MAX = 50


def signed_refusal(dossier, etape: Etape, avenant_id: int | None, user,
                   attaches_signed: bool | None = None) -> str | None:
    """Why `user` may not add a signed convention (a document or a version) to that step."""
    if dossier.step_signed_on(Etape(etape), avenant_id) is not None:
        return SIGNED_FROZEN
    if user is None:  # no person: a data take-over (import, demo)
        return None
    attaches = dossier.can_attach_signed(user) if attaches_signed is None else attaches_signed
    return None if attaches else PREFECTURE_ONLY


def new_document_refusal(dossier, type: DocumentType, etape: Etape, avenant_id: int | None, user,
                         *, generated: bool = False, attaches_signed: bool | None = None) -> str | None:
    """Why a new document of `type` may not be added to that step (None: it may)."""
    type = DocumentType(type)
    if (type == DocumentType.MODELE_GENERE) != generated:
        return GENERATED_ONLY if not generated else NOT_GENERATED
    if type == DocumentType.CONVENTION_SIGNEE:
        return signed_refusal(dossier, etape, avenant_id, user, attaches_signed)
    return None


WITHDRAWN = "Ce document est retiré\u00a0: ajoutez-le à nouveau plutôt qu'une version."


def version_refusal(dossier, document: Document, user, *, generated: bool = False,
                    attaches_signed: bool | None = None) -> str | None:
    """Why `user` may not add a version to `document` (None: they may)."""
    if document.withdrawn:
        return WITHDRAWN
    if (document.type == DocumentType.MODELE_GENERE) != generated:
        return GENERATED_ONLY if not generated else NOT_GENERATED
    if document.type == DocumentType.CONVENTION_SIGNEE:
        return signed_refusal(dossier, document.etape, document.avenant_id, user, attaches_signed)
    return None


def check_deliberation(type: DocumentType, deliberation_date: date | None,
                       deliberation_numero: str | None) -> str | None:
    """The délibération's date and number, checked; returns the number cleaned (or None)."""
    numero = " ".join((deliberation_numero or "").split()) or None
    if type != DocumentType.DELIBERATION:
        if deliberation_date or numero:
            raise DomainError("Seule une délibération porte une date de séance et un numéro.")
        return None
    if deliberation_date and deliberation_date > today_in_paris():
        raise DomainError("La date de la délibération ne peut pas être dans le futur.")
    if numero and len(numero) > NUMERO_MAX:
        raise DomainError(f"Le numéro de la délibération ne doit pas dépasser {NUMERO_MAX} caractères.")
    return numero
