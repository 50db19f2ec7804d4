"""The séance of a meeting: attendance, one decision per fiche on the agenda, the procès-verbal.

All the decisions of a séance are applied together, each through the fiche machine (the
runner: guards, history, signals), inside one savepoint: one refused decision undoes them all
(fiches, history rows, notifications) and the error names its point. Then the procès-verbal
is rendered, archived as a generated document of the dossier, its SHA-256 written in the
sealed history, and mailed to the comité. Archived, it changes only by a new version, with a
reason. Flushes, never commits.
"""
from dataclasses import dataclass

from flask import current_app, render_template
from weasyprint import HTML

from app.comite import mails, members
from app.comite.models import Decision, Presence, PresenceStatut, ReunionComite
from app.comite.services import authorize, ensure_open, record_history
from app.comite.avis import avis_by_fiche
from app.core.db import db
from app.core.errors import CONFLICT, ConflictError, DomainError
from app.core.formatting import date_fr, to_paris, today_in_paris, utcnow
from app.documents import services as documents
from app.documents.models import DocumentType, Etape
from app.projet import lifecycle
from app.workflows.states import ReunionEtat


class SeanceRefusee(DomainError):
    """A decision of the séance was refused: `point_id` says which (None: the séance itself)."""

    def __init__(self, message: str, point_id: int | None = None):
        super().__init__(message)
        self.point_id = point_id


@dataclass(frozen=True)
class Attendance:
    key: str  # Membre.key
    statut: PresenceStatut
    represente_par: str | None = None


def _check_day(reunion) -> None:
    if to_paris(reunion.debut).date() > today_in_paris():
        raise SeanceRefusee(f"La séance se compte rendue à partir du jour de la réunion ({date_fr(reunion.debut)}).")


def record(reunion: ReunionComite, user, *, attendance: list[Attendance], decisions: dict[int, tuple],
           observations: str = "", expected_version: int | None = None) -> ReunionComite:
    """Record the séance: `decisions` maps each fiche point's id to (Decision, motif).
    `expected_version`: the meeting as the form showed it (moved since: a conflict)."""
    roles = authorize(reunion.dossier, user)
    ensure_open(reunion)
    if expected_version is not None and expected_version != reunion.version:
        raise ConflictError(CONFLICT)
    _check_day(reunion)
    people = {person.key: person for person in members.comite(reunion.dossier)}
    presences = []
    for item in attendance:
        person = people.get(item.key)
        if person is None:
            raise SeanceRefusee("Une personne de la feuille de présence n'est plus membre du comité\u00a0: rechargez la page.")
        if item.statut == PresenceStatut.REPRESENTE and not (item.represente_par or "").strip():
            raise SeanceRefusee(f"Indiquez qui représente {person.nom}.")
        presences.append(Presence(user_id=person.user_id, invite_id=person.invite_id, nom=person.nom,
                                  qualite=person.qualite, statut=item.statut,
                                  represente_par=(item.represente_par or "").strip() or None
                                  if item.statut == PresenceStatut.REPRESENTE else None))
    if not any(p.statut in (PresenceStatut.PRESENT, PresenceStatut.REPRESENTE) for p in presences):
        raise SeanceRefusee("Personne n'était présent ni représenté\u00a0: la séance ne peut pas être enregistrée.")
    points = [p for p in reunion.points if p.fiche_id is not None]
    for point in points:
        if point.id not in decisions or decisions[point.id][0] is None:
            raise SeanceRefusee(f"Choisissez la décision du comité sur la fiche {point.fiche.code}.", point.id)
    try:
        with db.session.begin_nested():
            for point in points:
                decision, motif = decisions[point.id]
                decision, motif = Decision(decision), (motif or "").strip()
                if decision.needs_reason and not motif:
                    raise SeanceRefusee(f"Fiche {point.fiche.code}\u00a0: indiquez le motif de la décision "
                                        f"«\u00a0{decision.label}\u00a0».", point.id)
                if decision.event is not None:
                    try:
                        lifecycle.fire(point.fiche, decision.event, user, reason=motif)
                    except DomainError as refusal:
                        raise SeanceRefusee(f"Fiche {point.fiche.code}\u00a0: {refusal}", point.id) from None
                point.decision, point.motif = decision, motif or None
            reunion.presences = presences
            reunion.observations = (observations or "").strip() or None
            reunion.etat, reunion.tenue_le = ReunionEtat.TENUE, utcnow()
            db.session.flush()
            version = archive_pv(reunion, user)
            record_history(reunion, user, roles, "tenir", f"Séance du comité de projet du {date_fr(reunion.debut)}",
                    ReunionEtat.PLANIFIEE, effective_on=to_paris(reunion.debut).date(),
                    payload=pv_payload(reunion, version))
    except SeanceRefusee:
        db.session.expire_all()
        raise
    send_pv(reunion, version)
    return reunion


