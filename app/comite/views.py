"""The comité de projet's pages: its members and meetings, a meeting (agenda with the avis,
séance, procès-verbal), and the avis form of a fiche. Each view loads (404 out of scope),
authorizes (403 with the reason), calls one service, commits once."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.comite import avis as avis_service, members, seance, services
from app.comite.access import avis_refusal, manage_refusal
from app.comite.forms import AvisForm, CancelForm, CorrectionForm, GuestForm, ReunionForm
from app.comite.models import Decision, InviteComite, PresenceStatut
from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.formatting import money_fr, to_paris
from app.dossiers.views import get_dossier
from app.projet import queries
from app.workflows.history import timeline
from app.workflows.states import ReunionEtat


def _refused(form, refusal: DomainError) -> None:
    db.session.rollback()
    form.form_errors.append(str(refusal))


def _manage(dossier, roles=None):
    refusal = manage_refusal(dossier, current_user, roles)
    if refusal:
        abort(403, description=refusal)


def _reunion(dossier, reunion_id):
    reunion = services.get_reunion(dossier, reunion_id)
    if reunion is None:
        abort(404)
    return reunion


def _reunion_url(reunion, **kw) -> str:
    return url_for("comite.reunion", dossier_id=reunion.dossier_id, reunion_id=reunion.id, **kw)


def index(dossier_id):
    dossier = get_dossier(dossier_id)
    roles = dossier.roles_of(current_user)
    return render_template("comite/index.html", dossier=dossier, membres=members.member_users(dossier),
                           invites=members.guests(dossier), reunions=services.reunions_of(dossier),
                           refusal=manage_refusal(dossier, current_user, roles), guest_form=GuestForm(formdata=None))


def add_guest(dossier_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    form = GuestForm()
    if form.validate_on_submit():
        try:
            guest = services.add_guest(dossier, current_user, nom=form.nom.data, email=form.email.data,
                                       organisation=form.organisation.data)
            db.session.commit()
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            flash(f"{guest.nom} est invité aux réunions du comité de projet.", "success")
            return redirect(url_for("comite.index", dossier_id=dossier.id))
    return render_template("comite/form.html", dossier=dossier, form=form, title="Ajouter un invité",
                           submit="Ajouter l'invité")


def remove_guest(dossier_id, guest_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    guest = db.session.get(InviteComite, guest_id)
    if guest is None or guest.dossier_id != dossier.id or guest.retire_le is not None:
        abort(404)
    services.remove_guest(guest, dossier, current_user)
    db.session.commit()
    flash(f"{guest.nom} n'est plus invité aux prochaines réunions.", "success")
    return redirect(url_for("comite.index", dossier_id=dossier.id))


def _reunion_form(dossier, reunion=None) -> ReunionForm:
    form = ReunionForm()
    form.fiches.choices = [SelectChoice(f.id, str(f)) for f in services.agenda_candidates(dossier)]
    if reunion is not None and not form.is_submitted():
        local = to_paris(reunion.debut)
        form.jour.data, form.heure.data = local.date(), local.time().replace(second=0, microsecond=0)
        form.duree.data, form.lieu.data, form.lien_visio.data = reunion.duree_minutes, reunion.lieu, reunion.lien_visio
        form.version.data = reunion.version
    return form


def new_reunion(dossier_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    form = _reunion_form(dossier)
    if form.validate_on_submit():
        try:
            reunion = services.schedule(
                dossier, current_user, day=form.jour.data, at=form.heure.data, duree=form.duree.data,
                lieu=form.lieu.data, lien_visio=form.lien_visio.data, fiche_ids=form.fiches.data or [],
                autres_points=(form.autres_points.data or "").splitlines())
            db.session.commit()
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            flash("La réunion est planifiée\u00a0: les membres et les invités reçoivent l'invitation.", "success")
            return redirect(_reunion_url(reunion))
    return render_template("comite/reunion_form.html", dossier=dossier, form=form, reunion=None,
                           title="Planifier une réunion du comité de projet", submit="Planifier et inviter")


def edit_reunion(dossier_id, reunion_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    reunion = _reunion(dossier, reunion_id)
    if reunion.etat != ReunionEtat.PLANIFIEE:
        abort(403, description="Cette réunion est tenue ou annulée\u00a0: elle ne se déplace plus.")
    form = _reunion_form(dossier, reunion)
    if form.validate_on_submit():
        try:
            services.move(reunion, current_user, day=form.jour.data, at=form.heure.data, duree=form.duree.data,
                          lieu=form.lieu.data, lien_visio=form.lien_visio.data, expected_version=form.version.data)
            db.session.commit()
        except ConflictError as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return redirect(_reunion_url(reunion))
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            flash("La réunion est déplacée\u00a0: chacun reçoit l'invitation mise à jour.", "success")
            return redirect(_reunion_url(reunion))
    return render_template("comite/reunion_form.html", dossier=dossier, form=form, reunion=reunion,
                           title="Déplacer la réunion", submit="Enregistrer et prévenir")


def cancel_reunion(dossier_id, reunion_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    reunion = _reunion(dossier, reunion_id)
    if reunion.etat != ReunionEtat.PLANIFIEE:
        abort(403, description="Cette réunion est déjà tenue ou annulée.")
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(reunion, current_user, motif=form.motif.data)
            db.session.commit()
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            flash("La réunion est annulée\u00a0: chacun en est prévenu.", "success")
            return redirect(_reunion_url(reunion))
    return render_template("comite/cancel.html", dossier=dossier, reunion=reunion, form=form)


def reunion(dossier_id, reunion_id):
    dossier = get_dossier(dossier_id)
    roles = dossier.roles_of(current_user)
    item = _reunion(dossier, reunion_id)
    avis = avis_service.avis_by_fiche([p.fiche_id for p in item.points if p.fiche_id])
    return render_template("comite/reunion.html", dossier=dossier, reunion=item, avis=avis,
                           can_manage=manage_refusal(dossier, current_user, roles) is None,
                           timeline=timeline(dossier.id, services.SUBJECT, item.id))


def _sheet(reunion, people):
    """The séance as typed: attendance per person, decision and motif per fiche point."""
    attendance = []
    for person in people:
        raw = request.form.get(f"presence-{person.key}", "")
        statut = PresenceStatut(raw) if raw in {s.value for s in PresenceStatut} else PresenceStatut.ABSENT
        attendance.append(seance.Attendance(person.key, statut, request.form.get(f"represente-{person.key}")))
    decisions = {}
    for point in reunion.points:
        if point.fiche_id:
            raw = request.form.get(f"decision-{point.id}", "")
            decisions[point.id] = (Decision(raw) if raw in {d.value for d in Decision} else None,
                                   request.form.get(f"motif-{point.id}", ""))
    return attendance, decisions


def record_seance(dossier_id, reunion_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    item = _reunion(dossier, reunion_id)
    if item.etat != ReunionEtat.PLANIFIEE:
        abort(403, description="La séance de cette réunion est déjà enregistrée, ou la réunion est annulée.")
    people = members.comite(dossier)
    error, error_point = None, None
    if request.method == "POST":
        attendance, decisions = _sheet(item, people)
        try:
            seance.record(item, current_user, attendance=attendance, decisions=decisions,
                          observations=request.form.get("observations", ""),
                          expected_version=request.form.get("version", type=int))
            db.session.commit()
        except seance.SeanceRefusee as refusal:
            db.session.rollback()
            error, error_point = str(refusal), refusal.point_id
        except DomainError as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            flash("La séance est enregistrée, ses décisions appliquées\u00a0; le procès-verbal est archivé et "
                  "envoyé aux membres.", "success")
            return redirect(_reunion_url(item))
        item = _reunion(dossier, reunion_id)
    avis = avis_service.avis_by_fiche([p.fiche_id for p in item.points if p.fiche_id])
    return render_template("comite/seance.html", dossier=dossier, reunion=item, people=people, avis=avis,
                           error=error, error_point=error_point, form=request.form, decisions=list(Decision),
                           statuts=list(PresenceStatut))


def correct_pv(dossier_id, reunion_id):
    dossier = get_dossier(dossier_id)
    _manage(dossier)
    item = _reunion(dossier, reunion_id)
    if item.etat != ReunionEtat.TENUE:
        abort(403, description="Seul le procès-verbal d'une séance enregistrée se corrige.")
    form = CorrectionForm()
    if not form.is_submitted():
        form.observations.data = item.observations
    if form.validate_on_submit():
        try:
            version = seance.correct_pv(item, current_user, observations=form.observations.data, reason=form.motif.data)
            db.session.commit()
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            flash(f"Le procès-verbal corrigé est archivé (version {version.numero}) et envoyé aux membres.", "success")
            return redirect(_reunion_url(item))
    return render_template("comite/form.html", dossier=dossier, form=form, reunion=item,
                           title="Corriger le procès-verbal", submit="Archiver la version corrigée",
                           intro="Le procès-verbal archivé ne change pas\u00a0: la correction en est une nouvelle "
                                 "version, avec son motif, inscrite à l'historique du dossier.")


def give_avis(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    fiche = queries.get_fiche(dossier, numero)
    refusal = avis_refusal(fiche, current_user)
    if refusal:
        abort(403, description=refusal)
    form = AvisForm()
    if form.validate_on_submit():
        try:
            avis_service.give_avis(fiche, current_user, sens=form.sens.data, commentaire=form.commentaire.data,
                                   conditions=form.conditions.data)
            db.session.commit()
        except DomainError as error:
            _refused(form, error)
        else:
            flash(f"Votre avis sur la fiche {fiche.code} est transmis au comité de projet et aux porteurs.", "success")
            return redirect(url_for("projet.fiche", dossier_id=dossier.id, numero=fiche.numero))
    return render_template("comite/form.html", dossier=dossier, form=form, fiche=fiche,
                           title=f"Donner un avis — fiche {fiche.code}", submit="Transmettre l'avis",
                           intro=f"Fiche {fiche} — coût HT {money_fr(fiche.cout_ht)}.")
