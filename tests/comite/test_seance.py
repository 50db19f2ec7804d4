"""The séance: attendance and decisions applied together through the fiche machine, the
procès-verbal rendered, archived with its hash in the sealed history, immutable."""
import io
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.comite import avis, members, seance
from app.comite.models import AvisSens, Decision, PresenceStatut
from app.core.db import db
from app.documents.models import DocumentVersion
from app.documents.services import open_verified
from app.historique.verify import verify_chains
from app.projet import lifecycle
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat, ReunionEtat
from tests.comite.factories import Comite


@pytest.fixture
def held(app):
    """A meeting with two fiches on its agenda, whose day has come."""
    comite = Comite()
    first, second = comite.fiche_soumise("Halles"), comite.fiche_soumise("Maison de santé")
    reunion = comite.reunion([first, second])
    reunion.debut = datetime.utcnow() - timedelta(minutes=5)  # the meeting's day has come
    db.session.commit()
    comite.reunion_obj, comite.first, comite.second = reunion, first, second
    return comite


def _attendance(comite, **statuts):
    result = []
    for person in members.comite(comite.dossier):
        statut = statuts.get(person.email, PresenceStatut.PRESENT)
        result.append(seance.Attendance(person.key, statut, "Sa première adjointe" if statut == PresenceStatut.REPRESENTE else None))
    return result


def _points(comite):
    return {p.fiche_id: p for p in comite.reunion_obj.points}


def _history_count(dossier):
    return db.session.scalar(select(func.count()).select_from(HistoryEntry).where(HistoryEntry.dossier_id == dossier.id))


def test_one_invalid_decision_applies_none(app, held):
    points = _points(held)
    lifecycle.fire(held.second, "abandonner", held.commune, reason="Projet arrêté")  # changed meanwhile
    before = _history_count(held.dossier)
    with pytest.raises(seance.SeanceRefusee) as refused:
        seance.record(held.reunion_obj, held.chef, attendance=_attendance(held), decisions={
            points[held.first.id].id: (Decision.VALIDEE, ""),
            points[held.second.id].id: (Decision.A_REVOIR, "Chiffrage à reprendre"),
        })
    assert refused.value.point_id == points[held.second.id].id and "FA-02" in str(refused.value)
    assert held.first.etat == FicheEtat.SOUMISE
    assert _history_count(held.dossier) == before
    assert held.reunion_obj.etat == ReunionEtat.PLANIFIEE and held.reunion_obj.pv_document_id is None


def test_a_missing_reason_names_its_fiche_and_applies_nothing(app, held):
    points = _points(held)
    before = _history_count(held.dossier)
    with pytest.raises(seance.SeanceRefusee, match="FA-02.*motif") as refused:
        seance.record(held.reunion_obj, held.chef, attendance=_attendance(held), decisions={
            points[held.first.id].id: (Decision.VALIDEE, ""), points[held.second.id].id: (Decision.REFUSEE, "")})
    assert refused.value.point_id == points[held.second.id].id
    assert held.first.etat == FicheEtat.SOUMISE and _history_count(held.dossier) == before


def test_the_seance_applies_every_decision_and_archives_the_pv(app, held, smtp_server):
    avis.give_avis(held.first, held.partner, sens=AvisSens.RESERVE, commentaire="Plan de financement fragile",
                   conditions="Un second devis")
    points = _points(held)
    seance.record(held.reunion_obj, held.chef, observations="Échanges sur le calendrier des travaux.",
                  attendance=_attendance(held, **{held.prefet.email: PresenceStatut.EXCUSE,
                                                  held.epci.email: PresenceStatut.REPRESENTE}),
                  decisions={points[held.first.id].id: (Decision.VALIDEE, ""),
                             points[held.second.id].id: (Decision.A_REVOIR, "Chiffrage à reprendre")})
    db.session.commit()
    assert (held.first.etat, held.second.etat) == (FicheEtat.VALIDEE, FicheEtat.A_REVOIR)
    assert held.reunion_obj.etat == ReunionEtat.TENUE
    version = held.reunion_obj.pv_document.current
    assert version.generated
    with open_verified(version) as stream:
        data = stream.read()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Procès-verbal du comité de projet", "FA-01", "Validée", "FA-02", "À revoir",
                     "Chiffrage à reprendre", "Excusé", "Représenté par Sa première adjointe", str(held.chef),
                     "Anah, avis réservé", "Un second devis", "Échanges sur le calendrier"):
        assert expected in " ".join(text.split()), expected
    row = db.session.scalar(select(HistoryEntry).where(HistoryEntry.subject_type == "reunion_comite",
                                                      HistoryEntry.event == "tenir"))
    assert row.payload_dict["proces_verbal"]["sha256"] == version.sha256
    assert row.payload_dict["decisions"] == {"FA-01": "validee", "FA-02": "a_revoir"}
    decided = [e.event for e in db.session.scalars(select(HistoryEntry).where(
        HistoryEntry.machine == "fiche", HistoryEntry.event.in_(["valider", "demander_revision"])))]
    assert sorted(decided) == ["demander_revision", "valider"]
    assert [p.message for p in verify_chains() if p.dossier_id == held.dossier.id] == []
    pv_mails = [m for m in smtp_server.deliver() if "procès-verbal" in m["Subject"]]
    assert sorted(m["To"] for m in pv_mails) == sorted(p.email for p in members.comite(held.dossier))
    attached = [p for p in pv_mails[0].iter_attachments() if p.get_content_type() == "application/pdf"]
    assert attached[0].get_payload(decode=True) == data