def pv_payload(reunion, version) -> dict:
    return {"proces_verbal": {"document_id": version.document_id, "version": version.numero,
                              "sha256": version.sha256},
            "decisions": {point.fiche.code: point.decision.value for point in reunion.points if point.fiche_id}}


def render_pv(reunion: ReunionComite, correction: str | None = None) -> bytes:
    avis = avis_by_fiche([p.fiche_id for p in reunion.points if p.fiche_id])
    html = render_template("comite/pv_pdf.html", reunion=reunion, dossier=reunion.dossier, avis=avis,
                           correction=correction, today=today_in_paris())
    fetcher = current_app.extensions["pdf_url_fetcher"](current_app.static_folder)
    return HTML(string=html, base_url="jalons-static:///", url_fetcher=fetcher).write_pdf()


def pv_filename(reunion) -> str:
    return f"proces-verbal-comite-{reunion.dossier.reference}-{to_paris(reunion.debut):%Y-%m-%d}.pdf"


def archive_pv(reunion: ReunionComite, user):
    """The PV as a generated document of the dossier (Jalons' own: nobody uploads over it)."""
    version = documents.add_document(
        reunion.dossier, type=DocumentType.MODELE_GENERE, etape=Etape.SUIVI, file_storage_or_bytes=render_pv(reunion),
        filename=pv_filename(reunion), user=user, generated=True,
        titre=f"Procès-verbal du comité de projet du {date_fr(reunion.debut)}",
    )
    reunion.pv_document_id = version.document_id
    db.session.flush()
    return version


def correct_pv(reunion: ReunionComite, user, *, observations: str, reason: str):
    """A corrected PV: a new version of the same document, the reason in it and in the history."""
    roles = authorize(reunion.dossier, user)
    reason = (reason or "").strip()
    if reunion.etat != ReunionEtat.TENUE or reunion.pv_document is None:
        raise DomainError("Seul le procès-verbal d'une séance enregistrée se corrige.")
    if not reason:
        raise DomainError("Indiquez le motif de la correction\u00a0: il figure dans le procès-verbal et l'historique.")
    reunion.observations = (observations or "").strip() or None
    version = documents.add_version(reunion.dossier, reunion.pv_document, file_storage_or_bytes=render_pv(reunion, reason),
                                    filename=pv_filename(reunion), user=user, generated=True)
    record_history(reunion, user, roles, "corriger_pv",
            f"Procès-verbal du comité de projet du {date_fr(reunion.debut)} corrigé", ReunionEtat.TENUE,
            reason=reason, payload=pv_payload(reunion, version))
    send_pv(reunion, version)
    return version


def send_pv(reunion, version) -> None:
    with documents.open_verified(version) as stream:
        data = stream.read()
    mails.send(reunion, "proces_verbal", attachments=[(version.nom_fichier, "application/pdf", data)],
               revision=version.numero, version=version)
