"""The dashboards: a level (national, région, département) at a day, the lists behind its
figures, and its "point d'avancement" report (app/tableaux/rapports.py)."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination

from app.core.db import db
from app.core.formatting import today_in_paris
from app.core.pagination import MAX_PAGE, requested_page
from app.core.storage import get_storage
from app.projet import financeurs
from app.projet.territoire_models import OpahType
from app.tableaux import carte as cartes, courbes, listes
from app.tableaux.figures import STATUTS, compute
from app.tableaux.niveaux import NATIONAL, HorsPerimetre, default_level, levels_offered, resolve
from app.tableaux.models import RapportDemande, RapportEtat
from app.tableaux.rapports import request_report
from app.workflows.states import FicheEtat, FinancementStatut

bp = Blueprint("tableaux", __name__, url_prefix="/tableaux")

FIRST_DAY = courbes.START


class RowPagination(SelectPagination):
    """A page of a SELECT of several columns (Flask-SQLAlchemy's keeps the first one only)."""

    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def day_asked() -> date:
    return day_from(request.args.get("au"))


def day_from(raw: str | None) -> date:
    """`AAAA-MM-JJ`, between the programme's start and today; today otherwise (said)."""
    today, raw = today_in_paris(), (raw or "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        flash("Cette date n'est pas valide\u00a0: voici les chiffres d'aujourd'hui.", "warning")
        return today
    if day < FIRST_DAY or day > today:
        flash(f"Choisissez une date entre le {FIRST_DAY:%d/%m/%Y} et aujourd'hui\u00a0: voici les "
              "chiffres d'aujourd'hui.", "warning")
        return today
    return day


def level_or_abort(kind: str, code: str | None):
    try:
        return resolve(current_user, kind, code)
    except HorsPerimetre as refused:
        abort(refused.status)


def level_url(kind: str, code: str | None, **args) -> str:
    if kind == NATIONAL:
        return url_for("tableaux.national", **args)
    return url_for("tableaux.territoire", niveau=kind, code=code, **args)


@bp.app_template_global("tableau_url")
def _tableau_url(kind, code, **args):
    return level_url(kind, code, **args)


@bp.route("/")
def index():
    """The user's default level, or the one chosen in the form (`territoire=region:75`)."""
    try:
        kind, code = default_level(current_user)
    except HorsPerimetre as refused:
        abort(refused.status)
    chosen = request.args.get("territoire", "")
    if chosen:
        kind, _, code = chosen.partition(":")
        code = code or None
    args = {k: v for k, v in request.args.items() if k in ("au", "indicateur") and v}
    return redirect(level_url(kind, code, **args))


def render_dashboard(kind: str, code: str | None):
    level = level_or_abort(kind, code)
    au = day_asked()
    figures = compute(level, au, current_user)
    indicateur = request.args.get("indicateur", "pct_cadre")
    carte = cartes.carte(figures.par_departement, indicateur, national=level.kind == NATIONAL)
    return render_template(
        "tableaux/tableau.html", level=level, au=au, today=today_in_paris(), figures=figures,
        courbes=courbes.courbes(level, au, current_user), carte=carte, indicateurs=cartes.INDICATEURS,
        offered=levels_offered(current_user), first_day=FIRST_DAY, source=cartes.SOURCE,
        insets=cartes.insets(), statuts=STATUTS,
        opah_labels={t.value: t.label for t in OpahType}, fiche_labels={e.value: e.label for e in FicheEtat},
    )


@bp.route("/national")
def national():
    return render_dashboard(NATIONAL, None)


@bp.route("/<any(region, departement):niveau>/<code>")
def territoire(niveau, code):
    return render_dashboard(niveau, code)


def _precision(args) -> str:
    """The list's filters, in words."""
    words = [args.get("financeur", "")]
    for key, states in (("statut", FinancementStatut), ("etat", FicheEtat), ("type", OpahType)):
        if args.get(key) in states._value2member_map_:
            words.append(states(args[key]).label)
    return ", ".join(w for w in words if w)


@bp.route("/liste")
def liste():
    """The list behind a figure: `niveau`, `code`, `nom`, `au` and its filters in the query
    string (so that the pagination keeps them)."""
    niveau, nom = request.args.get("niveau", ""), request.args.get("nom", "")
    level = level_or_abort(niveau, request.args.get("code") if niveau != NATIONAL else None)
    au = day_asked()
    stmt = listes.statement(nom, level, au, current_user, request.args)
    if stmt is None:
        abort(404)
    number = requested_page(request.args.get("page")) or 1
    page = RowPagination(select=stmt, session=db.session, page=min(number, MAX_PAGE), per_page=50,
                         error_out=False)
    return render_template("tableaux/liste.html", level=level, au=au, liste=listes.LISTES[nom], page=page,
                           precision=_precision(request.args), fiche_label=lambda v: FicheEtat(v).label,
                           statut_label=lambda v: FinancementStatut(v).label,
                           source_label=lambda code: financeurs.source(code).label)


@bp.route("/national/rapport", methods=["POST"], defaults={"niveau": NATIONAL, "code": None})
@bp.route("/<any(region, departement):niveau>/<code>/rapport", methods=["POST"])
def rapport(niveau, code):
    """Ask for the report of a level at a day: the PDF at once, or word that it is coming."""
    level = level_or_abort(niveau, code)
    au = day_from(request.form.get("au"))
    row = request_report(level, au, current_user)
    db.session.commit()
    if row.etat == RapportEtat.PRET:
        return redirect(url_for("tableaux.rapport_pdf", rapport_id=row.id))
    flash("Le rapport est en préparation\u00a0: vous le trouverez dans vos notifications dans quelques "
          "minutes.", "info")
    return redirect(level_url(level.kind, level.code, au=au.isoformat()))


@bp.route("/rapports/<int:rapport_id>.pdf")
def rapport_pdf(rapport_id):
    """A ready report, for anyone who may see its level (the PDF is the same for all)."""
    row = db.session.get(RapportDemande, rapport_id)
    if row is None or row.etat not in (RapportEtat.PRET, RapportEtat.EXPIRE):
        abort(404)
    level_or_abort(row.niveau, row.code)
    if row.etat == RapportEtat.EXPIRE:  # a link of an old notification
        flash(f"Ce rapport n'est plus disponible\u00a0: un rapport préparé est gardé "
              f"{current_app.config['PREPARED_FILES_DAYS']}\u00a0jours. Demandez-le à nouveau ici.", "info")
        return redirect(level_url(row.niveau, row.code, au=row.au.isoformat()), 303)
    stream = get_storage().open(row.fichier)
    return send_file(stream, mimetype="application/pdf", as_attachment=True, download_name=row.filename)