def test_the_pv_is_immutable_a_correction_is_a_new_version_with_its_reason(app, held, client, login_as):
    points = _points(held)
    seance.record(held.reunion_obj, held.chef, attendance=_attendance(held), decisions={
        points[held.first.id].id: (Decision.AJOURNEE, ""), points[held.second.id].id: (Decision.VALIDEE, "")})
    db.session.commit()
    assert held.first.etat == FicheEtat.SOUMISE  # ajournée: it stays soumise for a later meeting
    document = held.reunion_obj.pv_document
    first_hash = document.current.sha256
    login_as(held.commune)
    response = client.get(f"/dossiers/{held.dossier.id}/documents/{document.id}/versions")
    assert response.status_code == 403
    response = client.post(f"/dossiers/{held.dossier.id}/documents/{document.id}/versions", data={})
    assert response.status_code == 403
    assert client.get(f"/documents/versions/{document.current.id}/telecharger").status_code == 200
    version = seance.correct_pv(held.reunion_obj, held.chef, observations="Ajout du relevé.", reason="Oubli du relevé")
    db.session.commit()
    assert version.numero == 2 and version.sha256 != first_hash
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)
                             .where(DocumentVersion.document_id == document.id)) == 2
    row = db.session.scalar(select(HistoryEntry).where(HistoryEntry.event == "corriger_pv"))
    assert row.reason == "Oubli du relevé" and row.payload_dict["proces_verbal"]["sha256"] == version.sha256


def test_the_seance_form_says_which_decision_was_refused(app, held, client, login_as):
    points = _points(held)
    login_as(held.chef)
    url = f"/dossiers/{held.dossier.id}/comite/reunions/{held.reunion_obj.id}/seance"
    page = client.get(url)
    assert page.status_code == 200 and "FA-01" in page.text and "FA-02" in page.text
    present = {f"presence-{p.key}": "present" for p in members.comite(held.dossier)}
    response = client.post(url, data={**present, f"decision-{points[held.first.id].id}": "validee",
                                      f"decision-{points[held.second.id].id}": "refusee"})
    assert response.status_code == 200, response.text
    assert f'id="decision-{points[held.second.id].id}-erreur"' in response.text
    assert "FA-02" in response.text and "motif" in response.text
    db.session.expire_all()
    assert held.first.etat == FicheEtat.SOUMISE
    response = client.post(url, data={**present, f"decision-{points[held.first.id].id}": "validee",
                                      f"decision-{points[held.second.id].id}": "refusee",
                                      f"motif-{points[held.second.id].id}": "Hors du périmètre ORT"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (held.first.etat, held.second.etat) == (FicheEtat.VALIDEE, FicheEtat.REFUSEE)
    page = client.get(response.location)
    assert "Télécharger le procès-verbal" in page.text and "Hors du périmètre ORT" in page.text


def test_a_meeting_state_changed_without_its_history_is_found_by_the_audit(app, held):
    def problems():
        return [p.message for p in verify_chains() if p.dossier_id == held.dossier.id]

    assert problems() == []
    held.reunion_obj.etat = ReunionEtat.TENUE  # written directly, without a séance
    db.session.flush()
    assert problems() == ["l'état enregistré (« Tenue ») ne correspond pas à la dernière ligne de son historique"]


def test_a_meeting_moved_since_the_form_was_shown_is_a_conflict(app, held):
    points = _points(held)
    shown = held.reunion_obj.version
    held.reunion_obj.lieu = "Mairie annexe"
    db.session.flush()  # someone changed the meeting meanwhile (its version moved)
    with pytest.raises(seance.ConflictError):
        seance.record(held.reunion_obj, held.chef, attendance=_attendance(held), expected_version=shown,
                      decisions={points[held.first.id].id: (Decision.VALIDEE, ""),
                                 points[held.second.id].id: (Decision.VALIDEE, "")})
    assert held.first.etat == FicheEtat.SOUMISE
