"""The comité's guests and meetings: schedule, move, cancel, remind. Every change of a meeting
is a row of the dossier's sealed history and an e-mail to the comité (with its .ics). Flushes,
never commits; refusals are DomainErrors in French."""
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.comite import mails
from app.comite.access import can_manage, manage_refusal
from app.comite.models import InviteComite, PointOrdreDuJour, ReunionComite
from app.core.db import db
from app.core.errors import ConflictError, CONFLICT, DomainError
from app.core.formatting import PARIS, datetime_fr, utcnow
from app.projet.models import FicheAction
from app.workflows import history
from app.workflows.fiche import COMITE
from app.workflows.guards import acting_role
from app.workflows.states import FicheEtat, ReunionEtat

SUBJECT = "reunion_comite"
MACHINE = "comite"


def authorize(dossier, user) -> frozenset:
    roles = dossier.roles_of(user)
    refusal = manage_refusal(dossier, user, roles)
    if refusal:
        raise DomainError(refusal)
    return roles


def record_history(reunion, user, roles, event: str, label: str, before, *, reason=None, payload=None,
            effective_on: date | None = None):
    return history.append(
        dossier_id=reunion.dossier_id, subject_type=SUBJECT, subject_id=reunion.id, machine=MACHINE,
        event=event, label=label, from_state=before, to_state=reunion.etat, user=user,
        role=acting_role(roles, COMITE) if user is not None else None, reason=reason,
        payload=payload, effective_on=effective_on,
    )


# --- guests ---------------------------------------------------------------------------------

def add_guest(dossier, user, *, nom: str, email: str, organisation: str) -> InviteComite:
    authorize(dossier, user)
    nom, email, organisation = (" ".join((v or "").split()) for v in (nom, email, organisation))
    if not (nom and email and organisation):
        raise DomainError("Indiquez le nom, l'adresse électronique et l'organisation de l'invité.")
    guest = InviteComite(dossier_id=dossier.id, nom=nom, email=email.lower(), organisation=organisation)
    db.session.add(guest)
    db.session.flush()
    return guest


def remove_guest(guest: InviteComite, dossier, user) -> None:
    authorize(dossier, user)
    guest.retire_le = utcnow()
    db.session.flush()


# --- meetings -------------------------------------------------------------------------------

