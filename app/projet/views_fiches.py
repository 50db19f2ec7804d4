"""Fiche action pages: create, follow, edit, act (the dossiers' one action page), its financing
plan and progress notes."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.core.db import db
from app.core.errors import ConflictError, DomainError
from app.core.formatting import today_in_paris
from app.documents.models import Etape
from app.dossiers.actions import ActionPage, SignedFile, action_page
from app.dossiers.views import get_dossier
from app.projet import fiches, lifecycle, queries, services
from app.projet.access import can_edit_projet
from app.projet.forms import FicheForm, IndicateurForm, LigneForm, LigneStepForm, NoteForm
from app.projet.views_strategie import _indicateur_values, refused
from app.workflows.fiche import COMITE
from app.workflows.history import timeline


def _fiche_url(fiche, **kw) -> str:
    return url_for("projet.fiche", dossier_id=fiche.dossier_id, numero=fiche.numero, **kw)


def new_fiche(dossier_id):
    dossier = get_dossier(dossier_id)
    if not can_edit_projet(dossier, current_user):
        abort(403)
    form = FicheForm()
    form.fill_choices(dossier, queries.axes_of(dossier, measures=False))
    if form.validate_on_submit():
        try:
            fiche = fiches.create_fiche(dossier, current_user, **form.values())
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash(f"La fiche action {fiche.code} est créée en brouillon.", "success")
            return redirect(_fiche_url(fiche))
    return render_template("projet/fiche_form.html", dossier=dossier, form=form, title="Nouvelle fiche action",
                           submit="Créer la fiche")


def edit_fiche(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    fiche = queries.get_fiche(dossier, numero)
    if not fiche.can_edit(current_user):
        abort(403)
    form = FicheForm()
    form.fill_choices(dossier, queries.axes_of(dossier, measures=False))
    if not form.is_submitted():
        form.load(fiche)
    if form.validate_on_submit():
        try:
            fiches.update_fiche(fiche, current_user, expected_version=form.version.data, **form.values())
            db.session.commit()
        except ConflictError as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return redirect(_fiche_url(fiche))
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("La fiche est enregistrée.", "success")
            return redirect(_fiche_url(fiche))
    return render_template("projet/fiche_form.html", dossier=dossier, form=form, fiche=fiche,
                           title=f"Modifier la fiche {fiche.code}", submit="Enregistrer")


def fiche(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero, full=True)
    roles = dossier.roles_of(current_user)
    couvert = lifecycle.couverture(item)
    return render_template(
        "projet/fiche.html", dossier=dossier, fiche=item, roles=roles, couvert=couvert,
        gap=max((item.cout_ht or 0) - couvert, 0), names=dossier.collectivite_names(), comite=COMITE,
        choices=lifecycle.available_actions(item, current_user, roles=roles),
        line_choices={line.id: lifecycle.line_actions(line, current_user, roles) for line in item.lignes},
        can_edit=item.can_edit(current_user, roles), can_plan=item.can_plan_financing(current_user, roles),
        can_follow=item.can_follow(current_user, roles), note_form=NoteForm(formdata=None),
        step_form=LigneStepForm(formdata=None), today=today_in_paris(),
        timeline=timeline(dossier.id, "fiche_action", item.id),
    )


def act(dossier_id, numero, event):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    rule = lifecycle.MACHINE.events.get(event)
    page = ActionPage(
        title=f"{rule.label} — {item.code}" if rule else event, back=_fiche_url(item),
        signed_file=SignedFile(Etape.SUIVI, f"Fiche action {item.code}"),
        state=lambda: item.etat.label, parent=(f"Fiche {item.code}", _fiche_url(item)),
        intro=("Décision du comité de projet, enregistrée par le chef de projet." if rule and rule.roles == COMITE else ""),
    )
    return action_page(dossier, item, lifecycle.MACHINE, event, page)


def new_line(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    if not item.can_plan_financing(current_user):
        abort(403)
    form = LigneForm()
    if form.validate_on_submit():
        try:
            fiches.add_line(item, current_user, source=form.source.data, annee=form.annee.data,
                            montant=form.montant.data, precision=form.precision.data)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("Le financement est ajouté au plan de financement.", "success")
            return redirect(_fiche_url(item, _anchor="financement"))
    return render_template("projet/form.html", dossier=dossier, form=form, fiche=item,
                           title=f"Ajouter un financement — {item.code}", submit="Ajouter")


def edit_line(dossier_id, numero, line_id):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    line = queries.get_line(item, line_id)
    if not line.can_edit(current_user):
        abort(403)
    form = LigneForm(obj=line)
    if form.validate_on_submit():
        try:
            fiches.update_line(line, current_user, source=form.source.data, annee=form.annee.data,
                               montant=form.montant.data, precision=form.precision.data)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("Le financement est enregistré.", "success")
            return redirect(_fiche_url(item, _anchor="financement"))
    return render_template("projet/form.html", dossier=dossier, form=form, fiche=item,
                           title=f"Modifier un financement — {item.code}", submit="Enregistrer")


def line_step(dossier_id, numero, line_id):
    """A step of a financing line (requested, granted, refused, paid), from the fiche page."""
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    line = queries.get_line(item, line_id)
    form = LigneStepForm()
    event = form.event.data
    if event not in lifecycle.FINANCEMENT.events:
        abort(404)
    if not lifecycle.FINANCEMENT.can_fire(line, event, current_user):
        abort(403)
    if not form.validate_on_submit():
        flash("Indiquez une date valable (jj/mm/aaaa) pour cette étape du financement.", "error")
        return redirect(_fiche_url(item, _anchor="financement"))
    try:
        lifecycle.fire_line(line, event, current_user, expected_version=form.version.data,
                            effective_date=form.effective_date.data)
        db.session.commit()
    except DomainError as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        flash(f"« {lifecycle.FINANCEMENT.events[event].label} » est enregistré.", "success")
    return redirect(_fiche_url(item, _anchor="financement"))


def add_note(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    if not item.can_follow(current_user):
        abort(403)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            fiches.add_note(item, current_user, texte=form.texte.data, avancement=form.avancement.data)
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            flash("La note d'avancement est enregistrée.", "success")
    else:
        flash("Écrivez la note d'avancement (l'avancement est un pourcentage de 0 à 100).", "error")
    return redirect(_fiche_url(item, _anchor="avancement"))


def new_fiche_indicateur(dossier_id, numero):
    dossier = get_dossier(dossier_id)
    item = queries.get_fiche(dossier, numero)
    if not item.can_follow(current_user):
        abort(403)
    form = IndicateurForm()
    if form.validate_on_submit():
        try:
            indicateur = services.create_indicateur(dossier, current_user, fiche=item, **_indicateur_values(form))
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("L'indicateur de la fiche est créé.", "success")
            return redirect(url_for("projet.indicateur", dossier_id=dossier.id, indicateur_id=indicateur.id))
    return render_template("projet/form.html", dossier=dossier, form=form, fiche=item,
                           title=f"Nouvel indicateur — {item.code}", submit="Créer l'indicateur")
