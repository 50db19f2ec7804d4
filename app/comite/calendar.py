"""The .ics attached to a meeting's invitation, update and cancellation (RFC 5545 / 5546).

One UID per meeting, kept for its whole life; SEQUENCE goes up at each change, so that a
calendar replaces the event instead of adding a second one, and METHOD:CANCEL removes it.
Times are written in Europe/Paris with its VTIMEZONE, so that a client shows 14:00 whether the
meeting falls in summer or in winter time.
"""
from datetime import timezone

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from app.core.formatting import PARIS, utcnow
from app.core.urls import external_url

PRODID = "-//ANCT//Jalons//FR"


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def meeting_ics(reunion, attendees, *, method: str = "REQUEST", agenda: list[str] = ()) -> bytes:
    """The calendar of `reunion` for `attendees` (comite.members.Membre), METHOD `method`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    start = reunion.debut.replace(tzinfo=timezone.utc).astimezone(PARIS)
    end = reunion.fin.replace(tzinfo=timezone.utc).astimezone(PARIS)
    cal.add_component(Timezone.from_tzid("Europe/Paris", first_date=start.date(), last_date=end.date()))
    event = Event()
    event.add("uid", reunion.uid)
    event.add("sequence", reunion.sequence)
    event.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"Comité de projet — {reunion.dossier.nom}")
    if reunion.lieu:
        event.add("location", reunion.lieu)
    description = [f"Comité de projet du dossier {reunion.dossier.nom} ({reunion.dossier.reference})."]
    if reunion.lien_visio:
        description.append(f"Visioconférence\u00a0: {reunion.lien_visio}")
    if agenda:
        description.append("Ordre du jour\u00a0:")
        description += [f"{n}. {item}" for n, item in enumerate(agenda, 1)]
    link = external_url("comite.reunion", dossier_id=reunion.dossier_id, reunion_id=reunion.id)
    description.append(link)
    event.add("description", "\n".join(description))
    event.add("url", link)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = reunion.organisateur
    if organizer is not None:
        event.add("organizer", _address(organizer.email, str(organizer)))
    for person in attendees:
        event.add("attendee", _address(person.email, person.nom, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
                                       RSVP="FALSE"), encode=0)
    cal.add_component(event)
    return cal.to_ical()
