"""Administration pages: every view is for admins only, loads, calls one service, commits once."""
from flask import (
    Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.admin import outbox, pickers, services
from app.admin.forms import ConfirmForm, InviteForm, ScopeForm, UserFilterForm, roles_of_field
from app.admin.scopes import FieldError, scope_warning
from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.access import require_role
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import de
from app.core.pagination import paginate
from app.core.outbox import MAX_ATTEMPTS, MessageStatus, OutboxMessage

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _form_error(form, error: DomainError) -> None:
    """A FieldError goes under its field; any other rule above the form."""
    if isinstance(error, FieldError) and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _scope_form_page(template: str, **context):
    """A page with the role form: the lists its pickers offer whole (départements, régions)."""
    return render_template(
        template, roles_of_field=roles_of_field, departement_choices=pickers.departement_choices(),
        region_choices=pickers.region_choices(), **context,
    )


def _flash_granted(message: str, grant: RoleGrant) -> None:
    flash(message, "success")
    warning = scope_warning(grant)
    if warning:
        flash(warning, "warning")


def _admin() -> User:
    """The acting admin as a model instance (services store it in relationships)."""
    return current_user._get_current_object()


def _get_user(user_id: int) -> User:
    user = db.session.scalar(
        select(User)
        .where(User.id == user_id)
        .options(
            joinedload(User.invited_by),
            selectinload(User.grants).options(
                joinedload(RoleGrant.granted_by), joinedload(RoleGrant.revoked_by),
                joinedload(RoleGrant.commune), joinedload(RoleGrant.epci),
                joinedload(RoleGrant.dossier), joinedload(RoleGrant.departement),
                joinedload(RoleGrant.region),
            ),
        )
    )
    if user is None:
        abort(404)
    return user


@bp.route("/utilisateurs")
@require_role(Role.ADMIN)
def users():
    filters = UserFilterForm(request.args)
    args = request.args
    stmt = services.users_query(args.get("q", ""), args.get("role", ""), args.get("statut", ""))
    page = paginate(stmt)
    return render_template("admin/users.html", page=page, filters=filters)


@bp.route("/utilisateurs/<int:user_id>")
@require_role(Role.ADMIN)
def user(user_id):
    return render_template("admin/user.html", user=_get_user(user_id), confirm=ConfirmForm())


@bp.route("/utilisateurs/inviter", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited = services.invite_user(
                _admin(), form.email.data, form.nom.data, form.chosen_role, **form.scope_fields()
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            _flash_granted(f"Invitation envoyée à {invited.email}.", invited.grants[0])
            return redirect(url_for("admin.user", user_id=invited.id))
    return _scope_form_page("admin/invite.html", form=form)


@bp.route("/utilisateurs/<int:user_id>/invitation", methods=["POST"])
@require_role(Role.ADMIN)
def resend_invitation(user_id):
    user = _get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.resend_invitation(user, _admin())
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Invitation envoyée à nouveau à {user.email}.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/utilisateurs/<int:user_id>/roles/nouveau", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def grant_role(user_id):
    user = _get_user(user_id)
    form = ScopeForm()
    if form.validate_on_submit():
        try:
            grant = services.grant_role(user, _admin(), form.chosen_role, **form.scope_fields())
        except DomainError as error:
            _form_error(form, error)
        else:
            db.session.commit()
            _flash_granted(f"Rôle «\u00a0{grant.role.label}\u00a0» attribué à {user}.", grant)
            return redirect(url_for("admin.user", user_id=user_id))
    return _scope_form_page("admin/grant.html", form=form, user=user)


@bp.route("/perimetres/<kind>")
@require_role(Role.ADMIN)
def scope_options(kind):
    """The choices of the role form's pickers for what the admin typed (`?q=`), as JSON."""
    found = pickers.options(kind, request.args.get("q", ""))
    if found is None:
        abort(404)
    return jsonify(options=found)


@bp.route("/roles/<int:grant_id>/retirer", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def revoke_grant(grant_id):
    """GET asks for confirmation, POST revokes: a revocation is not a click away."""
    grant = db.session.scalar(
        select(RoleGrant).where(RoleGrant.id == grant_id).with_for_update()
    )
    if grant is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.revoke_grant(grant, _admin())
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Rôle «\u00a0{grant.role.label}\u00a0» retiré à {grant.user}.", "success")
        return redirect(url_for("admin.user", user_id=grant.user_id))
    return render_template("admin/revoke.html", grant=grant, form=form)


def _set_active(user_id: int, active: bool):
    user = _get_user(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_active(user, _admin(), active)
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Le compte {de(user)} est {'réactivé' if active else 'désactivé'}.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/utilisateurs/<int:user_id>/desactiver", methods=["POST"])
@require_role(Role.ADMIN)
def deactivate(user_id):
    return _set_active(user_id, False)


@bp.route("/utilisateurs/<int:user_id>/reactiver", methods=["POST"])
@require_role(Role.ADMIN)
def reactivate(user_id):
    return _set_active(user_id, True)


# --- Envois: the outbox ---------------------------------------------------------------------

def _outbox_page(template: str, **context):
    return render_template(template, MessageStatus=MessageStatus, max_attempts=MAX_ATTEMPTS, **context)


@bp.route("/envois")
@require_role(Role.ADMIN)
def outbox_messages():
    statut = request.args.get("statut", "")
    statut = statut if statut in outbox.STATUTS else ""
    page = paginate(outbox.messages_query(statut))
    counts = outbox.counts()
    tags = [("", "Tous", sum(counts.values()))] + [(s.value, s.label, counts[s]) for s in MessageStatus]
    return _outbox_page("admin/outbox.html", page=page, counts=counts, statut=statut, tags=tags)


@bp.route("/envois/<int:message_id>/reessayer", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def retry_message(message_id):
    """GET asks for confirmation, POST sends the failed message back to the queue."""
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    )
    if message is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            outbox.retry_message(message, _admin())
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Le courriel n° {message.id} pour {message.recipient} est de nouveau en attente\u00a0: "
                  "il partira au prochain passage de l'envoi.", "success")
        return redirect(url_for("admin.outbox_messages", statut=MessageStatus.EN_ECHEC.value))
    return _outbox_page("admin/outbox_retry.html", message=message, form=form)


@bp.route("/envois/reessayer", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def retry_failed_messages():
    """GET asks for confirmation, POST sends every failed message back to the queue."""
    form = ConfirmForm()
    if form.validate_on_submit():
        count = outbox.retry_failed(_admin())
        db.session.commit()
        if count:
            flash(f"{count} courriel{'s' if count > 1 else ''} en échec de nouveau en attente\u00a0: "
                  "ils partiront au prochain passage de l'envoi.", "success")
        else:
            flash("Aucun courriel n'était en échec.", "info")
        return redirect(url_for("admin.outbox_messages"))
    failed = outbox.counts()[MessageStatus.EN_ECHEC]
    return _outbox_page("admin/outbox_retry.html", message=None, failed=failed, form=form)
