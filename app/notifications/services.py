"""One way to notify: `notify(kind, dossier, roles=…, …)` writes, in the caller's transaction,
one in-app notification per recipient and the e-mails to queue (at once, or for the digest,
per each recipient's preferences). Flushes, never commits."""
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app, g, render_template
from sqlalchemy import insert, select

from app.auth.models import User
from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox import OutboxMessage
from app.core.urls import external_url
from app.notifications.kinds import KINDS, delivery_for
from app.notifications.models import Delivery, Notification, NotificationPreference
from app.notifications.recipients import grants_covering


@contextmanager
def quiet():
    """Within the block, events tell nobody: the demo replays years of a programme, and data
    taken over (an import) is not news. Outside, the subscribers notify as usual."""
    previous = g.get("notifications_quiet", False)
    g.notifications_quiet = True
    try:
        yield
    finally:
        g.notifications_quiet = previous


def is_quiet() -> bool:
    return g.get("notifications_quiet", False)


@dataclass
class Message:
    """One event to tell: its dossier (or none), what it says, where it leads."""

    kind: str
    title: str
    url: str  # a path of the application, e.g. /dossiers/12
    dossier: object = None
    context: dict = field(default_factory=dict)  # for the kind's template: reason, deadline…


def notify(message: Message, *, roles=(), users=(), actor=None) -> list[Notification]:
    """Tell `message` to the holders of `roles` on its dossier and to `users`, but the actor."""
    if is_quiet():
        return []
    user_ids = set(users)
    if roles and message.dossier is not None:
        user_ids |= {user_id for _, user_id, _ in grants_covering([message.dossier.id], roles)}
    if actor is not None:
        user_ids.discard(actor.id)
    return deliver([(message, user_id) for user_id in sorted(user_ids)])


def deliver(items: list[tuple[Message, int]], *, bulk: bool = False) -> list[Notification]:
    """Write the notifications of (message, user id) pairs and queue the immediate e-mails.

    The users and their preferences are read once. `bulk` (the alerts: thousands of rows)
    inserts with one executemany per table instead of the ORM's row-per-statement flush, and
    returns no rows."""
    if not items:
        return []
    user_ids = {user_id for _, user_id in items}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    chosen = {(p.user_id, p.kind): p.delivery for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids)))}
    notifications, mails = [], []
    bodies = {}
    for message, user_id in items:
        kind = KINDS[message.kind]
        key = id(message)
        if key not in bodies:
            bodies[key] = render_template(kind.template, dossier=message.dossier, **message.context).strip()
        delivery = delivery_for(kind, chosen.get((user_id, kind.name)))
        notification = Notification(
            user_id=user_id, kind=kind.name, dossier_id=getattr(message.dossier, "id", None),
            title=message.title[:300], body=bodies[key], url=message.url, delivery=delivery,
            created_at=utcnow(),
        )
        notifications.append(notification)
        if delivery == Delivery.IMMEDIATE and user_id in users:
            mails.append((notification, message, users[user_id]))
    if bulk:
        db.session.execute(insert(Notification.__table__), [_row(n) for n in notifications])
        if mails:
            db.session.execute(insert(OutboxMessage.__table__), [_row(notification_mail(n, m.dossier, u)) for n, m, u in mails])
        return []
    db.session.add_all(notifications)
    db.session.flush()
    db.session.add_all([notification_mail(notification, message.dossier, user)
                        for notification, message, user in mails])
    db.session.flush()
    return notifications


def _row(obj) -> dict:
    """The column values of a new, unsaved row (its defaults applied), for a Core insert."""
    values = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key, None)
        if value is None and column.default is not None and not column.primary_key:
            value = column.default.arg(None) if callable(column.default.arg) else column.default.arg
        if value is not None or not column.primary_key:
            values[column.key] = value
    return values


def subject(notification: Notification, dossier) -> str:
    """"[Jalons] Jonzac — Convention-cadre à compléter": the dossier and the action."""
    where = f"{dossier.nom} — " if dossier is not None else ""
    return f"[Jalons] {where}{notification.title}"[:300]


def notification_mail(notification: Notification, dossier, user: User) -> OutboxMessage:
    """The e-mail of one notification, rendered now, for the caller to add to the session
    (notifications are new rows: their ids make the e-mails' idempotency keys unique)."""
    kind = KINDS[notification.kind]
    preferences = external_url("notifications.preferences")
    context = dict(notification=notification, user=user, dossier=dossier, required=kind.required,
                   link=external_url_for_path(notification.url), preferences=preferences)
    return OutboxMessage(
        recipient=user.email, subject=subject(notification, dossier),
        body=render_template("emails/notification.txt", **context),
        html_body=render_template("emails/notification.html", **context),
        # Every optional e-mail says where to stop it (RFC 2369); a required one cannot be stopped.
        headers=None if kind.required else {"List-Unsubscribe": f"<{preferences}>"},
        idempotency_key=f"notification-{notification.id}" if notification.id else None,
    )


def external_url_for_path(path: str) -> str:
    """An application path (/dossiers/12) as an absolute link under BASE_URL."""
    base = external_url("dossiers.index").rstrip("/")
    return base + path


def path_for(endpoint: str, **values) -> str:
    """The path stored on a notification (absolute links are made when mailing), with or
    without a request (the alerts run from cron)."""
    return current_app.url_map.bind("jalons").build(endpoint, values)
