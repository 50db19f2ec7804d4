"""Each event notifies exactly the right people — and nobody out of scope, nor the actor."""
from datetime import date

import pytest
from sqlalchemy import select

from app.admin.services import grant_role
from app.auth.roles import Role
from app.core.db import db
from app.core.outbox import OutboxMessage
from app.documents import services as documents
from app.dossiers import lifecycle
from app.dossiers.models import DossierEtat as E
from app.notifications.models import Notification
from tests import factories
from tests.documents.samples import png
from tests.notifications.conftest import TODAY, notified

PORTEURS = {"commune", "commune_voisine", "epci", "chef"}


def fire(world, event, who, **data):
    return lifecycle.fire(world.dossier, event, world.users[who], today=TODAY, **data)


def new_notifications(since: int):
    return db.session.scalars(select(Notification).where(Notification.id > since).order_by(Notification.id)).all()


def last_id() -> int:
    return db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0


def deposit(world):
    factories.ready_to_deposit(world.dossier)
    fire(world, "demarrer_adhesion", "commune")
    before = last_id()
    fire(world, "deposer_adhesion", "commune")
    return before


def test_a_deposit_tells_the_prefecture_of_the_departement_only(world):
    before = deposit(world)
    rows = new_notifications(before)
    assert notified(world, rows) == {"prefecture"}  # not the other département, not the inactive agent
    assert rows[0].title == "Convention d'adhésion déposée" and rows[0].url == f"/dossiers/{world.dossier.id}"


def test_a_request_for_completions_tells_the_porteurs_with_the_reason(world):
    deposit(world)
    before = last_id()
    fire(world, "demander_complements_adhesion", "prefecture", reason="La délibération de l'EPCI manque.")
    rows = new_notifications(before)
    assert notified(world, rows) == PORTEURS
    assert all("La délibération de l'EPCI manque." in n.body for n in rows)
    assert rows[0].title == "Convention d'adhésion à compléter"


def test_validation_and_signature_tell_the_porteurs(world):
    deposit(world)
    before = last_id()
    fire(world, "valider_adhesion", "prefecture")
    assert notified(world, new_notifications(before)) == PORTEURS
    factories.document(world.dossier, "convention_signee", "adhesion")
    before = last_id()
    fire(world, "signer_adhesion", "prefecture", signature_date=TODAY)
    rows = new_notifications(before)
    assert notified(world, rows) == PORTEURS
    assert "La convention-cadre doit être signée au plus tard le" in rows[0].body


def test_an_extension_and_a_sortie_tell_the_members_but_the_actor(app, world, monkeypatch):
    # The programme extended (PROGRAMME_END): these 18 months and their extension fit in it.
    monkeypatch.setitem(app.config, "PROGRAMME_END", "2030-12-31")
    world.dossier.etat, world.dossier.adhesion_signee_le = E.ADHESION_SIGNEE, date(2026, 1, 5)
    world.dossier.echeance_cadre = date(2027, 7, 5)
    before = last_id()
    fire(world, "prolonger_delai", "prefecture", reason="Fusion de communes", new_deadline=date(2027, 12, 1))
    rows = new_notifications(before)
    assert notified(world, rows) == PORTEURS  # the préfecture acted: it is not told its own act
    assert "1er décembre 2027" in rows[0].body or "1 décembre 2027" in rows[0].body
    other_agent = factories.user_with_role(Role.PREFECTURE, departement_code=world.dossier.departement_code)
    before = last_id()
    lifecycle.fire(world.dossier, "declarer_sortie", other_agent, today=TODAY, reason="Délibération de retrait")
    assert notified(world, new_notifications(before)) == PORTEURS | {"prefecture"}


def test_a_document_added_during_instruction_tells_the_prefecture(world, app, tmp_path, monkeypatch):
    from app.core.storage import EXTENSION_KEY, LocalStorage

    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStorage(tmp_path))
    before = last_id()
    documents.add_document(world.dossier, type="etude", etape="adhesion", file_storage_or_bytes=png(),
                           filename="plan.png", user=world.users["commune"], titre="Plan du centre")
    assert new_notifications(before) == []  # not under instruction yet
    deposit(world)
    before = last_id()
    documents.add_document(world.dossier, type="etude", etape="adhesion", file_storage_or_bytes=png(),
                           filename="plan2.png", user=world.users["epci"], titre="Plan révisé")
    rows = new_notifications(before)
    assert notified(world, rows) == {"prefecture"} and "Plan révisé" in rows[0].title


def test_a_role_granted_tells_that_user(world):
    newcomer = factories.user()
    before = last_id()
    grant_role(newcomer, world.users["admin"], Role.PREFECTURE, departement_code=world.dossier.departement_code)
    rows = new_notifications(before)
    assert [n.user_id for n in rows] == [newcomer.id] and "Préfecture" in rows[0].title


def test_an_immediate_notification_queues_one_mail_with_the_dossier_in_the_subject(world):
    deposit(world)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == world.users["prefecture"].email)).all()
    assert [m.subject for m in mails] == ["[Jalons] Jonzac-Test et voisine — Convention d'adhésion déposée"]


def test_the_mail_reaches_the_smtp_server_with_text_html_link_and_unsubscribe(world, app, smtp_server):
    from tests.mail_fixtures import html_of, text_of

    deposit(world)
    before = last_id()
    fire(world, "demander_complements_adhesion", "prefecture", reason="La délibération de l'EPCI manque.")
    db.session.commit()
    [mail] = [m for m in smtp_server.deliver() if m["To"] == world.users["commune"].email]
    assert mail["Subject"] == "[Jalons] Jonzac-Test et voisine — Convention d'adhésion à compléter"
    text, html = text_of(mail), html_of(mail)
    link = f"{app.config['BASE_URL'].rstrip('/')}/dossiers/{world.dossier.id}"
    assert "La délibération de l'EPCI manque." in text and link in text
    assert "La délibération de l&#39;EPCI manque." in html or "La délibération de l'EPCI manque." in html
    assert f'href="{link}"' in html
    assert mail["List-Unsubscribe"] is None  # a request for compléments cannot be turned off
    assert before < last_id()


def test_an_optional_mail_carries_a_list_unsubscribe_header(world, smtp_server):
    before = deposit(world)
    db.session.commit()
    [mail] = [m for m in smtp_server.deliver() if m["To"] == world.users["prefecture"].email]
    assert mail["List-Unsubscribe"].startswith("<") and "/notifications/preferences" in mail["List-Unsubscribe"]
    assert before < last_id()
