"""The bell, the notifications page and the e-mail preferences of the current user."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select, update
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from app.core.db import db
from app.core.pagination import paginate
from app.core.formatting import utcnow
from app.core.forms import Form
from app.notifications.kinds import KINDS
from app.notifications.models import Delivery, Notification, NotificationPreference

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def unread_count(user) -> int:
    """The number on the bell: one statement (an index covers it)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def _mine(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)  # another user's notification does not exist for this one
    return notification


@bp.route("")
def index():
    only_unread = request.args.get("non-lues") == "1"
    stmt = select(Notification).where(Notification.user_id == current_user.id)
    if only_unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(stmt.order_by(Notification.id.desc()))
    return render_template("notifications/index.html", page=page, only_unread=only_unread,
                           unread=unread_count(current_user))


@bp.route("/<int:notification_id>/lue", methods=["POST"])
def mark_read(notification_id):
    notification = _mine(notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    if request.form.get("ouvrir"):
        return redirect(notification.url)
    return redirect(url_for("notifications.index", **({"non-lues": "1"} if request.form.get("non-lues") else {})))


@bp.route("/tout-lire", methods=["POST"])
def mark_all_read():
    result = db.session.execute(
        update(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    flash(f"{result.rowcount} notification(s) marquée(s) comme lue(s).", "success")
    return redirect(url_for("notifications.index"))


def preferences_form(chosen: dict):
    class PreferencesForm(Form):
        pass

    for kind in KINDS.values():
        choices = [SelectChoice(d.value, d.label) for d in Delivery if not (kind.required and d == Delivery.OFF)]
        description = "Ce courriel ne peut pas être désactivé : il vous demande d'agir." if kind.required else None
        setattr(PreferencesForm, kind.name, RadioField(
            kind.label, choices=choices, default=chosen.get(kind.name, kind.default).value, description=description,
        ))
    return PreferencesForm()


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    rows = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == current_user.id))}
    form = preferences_form({kind: row.delivery for kind, row in rows.items()})
    if form.validate_on_submit():
        for kind in KINDS.values():
            delivery = Delivery(form[kind.name].data)
            if kind.required and delivery == Delivery.OFF:
                continue  # the choices do not offer it; a forged form changes nothing
            row = rows.get(kind.name) or NotificationPreference(user_id=current_user.id, kind=kind.name)
            row.delivery = delivery
            db.session.add(row)
        db.session.commit()
        flash("Vos préférences de courriel sont enregistrées.", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form)
