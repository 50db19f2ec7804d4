"""The plan d'action page, axes stratégiques, indicators and their measured values."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.views import get_dossier
from app.projet import queries, services
from app.projet.access import can_edit_projet
from app.projet.forms import AxeForm, IndicateurForm, MesureForm


def refused(form, refusal: DomainError) -> None:
    db.session.rollback()
    form.form_errors.append(str(refusal))


def plan(dossier_id):
    dossier = get_dossier(dossier_id)
    roles = dossier.roles_of(current_user)
    page = queries.fiches_page(dossier, current_app.config["PAGE_SIZE"])
    return render_template(
        "projet/plan.html", dossier=dossier, axes=queries.axes_of(dossier), page=page,
        amounts=queries.amounts(f.id for f in page.items), can_edit=can_edit_projet(dossier, current_user, roles),
    )


def new_axe(dossier_id):
    dossier = get_dossier(dossier_id)
    if not can_edit_projet(dossier, current_user):
        abort(403)
    form = AxeForm()
    del form.ordre
    if form.validate_on_submit():
        try:
            axe = services.create_axe(dossier, current_user, titre=form.titre.data, enjeux=form.enjeux.data)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash(f"L'axe {axe.ordre} est créé. Ajoutez-lui ses indicateurs.", "success")
            return redirect(url_for("projet.plan", dossier_id=dossier.id, _anchor=f"axe-{axe.id}"))
    return render_template("projet/form.html", dossier=dossier, form=form, title="Nouvel axe stratégique",
                           submit="Créer l'axe")


def edit_axe(dossier_id, axe_id):
    dossier = get_dossier(dossier_id)
    axe = queries.get_axe(dossier, axe_id)
    if not can_edit_projet(dossier, current_user):
        abort(403)
    form = AxeForm(obj=axe)
    if form.validate_on_submit():
        try:
            services.update_axe(axe, current_user, titre=form.titre.data, enjeux=form.enjeux.data,
                                ordre=form.ordre.data or axe.ordre)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("L'axe est enregistré.", "success")
            return redirect(url_for("projet.plan", dossier_id=dossier.id, _anchor=f"axe-{axe.id}"))
    return render_template("projet/form.html", dossier=dossier, form=form, title=f"Modifier l'axe {axe.ordre}",
                           submit="Enregistrer")


def new_indicateur(dossier_id, axe_id):
    dossier = get_dossier(dossier_id)
    axe = queries.get_axe(dossier, axe_id)
    if not can_edit_projet(dossier, current_user):
        abort(403)
    form = IndicateurForm()
    if form.validate_on_submit():
        try:
            indicateur = services.create_indicateur(dossier, current_user, axe=axe, **_indicateur_values(form))
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("L'indicateur est créé.", "success")
            return redirect(url_for("projet.indicateur", dossier_id=dossier.id, indicateur_id=indicateur.id))
    return render_template("projet/form.html", dossier=dossier, form=form,
                           title=f"Nouvel indicateur de l'axe {axe.ordre}", submit="Créer l'indicateur")


def _indicateur_values(form) -> dict:
    return {name: form[name].data for name in ("nom", "type", "unite", "valeur_initiale", "date_initiale",
                                               "cible", "date_cible")}


def indicateur(dossier_id, indicateur_id):
    """An indicator, its measures, and (for its writers) the form to record a new one."""
    dossier = get_dossier(dossier_id)
    item = queries.get_indicateur(dossier, indicateur_id)
    roles = dossier.roles_of(current_user)
    if item.fiche is not None:
        item.fiche.dossier = dossier
        can_measure = item.fiche.can_follow(current_user, roles)
    else:
        can_measure = can_edit_projet(dossier, current_user, roles)
    form = MesureForm()
    if form.is_submitted():
        if not can_measure:
            abort(403)
        if form.validate():
            try:
                services.add_mesure(item, current_user, mesure_le=form.mesure_le.data, valeur=form.valeur.data,
                                    source=form.source.data)
                db.session.commit()
            except DomainError as refusal:
                refused(form, refusal)
            else:
                flash("La mesure est enregistrée.", "success")
                return redirect(url_for("projet.indicateur", dossier_id=dossier.id, indicateur_id=item.id))
    return render_template("projet/indicateur.html", dossier=dossier, indicateur=item, form=form,
                           can_measure=can_measure)
