"""Invitations, updates and cancellations of a meeting, followed from the outbox to a real SMTP
server: each carries an .ics that a calendar reads as the same event, revised."""
from datetime import date, datetime, time, timezone

import pytest
from icalendar import Calendar

from app.auth.roles import Role
from app.comite import members, services
from app.core.db import db
from app.core.errors import DomainError
from app.workflows.history import HistoryEntry
from tests.comite.factories import Comite
from tests.mail_fixtures import text_of
from tests.projet import factories as pf


def _calendar(message) -> Calendar:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "une seule invitation .ics par courriel"
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def _event(cal: Calendar):
    return next(c for c in cal.walk("VEVENT"))


@pytest.fixture
def comite(app):
    return Comite()


def test_members_are_computed_from_roles_signing_partners_only_and_guests(app, comite):
    outsider_partner = Comite().partner  # another département's
    non_signing = pf.member(Role.PARTENAIRE, comite.dossier, organisation="ADEME")
    services.add_guest(comite.dossier, comite.chef, nom="Alix Durand", email="Alix@CAUE.example", organisation="CAUE 17")
    people = members.comite(comite.dossier)
    emails = {p.email for p in people}
    assert emails == {comite.commune.email, comite.epci.email, comite.chef.email, comite.prefet.email,
                      comite.partner.email, "alix@caue.example"}
    assert outsider_partner.email not in emails and non_signing.email not in emails
    assert next(p for p in people if p.user_id == comite.partner.id).qualite == "Partenaire (Anah)"


def test_the_invitation_arrives_with_an_ics_in_paris_time_across_the_dst_change(app, comite, smtp_server):
    # 26 March 2027 is in winter time (UTC+1), the 29th in summer time (UTC+2): clocks change on the 28th.
    fiche = comite.fiche_soumise()
    reunion = comite.reunion([fiche], day=date(2027, 3, 26), at=time(14, 0))
    db.session.commit()
    delivered = [m for m in smtp_server.deliver() if "comité de projet du" in m["Subject"]]
    assert sorted(m["To"] for m in delivered) == sorted(p.email for p in members.comite(comite.dossier))
    message = next(m for m in delivered if m["To"] == comite.commune.email)
    assert "invitation au comité de projet" in message["Subject"]
    assert "FA-01 — Réhabilitation des halles" in text_of(message)
    cal = _calendar(message)
    assert cal["METHOD"] == "REQUEST"
    assert [c["TZID"] for c in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = _event(cal)
    assert str(event["UID"]) == reunion.uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 3, 26, 13, 0, tzinfo=timezone.utc)
    assert event.decoded("DTEND").astimezone(timezone.utc) == datetime(2027, 3, 26, 15, 0, tzinfo=timezone.utc)
    attendees = {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]}
    assert attendees == {p.email for p in members.comite(comite.dossier)}
    assert str(event["ORGANIZER"]) == f"mailto:{comite.chef.email}"
    assert "FA-01 — Réhabilitation des halles" in str(event["DESCRIPTION"])

    # moved across the change of time: still 14:00 in Paris, now 12:00 UTC; same UID, higher SEQUENCE
    services.move(reunion, comite.chef, day=date(2027, 3, 29), at=time(14, 0), duree=90, lieu="Mairie annexe",
                  lien_visio=None)
    db.session.commit()
    smtp_server.deliver()
    update = _event(_calendar(smtp_server.to(comite.commune.email)[-1]))
    assert str(update["UID"]) == reunion.uid and int(update["SEQUENCE"]) == 1
    assert update.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 3, 29, 12, 0, tzinfo=timezone.utc)
    assert str(update["LOCATION"]) == "Mairie annexe"

    services.cancel(reunion, comite.chef, motif="Quorum impossible à réunir.")
    db.session.commit()
    smtp_server.deliver()
    message = smtp_server.to(comite.commune.email)[-1]
    cancel = _calendar(message)
    assert cancel["METHOD"] == "CANCEL"
    event = _event(cancel)
    assert str(event["UID"]) == reunion.uid and int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"
    assert "Quorum impossible à réunir." in text_of(message)
    events = [e.event for e in db.session.query(HistoryEntry).filter_by(subject_type="reunion_comite",
                                                                          subject_id=reunion.id).order_by(HistoryEntry.seq)]
    assert events == ["planifier", "deplacer", "annuler"]


def test_a_guest_gets_the_invitation_too(app, comite, smtp_server):
    services.add_guest(comite.dossier, comite.chef, nom="Alix Durand", email="alix@caue.example", organisation="CAUE")
    comite.reunion([comite.fiche_soumise()])
    db.session.commit()
    smtp_server.deliver()
    assert str(_event(_calendar(smtp_server.to("alix@caue.example")[0]))["UID"]).endswith("@jalons")


def test_only_the_chef_de_projet_schedules_and_only_soumises_fiches_go_on_the_agenda(app, comite):
    draft = pf.fiche(comite.dossier, comite.chef, titre="Brouillon")
    with pytest.raises(DomainError, match="chef de projet"):
        services.schedule(comite.dossier, comite.commune, day=date(2027, 3, 26), at=time(14, 0), duree=60,
                          lieu="Mairie", autres_points=["Point"])
    with pytest.raises(DomainError, match="fiches soumises"):
        comite.reunion([draft])
    with pytest.raises(DomainError, match="futur"):
        comite.reunion([comite.fiche_soumise()], day=date(2020, 1, 1))


def test_the_reminder_goes_two_days_before_once_through_alerts_run(app, comite, runner, smtp_server):
    reunion = comite.reunion([comite.fiche_soumise()], day=date(2027, 3, 26), at=time(9, 30))
    db.session.commit()
    smtp_server.deliver()
    result = runner.invoke(args=["alerts", "run", "--date", "2027-03-23"])
    assert "comite_rappel 0" in result.output
    result = runner.invoke(args=["alerts", "run", "--date", "2027-03-24"])
    assert "comite_rappel 1" in result.output
    again = runner.invoke(args=["alerts", "run", "--date", "2027-03-24"])
    assert "comite_rappel 0" in again.output
    delivered = smtp_server.deliver()
    assert len(delivered) == len(members.comite(comite.dossier))
    assert all("rappel" in m["Subject"] for m in delivered)
    assert reunion.dossier.nom in delivered[0]["Subject"]
