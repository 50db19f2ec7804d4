"""The read-only JSON API, /api/v1/: what a user sees in Jalons, for their own tools.

Authenticated by a personal token (`Authorization: Bearer jalons_…`) and by nothing else:
the views are `token_only`, so the session cookie is neither read nor renewed, and a browser
logged in but without a token gets 401. Hence no CSRF either (and GET only). Every query is
scoped by `Dossier.scope_clause(user)`, the rule of the pages; a row out of scope is 404.
"""
from datetime import date

from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from app.api import openapi, serializers, tokens
from app.api.pages import BadParameter, body, page_of
from app.core.access import token_only
from app.core.db import db
from app.core.formatting import today_in_paris
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.extensions import csrf
from app.projet.models import FicheAction, Indicateur, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation
from app.tableaux.figures import figures
from app.tableaux.niveaux import HorsPerimetre
from app.workflows.states import FicheEtat, FinancementStatut

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

REALM = 'Bearer realm="Jalons"'


def error(status: int, message: str, headers: dict | None = None):
    response = jsonify({"erreur": message, "statut": status})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def unauthorized(invalid: bool):
    challenge = REALM + (', error="invalid_token"' if invalid else "")
    message = ("Jeton inconnu ou révoqué." if invalid else
               "Authentification requise\u00a0: en-tête «\u00a0Authorization: Bearer <jeton>\u00a0».")
    return error(401, message, {"WWW-Authenticate": challenge})


@bp.before_request
def authenticate():
    if request.endpoint == "api.openapi_document":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return unauthorized(invalid=False)
    token = tokens.authenticate(secret.strip())
    if token is None:
        return unauthorized(invalid=True)
    g.api_user = token.user
    retry_after = tokens.count_request(token)
    if retry_after is not None:
        return error(429, "Trop de requêtes pour ce jeton\u00a0: réessayez dans quelques instants.",
                     {"Retry-After": str(retry_after)})
    return None


@bp.after_request
def commit_count(response):
    """The one commit of an API request: its count against the rate limit (it writes nothing else)."""
    db.session.commit()
    response.headers["Vary"] = "Authorization"
    return response


@bp.errorhandler(BadParameter)
def bad_parameter(exc):
    return error(400, str(exc))


@bp.errorhandler(404)
def not_found(exc):
    return error(404, "Ressource introuvable ou hors de votre périmètre.")


@bp.errorhandler(500)
def server_error(exc):
    """JSON, and without the HTML error page (which reads the session's user)."""
    db.session.rollback()
    return error(500, "Erreur interne de Jalons ; réessayez plus tard.")


def _user():
    return g.api_user


def _enum(enum, name):
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise BadParameter(f"{name}\u00a0: valeur inconnue «\u00a0{raw}\u00a0».") from None


def _int(name):
    raw = request.args.get(name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > 10:
        raise BadParameter(f"{name}\u00a0: un identifiant numérique.")
    return int(raw)


def _dossiers():
    return (select(Dossier).where(Dossier.scope_clause(_user()))
            .options(selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune),
                     selectinload(Dossier.epci)))


@bp.get("/openapi.json")
@token_only
def openapi_document():
    """Public: the description of the API is no secret, and tools read it before any token."""
    return jsonify(openapi.document())


@bp.get("/dossiers")
@token_only
def dossiers():
    stmt = _dossiers()
    if departement := request.args.get("departement"):
        stmt = stmt.where(Dossier.departement_code == departement)
    if etat := _enum(DossierEtat, "etat"):
        stmt = stmt.where(Dossier.etat == etat)
    page = page_of(stmt, Dossier.id, lambda d: d.id)
    today = today_in_paris()
    return jsonify(body(page, [serializers.dossier(d, today) for d in page.rows]))


@bp.get("/dossiers/<int:dossier_id>")
@token_only
def dossier(dossier_id):
    row = db.session.scalar(_dossiers().where(Dossier.id == dossier_id))
    if row is None:
        abort(404)
    return jsonify(serializers.dossier(row, today_in_paris()))


