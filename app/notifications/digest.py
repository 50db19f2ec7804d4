"""`flask digest send`, every morning: one e-mail per user with the notifications they chose
to receive in a digest. A notification goes in one digest only: it is claimed (its
`digested_at` set) in the same transaction as the e-mail is queued."""
from itertools import groupby

from sqlalchemy import select, update

from app.auth.models import User
from app.core.db import db
from app.core.formatting import utcnow
from app.core.outbox import queue_mail
from app.notifications.models import Delivery, Notification
from app.notifications.services import external_url, external_url_for_path


def send_digests() -> int:
    """Queue the digests due; returns how many e-mails. Flushes."""
    now = utcnow()
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.delivery == Delivery.DIGEST, Notification.digested_at.is_(None))
        .values(digested_at=now)
        .returning(Notification.id)
    ).scalars().all()
    if not claimed:
        return 0
    notifications = db.session.scalars(
        select(Notification).where(Notification.id.in_(claimed)).order_by(Notification.user_id, Notification.id)
    ).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in notifications})))}
    sent = 0
    for user_id, group in groupby(notifications, key=lambda n: n.user_id):
        group = list(group)
        user = users[user_id]
        if not user.active:
            continue
        queue_mail(
            user.email, f"[Jalons] Votre résumé du jour : {len(group)} notification(s)", "emails/digest.txt",
            html_template="emails/digest.html", idempotency_key=f"digest-{user_id}-{group[0].id}-{group[-1].id}",
            headers={"List-Unsubscribe": f"<{external_url('notifications.preferences')}>"},
            user=user, notifications=[(n, external_url_for_path(n.url)) for n in group],
            preferences=external_url("notifications.preferences"),
        )
        sent += 1
    return sent
