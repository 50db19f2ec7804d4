"""The e-mails of a meeting, to every person of the comité (members and guests): invitation,
update and cancellation with their .ics, the reminder, the procès-verbal. Queued in the
caller's transaction (the outbox), one idempotency key per person and revision of the meeting."""
from app.comite import members
from app.comite.calendar import meeting_ics
from app.core.formatting import datetime_fr
from app.core.outbox import queue_mail
from app.core.urls import external_url

KINDS = {
    # kind: (method of the .ics or None, subject's words)
    "invitation": ("REQUEST", "invitation au comité de projet du {date}"),
    "modification": ("REQUEST", "comité de projet déplacé au {date}"),
    "annulation": ("CANCEL", "comité de projet du {date} annulé"),
    "rappel": (None, "rappel\u00a0: comité de projet du {date}"),
    "proces_verbal": (None, "procès-verbal du comité de projet du {date}"),
}


def agenda_lines(reunion) -> list[str]:
    return [point.intitule for point in reunion.points]


def send(reunion, kind: str, *, people=None, attachments=(), revision: int | None = None, **context) -> int:
    """Queue `kind` for each person of the comité; returns how many e-mails were queued.

    `revision` names what is sent in the idempotency key (the PV's version); by default the
    meeting's SEQUENCE."""
    method, words = KINDS[kind]
    people = members.comite(reunion.dossier) if people is None else people
    files = list(attachments)
    if method is not None:
        ics = meeting_ics(reunion, people, method=method, agenda=agenda_lines(reunion))
        files.append(("comite.ics", f"text/calendar; method={method}; charset=utf-8", ics))
    subject = f"[Jalons] {reunion.dossier.nom} — {words.format(date=datetime_fr(reunion.debut))}"
    link = external_url("comite.reunion", dossier_id=reunion.dossier_id, reunion_id=reunion.id)
    for person in people:
        queue_mail(person.email, subject[:300], f"emails/comite_{kind}.txt",
                   html_template=f"emails/comite_{kind}.html",
                   idempotency_key=f"comite:{reunion.id}:{kind}:{revision if revision is not None else reunion.sequence}:{person.key}",
                   attachments=files, reunion=reunion, person=person, link=link,
                   agenda=agenda_lines(reunion), **context)
    return len(people)
