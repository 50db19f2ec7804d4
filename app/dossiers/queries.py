"""The home list: the dossiers a user sees, searched and filtered, one page at a time."""
from datetime import date

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.echeance import StatutEcheance as S, open_bounds, programme_end
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import Commune, Departement
from app.referentiel.text import search_key

CLOSED = (DossierEtat.SORTI, DossierEtat.CLOTURE)


def open_rule():
    """Dossiers the 18-month rule is running for: adhésion signed, cadre not yet, still in."""
    return and_(Dossier.echeance_cadre.is_not(None), Dossier.cadre_signee_le.is_(None),
                Dossier.etat.not_in(CLOSED))


def echeance_condition(status: S, today: date, end: date | None = None):
    """SQL for "the dossier's 18-month status is `status` today" (app/dossiers/echeance.py);
    `end`: the end of the programme (default: the setting)."""
    end = end or programme_end()
    if status == S.RESPECTEE:
        return Dossier.cadre_signee_le <= Dossier.echeance_cadre
    if status == S.SIGNEE_HORS_DELAI:
        return Dossier.cadre_signee_le > Dossier.echeance_cadre
    if status == S.AU_DELA_FIN_PROGRAMME:
        return and_(open_rule(), Dossier.echeance_cadre > end)
    low, high = open_bounds(status, today)
    conditions = [open_rule(), Dossier.echeance_cadre <= end]
    if low is not None:
        conditions.append(Dossier.echeance_cadre >= low)
    if high is not None:
        conditions.append(Dossier.echeance_cadre < high)
    return and_(*conditions)


def search_dossiers(user, q: str = "", departement: str = "", etat: str = "", echeance: str = "",
                    today: date | None = None):
    stmt = Dossier.visible_to(user)
    q = (q or "").strip()
    if q:
        # Accents and case ignored, through the communes' search keys (app/referentiel/text.py).
        key = search_key(q)
        matching = (
            select(DossierCommune.dossier_id)
            .join(Commune, Commune.insee == DossierCommune.commune_insee)
            .where(or_(Commune.nom_recherche.contains(key, autoescape=True) if key else false(),
                       Commune.insee == q.upper()))
        )
        stmt = stmt.where(or_(Dossier.reference == q, Dossier.id.in_(matching)))
    if departement:
        stmt = stmt.where(Dossier.departement_code == departement)
    if etat:
        try:
            stmt = stmt.where(Dossier.etat == DossierEtat(etat))
        except ValueError:
            pass  # an unknown state in the URL filters nothing rather than failing
    if echeance and echeance in S._value2member_map_:
        stmt = stmt.where(echeance_condition(S(echeance), today))
    return stmt.options(
        selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune),
        selectinload(Dossier.epci),
    ).order_by(Dossier.departement_code, Dossier.nom, Dossier.id)


def scope_intro(user) -> str:
    """What the home list holds for this user, in words (from the same scope rules)."""
    conditions = Dossier.role_conditions(user)
    if Role.ANCT in conditions:
        return "Tous les dossiers du programme Petites villes de demain."
    if Role.PREFECTURE in conditions:
        return "Les dossiers de votre département."
    return "Les dossiers Petites villes de demain de votre périmètre."


def departements_for(user) -> list[Departement]:
    """The départements the user's dossiers are in: the options of the filter."""
    codes = Dossier.visible_to(user).with_only_columns(Dossier.departement_code).distinct()
    return db.session.scalars(
        select(Departement).where(Departement.code.in_(codes)).order_by(Departement.code)
    ).all()