def to_utc(day: date, at: time) -> datetime:
    """A Paris wall-clock time as the stored naive UTC (DST included)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(timezone.utc).replace(tzinfo=None)


def _check_when(debut: datetime, duree: int, lieu: str | None, lien: str | None) -> None:
    if debut <= utcnow():
        raise DomainError("La réunion doit avoir lieu dans le futur.")
    if not 15 <= (duree or 0) <= 600:
        raise DomainError("La durée va de 15 minutes à 10 heures.")
    if not (lieu or lien):
        raise DomainError("Indiquez le lieu de la réunion ou le lien de la visioconférence.")
    if lien and not lien.startswith(("https://", "http://")):
        raise DomainError("Le lien de la visioconférence commence par https://.")


def agenda_candidates(dossier) -> list[FicheAction]:
    """The fiches a meeting may review: those soumises to the comité."""
    return db.session.scalars(
        select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.etat == FicheEtat.SOUMISE)
        .order_by(FicheAction.numero)
    ).all()


def schedule(dossier, user, *, day: date, at: time, duree: int, lieu: str | None = None,
             lien_visio: str | None = None, fiche_ids=(), autres_points=()) -> ReunionComite:
    """A new meeting, its agenda (the chosen fiches soumises in their order, then the points
    typed in), its history row and the invitations."""
    roles = authorize(dossier, user)
    lieu, lien_visio = (lieu or "").strip() or None, (lien_visio or "").strip() or None
    debut = to_utc(day, at)
    _check_when(debut, duree, lieu, lien_visio)
    candidates = {f.id: f for f in agenda_candidates(dossier)}
    unknown = [i for i in fiche_ids if i not in candidates]
    if unknown:
        raise DomainError("Seules les fiches soumises au comité de projet de ce dossier vont à l'ordre du jour.")
    autres = [" ".join(p.split()) for p in autres_points if p and p.strip()]
    if not fiche_ids and not autres:
        raise DomainError("L'ordre du jour est vide\u00a0: choisissez une fiche soumise ou écrivez un point.")
    reunion = ReunionComite(dossier_id=dossier.id, debut=debut, duree_minutes=duree, lieu=lieu,
                            lien_visio=lien_visio, etat=ReunionEtat.PLANIFIEE, organisateur_id=user.id)
    reunion.organisateur = user
    reunion.dossier = dossier
    ordre = 0
    for fiche_id in fiche_ids:
        ordre += 1
        reunion.points.append(PointOrdreDuJour(ordre=ordre, fiche_id=fiche_id, fiche=candidates[fiche_id]))
    for titre in autres:
        ordre += 1
        reunion.points.append(PointOrdreDuJour(ordre=ordre, titre=titre[:300]))
    db.session.add(reunion)
    db.session.flush()
    record_history(reunion, user, roles, "planifier", f"Comité de projet convoqué pour le {datetime_fr(debut)}", None,
            payload={"debut": debut.isoformat(), "uid": reunion.uid,
                     "ordre_du_jour": mails.agenda_lines(reunion)})
    mails.send(reunion, "invitation")
    return reunion


def ensure_open(reunion) -> None:
    if reunion.etat != ReunionEtat.PLANIFIEE:
        raise DomainError(f"Cette réunion est {reunion.etat.label.lower()}\u00a0: elle ne change plus.")


def move(reunion, user, *, day: date, at: time, duree: int, lieu: str | None, lien_visio: str | None,
         expected_version: int | None = None) -> ReunionComite:
    """New date, time or place: SEQUENCE goes up, everyone gets the updated .ics."""
    roles = authorize(reunion.dossier, user)
    ensure_open(reunion)
    if expected_version is not None and expected_version != reunion.version:
        raise ConflictError(CONFLICT)
    lieu, lien_visio = (lieu or "").strip() or None, (lien_visio or "").strip() or None
    debut = to_utc(day, at)
    _check_when(debut, duree, lieu, lien_visio)
    before = reunion.debut
    reunion.debut, reunion.duree_minutes, reunion.lieu, reunion.lien_visio = debut, duree, lieu, lien_visio
    reunion.sequence += 1
    db.session.flush()
    record_history(reunion, user, roles, "deplacer", f"Comité de projet déplacé au {datetime_fr(debut)}", reunion.etat,
            payload={"avant": before.isoformat(), "debut": debut.isoformat(), "sequence": reunion.sequence})
    mails.send(reunion, "modification")
    return reunion


def cancel(reunion, user, *, motif: str) -> ReunionComite:
    roles = authorize(reunion.dossier, user)
    ensure_open(reunion)
    motif = (motif or "").strip()
    if not motif:
        raise DomainError("Indiquez le motif de l'annulation\u00a0: il est envoyé aux membres du comité.")
    reunion.etat, reunion.motif_annulation = ReunionEtat.ANNULEE, motif
    reunion.sequence += 1
    db.session.flush()
    record_history(reunion, user, roles, "annuler", f"Comité de projet du {datetime_fr(reunion.debut)} annulé",
            ReunionEtat.PLANIFIEE, reason=motif, payload={"sequence": reunion.sequence})
    mails.send(reunion, "annulation", motif=motif)
    return reunion


def reunions_of(dossier) -> list[ReunionComite]:
    return db.session.scalars(
        select(ReunionComite).where(ReunionComite.dossier_id == dossier.id)
        .options(selectinload(ReunionComite.points)).order_by(ReunionComite.debut.desc())
    ).all()


def get_reunion(dossier, reunion_id: int) -> ReunionComite | None:
    return db.session.scalar(
        select(ReunionComite).where(ReunionComite.id == reunion_id, ReunionComite.dossier_id == dossier.id))


# --- the reminder, two days before (from `flask alerts run`) ----------------------------------

REMINDER_DAYS = 2


def due_reminders(today: date) -> list[ReunionComite]:
    """Meetings still planned that fall `REMINDER_DAYS` days from today, Paris time (or sooner,
    if a run was missed)."""
    start = to_utc(today, time(0, 0))
    end = to_utc(today + timedelta(days=REMINDER_DAYS + 1), time(0, 0))
    return db.session.scalars(
        select(ReunionComite).where(ReunionComite.etat == ReunionEtat.PLANIFIEE,
                                    ReunionComite.debut >= start, ReunionComite.debut < end)
        .order_by(ReunionComite.id)
    ).all()


def can_manage_reunion(reunion, user, roles=None) -> bool:
    return can_manage(reunion.dossier, user, roles)
