"""Preferences: an optional kind off sends no e-mail (the notification stays in the
application), a digest groups the day's items into one e-mail, required kinds always arrive."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.documents.models import DocumentType

from app.core.db import db
from app.core.outbox import OutboxMessage
from app.notifications.digest import send_digests
from app.notifications.models import Delivery, Notification, NotificationPreference
from app.notifications.services import Message, notify


def mails_to(user):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)
                              .order_by(OutboxMessage.id)).all()


def prefer(user, kind, delivery):
    db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
    db.session.flush()


@dataclass
class Entry:
    """What a history row gives the kinds' templates."""

    label: str = "Valider la convention d'adhésion"
    at: datetime = datetime(2026, 11, 22, 10)
    effective_on: date = date(2026, 11, 22)
    event: str = "valider_adhesion"
    reason: str = "Un motif"


@dataclass
class Document:
    titre: str = "Plan du centre"
    type: object = DocumentType.ETUDE


def tell(world, kind, user, title="Quelque chose"):
    return notify(Message(kind, title, f"/dossiers/{world.dossier.id}", world.dossier,
                          {"entry": Entry(), "actor": None, "message": "Un message.", "deadline": date(2027, 1, 1),
                           "document": Document()}), users=[user.id])


def test_an_optional_kind_turned_off_sends_no_mail_but_stays_in_the_application(world):
    user = world.users["prefecture"]
    prefer(user, "document", Delivery.OFF)
    [notification] = tell(world, "document", user)
    assert notification.delivery == Delivery.OFF and mails_to(user) == []
    assert db.session.get(Notification, notification.id).read_at is None


def test_a_required_kind_cannot_be_turned_off(world):
    user = world.users["commune"]
    prefer(user, "alerte_echeance", Delivery.OFF)  # as a forged form would
    [notification] = tell(world, "alerte_echeance", user)
    assert notification.delivery == Delivery.DIGEST  # it still reaches them, in the digest
    assert send_digests() == 1 and len(mails_to(user)) == 1


def test_the_digest_groups_the_day_into_one_mail_and_is_sent_once(world):
    user = world.users["epci"]
    prefer(user, "validation", Delivery.DIGEST)
    prefer(user, "depot", Delivery.DIGEST)
    tell(world, "validation", user, "Première")
    tell(world, "depot", user, "Seconde")
    assert mails_to(user) == []
    assert send_digests() == 1
    [mail] = mails_to(user)
    assert "2 notification(s)" in mail.subject and "Première" in mail.body and "Seconde" in mail.body
    assert send_digests() == 0 and len(mails_to(user)) == 1


def test_the_preferences_page_saves_choices_and_never_offers_off_for_required_kinds(client, login_as, world):
    user = login_as(world.users["chef"])
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'name="alerte_echeance" type="radio" value="aucun"' not in page
    data = {kind: "resume" for kind in ("depot", "a_completer", "validation", "signature", "prolongation",
                                        "sortie", "document", "role", "alerte_echeance", "alerte_instruction",
                                        "alerte_complements")}
    data["document"] = "aucun"
    assert client.post("/notifications/preferences", data=data).status_code == 302

    def chosen():
        db.session.expire_all()
        return dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                       .where(NotificationPreference.user_id == user.id)).all())

    assert chosen()["document"] == Delivery.OFF and chosen()["alerte_echeance"] == Delivery.DIGEST
    forged = {**data, "alerte_echeance": "aucun", "document": "immediat"}
    response = client.post("/notifications/preferences", data=forged)
    assert response.status_code == 200  # the form comes back with its error; nothing changes
    assert chosen()["alerte_echeance"] == Delivery.DIGEST and chosen()["document"] == Delivery.OFF
