"""The chef de projet post (with its cofinancing) and the ORT / OPAH of the dossier's communes."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.auth.models import RoleGrant, User
from app.auth.roles import Role
from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.views import get_dossier
from app.projet import postes, revitalisation
from app.projet.access import can_edit_poste, can_edit_revitalisation
from app.projet.territoire_forms import CofinancementForm, CommuneRevitalisationForm, PosteForm, SecteurForm
from app.projet.territoire_models import PosteChefDeProjet
from app.projet.views_strategie import refused


def _chefs(dossier) -> list[User]:
    """The users holding the chef de projet role on this dossier (to name the post's holder)."""
    return db.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.CHEF_DE_PROJET, RoleGrant.dossier_id == dossier.id,
               RoleGrant.revoked_at.is_(None)).distinct().order_by(User.nom)).all()


def _poste(dossier, poste_id) -> PosteChefDeProjet:
    poste = db.session.scalar(select(PosteChefDeProjet).where(PosteChefDeProjet.id == poste_id,
                                                              PosteChefDeProjet.dossier_id == dossier.id))
    if poste is None:
        abort(404)
    return poste


def postes_page(dossier_id):
    dossier = get_dossier(dossier_id)
    items = postes.postes_of(dossier)
    limits = postes.caps()
    years = {}
    for poste in items:
        years[poste.id] = []
        for annee in postes.years(poste, limits):
            lines = [c for c in poste.cofinancements if c.annee == annee]
            anah = any(c.financeur == "anah" and c.montant > 0 for c in lines)
            years[poste.id].append((annee, lines, sum(c.montant for c in lines), postes.cap_for(poste, annee, anah, limits)))
    return render_template("projet/postes.html", dossier=dossier, postes=items, years=years, limits=limits,
                           names=dossier.collectivite_names(), can_edit=can_edit_poste(dossier, current_user),
                           forms={p.id: cofinancement_form(p, formdata=None) for p in items})


def cofinancement_form(poste, **kwargs) -> CofinancementForm:
    """One form per post on the page: its fields carry the post's id (unique labels and ids)."""
    return CofinancementForm(prefix=f"poste-{poste.id}", **kwargs)


def edit_poste(dossier_id, poste_id=None):
    dossier = get_dossier(dossier_id)
    if not can_edit_poste(dossier, current_user):
        abort(403)
    poste = _poste(dossier, poste_id) if poste_id else None
    form = PosteForm(obj=poste)
    form.fill_choices(dossier, _chefs(dossier))
    if form.validate_on_submit():
        try:
            if poste is None:
                postes.create_poste(dossier, current_user, **form.values())
            else:
                postes.update_poste(poste, dossier, current_user, **form.values())
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("Le poste de chef de projet est enregistré.", "success")
            return redirect(url_for("projet.postes", dossier_id=dossier.id))
    title = "Modifier le poste de chef de projet" if poste else "Nouveau poste de chef de projet"
    return render_template("projet/form.html", dossier=dossier, form=form, title=title, submit="Enregistrer")


def set_cofinancement(dossier_id, poste_id):
    dossier = get_dossier(dossier_id)
    if not can_edit_poste(dossier, current_user):
        abort(403)
    poste = _poste(dossier, poste_id)
    form = cofinancement_form(poste)
    if form.validate_on_submit():
        try:
            postes.set_cofinancement(poste, dossier, current_user, annee=form.annee.data,
                                     financeur=form.financeur.data, montant=form.montant.data)
            db.session.commit()
        except DomainError as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            flash("Le cofinancement est enregistré.", "success")
    else:
        flash("Indiquez l'année, le cofinanceur et un montant valable.", "error")
    return redirect(url_for("projet.postes", dossier_id=dossier.id, _anchor=f"poste-{poste.id}"))


def revitalisation_page(dossier_id):
    dossier = get_dossier(dossier_id)
    rows = revitalisation.rows_of(dossier)
    return render_template("projet/revitalisation.html", dossier=dossier,
                           communes=[(c, rows[c.insee]) for c in dossier.communes],
                           secteurs=revitalisation.secteurs_of(dossier),
                           can_edit=can_edit_revitalisation(dossier, current_user))


def edit_commune(dossier_id, insee):
    dossier = get_dossier(dossier_id)
    if not can_edit_revitalisation(dossier, current_user):
        abort(403)
    rows = revitalisation.rows_of(dossier)
    if insee not in rows:
        abort(404)
    form = CommuneRevitalisationForm(obj=rows[insee])
    if form.validate_on_submit():
        try:
            revitalisation.update_commune(dossier, insee, current_user, ort_engagee_le=form.ort_engagee_le.data,
                                          opah_type=form.opah_type.data, opah_phase=form.opah_phase.data,
                                          opah_depuis_le=form.opah_changement_le.data)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("L'ORT et l'OPAH de la commune sont enregistrées.", "success")
            return redirect(url_for("projet.revitalisation", dossier_id=dossier.id))
    commune = next(c for c in dossier.communes if c.insee == insee)
    return render_template("projet/form.html", dossier=dossier, form=form, submit="Enregistrer",
                           title=f"ORT et OPAH — {commune.nom}")


def new_secteur(dossier_id):
    dossier = get_dossier(dossier_id)
    if not can_edit_revitalisation(dossier, current_user):
        abort(403)
    form = SecteurForm()
    form.commune_insee.choices = [SelectChoice("", "— Choisir —")] + [SelectChoice(c.insee, c.nom)
                                                                       for c in dossier.communes]
    if form.validate_on_submit():
        try:
            revitalisation.add_secteur(dossier, current_user, commune_insee=form.commune_insee.data,
                                       nom=form.nom.data, description=form.description.data)
            db.session.commit()
        except DomainError as refusal:
            refused(form, refusal)
        else:
            flash("Le secteur d'intervention est créé.", "success")
            return redirect(url_for("projet.revitalisation", dossier_id=dossier.id, _anchor="secteurs"))
    return render_template("projet/form.html", dossier=dossier, form=form, submit="Créer le secteur",
                           title="Nouveau secteur d'intervention de l'ORT")
