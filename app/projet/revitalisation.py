"""ORT and OPAH of the communes of a dossier, and their secteurs d'intervention. Flushes only."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.projet.access import can_edit_revitalisation
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, OpahPhase, OpahType, SecteurOrt

CADRE = "convention_cadre"
AUTRE = "autre"


def rows_of(dossier) -> dict[str, CommuneRevitalisation]:
    """insee → the commune's row (created, unsaved, for a commune that has none yet)."""
    rows = {r.commune_insee: r for r in db.session.scalars(
        select(CommuneRevitalisation).where(CommuneRevitalisation.dossier_id == dossier.id)
        .options(selectinload(CommuneRevitalisation.opah_periodes)))}
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
                   opah_phase: OpahPhase | None, opah_depuis_le: date | None = None,
                   today: date | None = None) -> CommuneRevitalisation:
    """The commune's ORT and OPAH. A new kind or phase of OPAH (or its end, kind « aucune »)
    begins on `opah_depuis_le`, kept with the ones before it (the dashboards' time travel);
    the same kind and phase with another day corrects the day of the current one."""
    if not can_edit_revitalisation(dossier, user):
        raise DomainError("L'ORT et l'OPAH se renseignent par les porteurs du dossier ou la préfecture.")
    rows = rows_of(dossier)
    if insee not in rows:
        raise DomainError("Cette commune n'appartient pas au dossier.")
    today = today or today_in_paris()
    if ort_engagee_le and ort_engagee_le > today:
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
    db.session.add(row)
    db.session.flush()
    _record_opah(row, opah_type, opah_phase, opah_depuis_le, today)
    return row


def _record_opah(row: CommuneRevitalisation, kind: OpahType, phase: OpahPhase | None, since: date | None,
                 today: date) -> None:
    periods = row.opah_periodes
    current = periods[-1] if periods else None
    unchanged = (kind, phase) == (row.opah_type, row.opah_phase)
    if unchanged and (current is None and kind == OpahType.AUCUNE
                      or current is not None and since in (None, current.depuis_le)):
        return
    correcting = unchanged and current is not None
    if since is None:
        raise DomainError("Indiquez depuis quand la commune est dans cette phase de l'OPAH "
                          "(ou, pour «\u00a0Aucune\u00a0», le jour où son OPAH s'est terminée).")
    if since > today:
        raise DomainError("La date de la phase de l'OPAH ne peut pas être dans le futur.")
    before = (periods[-2] if len(periods) > 1 else None) if correcting else current
    if before is not None and before.depuis_le is not None and since < before.depuis_le:
        raise DomainError(f"La phase précédente de l'OPAH a commencé le {before.depuis_le:%d/%m/%Y}\u00a0: "
                          "la nouvelle ne peut pas commencer avant.")
    if correcting:
        current.depuis_le = since
    else:
        row.opah_periodes.append(OpahPeriode(opah_type=kind, opah_phase=phase, depuis_le=since))
        row.opah_type, row.opah_phase = kind, phase
    db.session.flush()


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