@bp.get("/communes")
@token_only
def communes():
    # An alias: the scope's EXISTS clauses name dossier_commune and must not correlate to it.
    lien = aliased(DossierCommune)
    revitalisation = ((CommuneRevitalisation.dossier_id == lien.dossier_id)
                      & (CommuneRevitalisation.commune_insee == lien.commune_insee))
    stmt = (select(lien, Dossier.reference, CommuneRevitalisation)
            .join(Dossier, Dossier.id == lien.dossier_id)
            .outerjoin(CommuneRevitalisation, revitalisation)
            .where(Dossier.scope_clause(_user())))
    if departement := request.args.get("departement"):
        stmt = stmt.where(Dossier.departement_code == departement)
    if dossier_id := _int("dossier"):
        stmt = stmt.where(Dossier.id == dossier_id)
    page = page_of(stmt, lien.commune_insee, lambda r: r[0].commune_insee, integer=False)
    return jsonify(body(page, [serializers.commune(r) for r in page.rows]))


def _fiches():
    return select(FicheAction).join(Dossier, Dossier.id == FicheAction.dossier_id).where(
        Dossier.scope_clause(_user()))


@bp.get("/fiches")
@token_only
def fiches():
    stmt = _fiches()
    if dossier_id := _int("dossier"):
        stmt = stmt.where(FicheAction.dossier_id == dossier_id)
    if etat := _enum(FicheEtat, "etat"):
        stmt = stmt.where(FicheAction.etat == etat)
    page = page_of(stmt, FicheAction.id, lambda f: f.id)
    return jsonify(body(page, [serializers.fiche(f) for f in page.rows]))


@bp.get("/fiches/<int:fiche_id>")
@token_only
def fiche(fiche_id):
    row = db.session.scalar(_fiches().where(FicheAction.id == fiche_id))
    if row is None:
        abort(404)
    return jsonify(serializers.fiche(row))


@bp.get("/financements")
@token_only
def financements():
    stmt = (select(LigneFinancement, FicheAction.dossier_id)
            .join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
            .join(Dossier, Dossier.id == FicheAction.dossier_id)
            .where(Dossier.scope_clause(_user())))
    if dossier_id := _int("dossier"):
        stmt = stmt.where(FicheAction.dossier_id == dossier_id)
    if fiche_id := _int("fiche"):
        stmt = stmt.where(LigneFinancement.fiche_id == fiche_id)
    if statut := _enum(FinancementStatut, "statut"):
        stmt = stmt.where(LigneFinancement.statut == statut)
    page = page_of(stmt, LigneFinancement.id, lambda r: r[0].id)
    return jsonify(body(page, [serializers.ligne(r) for r in page.rows]))


@bp.get("/indicateurs")
@token_only
def indicateurs():
    stmt = (select(Indicateur).join(Dossier, Dossier.id == Indicateur.dossier_id)
            .where(Dossier.scope_clause(_user())).options(selectinload(Indicateur.mesures)))
    if dossier_id := _int("dossier"):
        stmt = stmt.where(Indicateur.dossier_id == dossier_id)
    page = page_of(stmt, Indicateur.id, lambda i: i.id)
    return jsonify(body(page, [serializers.indicateur(i) for i in page.rows]))


@bp.get("/<path:unknown>")
@token_only
def unknown(unknown):
    """Any other address under /api/v1/: a JSON 404 (after the token check), not the login page."""
    abort(404)


@bp.get("/tableau-de-bord")
@token_only
def tableau_de_bord():
    """The dashboard's figures (app/tableaux/figures.py) for a level and a day, scoped like the page."""
    niveau = request.args.get("niveau") or "national"
    if niveau not in ("national", "region", "departement"):
        raise BadParameter(f"niveau\u00a0: valeur inconnue «\u00a0{niveau}\u00a0».")
    code = request.args.get("code") or None
    if niveau != "national" and not code:
        raise BadParameter("code\u00a0: le code de la région ou du département.")
    raw = request.args.get("date")
    try:
        au = date.fromisoformat(raw) if raw else today_in_paris()
    except ValueError:
        raise BadParameter(f"date\u00a0: AAAA-MM-JJ, pas «\u00a0{raw}\u00a0».") from None
    try:
        result = figures(niveau, code if niveau != "national" else None, au, _user())
    except HorsPerimetre as refused:
        if refused.status == 403:
            return error(403, "Pas de tableau de bord à ce niveau pour votre rôle.")
        abort(404)
    return jsonify(result.as_dict())
