"""The bell, the notifications page (paginated, unread filter, mark read), scoped to its owner."""
from sqlalchemy import select

from app.core.db import db
from app.notifications.models import Delivery, Notification
from tests import factories


def add(user, n=1, read=False):
    from app.core.formatting import utcnow

    rows = [Notification(user_id=user.id, kind="depot", title=f"Dépôt {i}", body="Corps", url="/",
                         delivery=Delivery.IMMEDIATE, read_at=utcnow() if read else None) for i in range(n)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def test_the_bell_shows_the_unread_count(client, login_as):
    user = login_as(factories.user_with_role(factories.Role.ANCT))
    add(user, 3)
    add(user, 2, read=True)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "(3 non lues)" in page


def test_the_page_filters_unread_and_marks_read(client, login_as):
    user = login_as(factories.user_with_role(factories.Role.ANCT))
    first, second = add(user, 2)
    db.session.commit()
    assert "Dépôt 0" in client.get("/notifications?non-lues=1").get_data(as_text=True)
    client.post(f"/notifications/{first.id}/lue")
    page = client.get("/notifications?non-lues=1").get_data(as_text=True)
    assert first.title not in page.replace(second.title, "")
    response = client.post(f"/notifications/{second.id}/lue", data={"ouvrir": "1"})
    assert response.status_code == 302 and response.location.endswith("/")
    client.post("/notifications/tout-lire")
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None))) is None


def test_someone_elses_notification_does_not_exist(client, login_as):
    other = factories.user_with_role(factories.Role.ANCT)
    [theirs] = add(other)
    login_as(factories.user_with_role(factories.Role.ANCT))
    assert client.post(f"/notifications/{theirs.id}/lue").status_code == 404


def test_the_page_paginates_with_a_bounded_number_of_queries(client, login_as, count_queries):
    user = login_as(factories.user_with_role(factories.Role.ANCT))
    add(user, 60)
    db.session.commit()
    with count_queries() as few:
        client.get("/notifications")
    add(user, 200)
    db.session.commit()
    with count_queries() as many:
        client.get("/notifications")
    assert many.count == few.count


def test_a_page_past_the_end_shows_the_last_notifications_and_says_so(client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    user = login_as(factories.user_with_role(factories.Role.ANCT))
    add(user, 5)  # "Dépôt 0" is the oldest: alone on the third page
    db.session.commit()
    page = client.get("/notifications?page=9").get_data(as_text=True).replace("&#39;", "'")
    assert "Cette page n'existe pas\u00a0: la liste compte 3\u00a0pages, voici la dernière." in page
    assert "Dépôt 0" in page and "Dépôt 1" not in page
    assert "Aucune notification" not in page
