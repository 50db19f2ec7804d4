"""ORT and OPAH of the communes of a dossier, and their secteurs d'intervention. Flushes only."""
from datetime import date

from sqlalchemy import select

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.projet.access import can_edit_revitalisation
from app.projet.territoire_models import CommuneRevitalisation, OpahPhase, OpahType, SecteurOrt

CADRE = "convention_cadre"
AUTRE = "autre"


def rows_of(dossier) -> dict[str, CommuneRevitalisation]:
    """insee → the commune's row (created, unsaved, for a commune that has none yet)."""
    rows = {r.commune_insee: r for r in db.session.scalars(
        select(CommuneRevitalisation).where(CommuneRevitalisation.dossier_id == dossier.id))}
    for commune in dossier.communes:
        if commune.insee not in rows:
            rows[commune.insee] = CommuneRevitalisation(dossier_id=dossier.id, commune_insee=commune.insee,
                                                        opah_type=OpahType.AUCUNE)
    return rows


def engage_ort(dossier, signed_on: date | None) -> None:
    """The convention-cadre is valant ORT: its signature engages every commune of the dossier,
    unless an ORT signed otherwise had engaged it already."""
    if signed_on is None:
        return
    for row in rows_of(dossier).values():
        if row.ort_engagee_le is None:
            row.ort_engagee_le, row.ort_origine = signed_on, CADRE
            db.session.add(row)
    db.session.flush()


def update_commune(dossier, insee: str, user, *, ort_engagee_le: date | None, opah_type: OpahType,
                   opah_phase: OpahPhase | None, today: date | None = None) -> CommuneRevitalisation:
    if not can_edit_revitalisation(dossier, user):
        raise DomainError("L'ORT et l'OPAH se renseignent par les porteurs du dossier ou la préfecture.")
    rows = rows_of(dossier)
    if insee not in rows:
        raise DomainError("Cette commune n'appartient pas au dossier.")
    if ort_engagee_le and ort_engagee_le > (today or today_in_paris()):
        raise DomainError("La date d'engagement dans l'ORT ne peut pas être dans le futur.")
    opah_type = OpahType(opah_type)
    opah_phase = OpahPhase(opah_phase) if opah_phase else None
    if opah_type == OpahType.AUCUNE:
        opah_phase = None
    elif opah_phase is None:
        raise DomainError("Indiquez la phase de l'OPAH.")
    row = rows[insee]
    if ort_engagee_le != row.ort_engagee_le:
        row.ort_engagee_le, row.ort_origine = ort_engagee_le, (AUTRE if ort_engagee_le else None)
    row.opah_type, row.opah_phase = opah_type, opah_phase
    db.session.add(row)
    db.session.flush()
    return row


def add_secteur(dossier, user, *, commune_insee: str, nom: str, description: str = "") -> SecteurOrt:
    if not can_edit_revitalisation(dossier, user):
        raise DomainError("Les secteurs d'intervention se renseignent par les porteurs du dossier ou la préfecture.")
    if commune_insee not in {c.insee for c in dossier.communes}:
        raise DomainError("Choisissez une commune du dossier.")
    if not (nom or "").strip():
        raise DomainError("Nommez le secteur d'intervention.")
    secteur = SecteurOrt(dossier_id=dossier.id, commune_insee=commune_insee, nom=nom.strip(),
                                  description=(description or "").strip())
    db.session.add(secteur)
    db.session.flush()
    return secteur


def secteurs_of(dossier) -> list[SecteurOrt]:
    return db.session.scalars(select(SecteurOrt).where(SecteurOrt.dossier_id == dossier.id)
                              .order_by(SecteurOrt.commune_insee, SecteurOrt.id)).all()
