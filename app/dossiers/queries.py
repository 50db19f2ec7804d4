"""The home list: the dossiers a user sees, searched and filtered, one page at a time."""
from datetime import date

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.echeance import StatutEcheance as S, open_bounds, programme_end
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import Commune, Departement, Epci
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


def _name_contains(column, key: str):
    return column.contains(key, autoescape=True) if key else false()


def search_condition(q: str):
    """Dossiers matching what the user typed: a commune or EPCI name (accents, case, hyphens and
    "St"/"Ste" ignored, through the search keys of app/referentiel/text.py), an INSEE code, a
    SIREN or the beginning of the dossier's reference."""
    q = q.strip()
    key = search_key(q)
    code = q.replace(" ", "").upper()  # "200 041 523" is how a SIREN is often written
    epcis = select(Epci.siren).where(or_(_name_contains(Epci.nom_recherche, key), Epci.siren == code))
    communes = (
        select(DossierCommune.dossier_id)
        .join(Commune, Commune.insee == DossierCommune.commune_insee)
        .where(or_(_name_contains(Commune.nom_recherche, key), Commune.insee == code,
                   Commune.epci_siren.in_(epcis)))
    )
    return or_(
        func.lower(Dossier.reference).startswith(q.lower(), autoescape=True),
        Dossier.epci_siren.in_(epcis),
        Dossier.id.in_(communes),
    )


def filtered_dossiers(user, q: str = "", departement: str = "", etat: str = "", echeance: str = "",
                      today: date | None = None):
    """The dossiers of the home list for these filters, in the user's scope, unordered and
    without loading options: the exports select their own columns from it."""
    stmt = Dossier.visible_to(user)
    if (q or "").strip():
        stmt = stmt.where(search_condition(q))
    if departement:
        stmt = stmt.where(Dossier.departement_code == departement)
    if etat:
        try:
            stmt = stmt.where(Dossier.etat == DossierEtat(etat))
        except ValueError:
            pass  # an unknown state in the URL filters nothing rather than failing
    if echeance and echeance in S._value2member_map_:
        stmt = stmt.where(echeance_condition(S(echeance), today))
    return stmt


# The home list's order; the index ix_dossier_liste holds these three columns, in this order.
LIST_ORDER = (Dossier.departement_code, Dossier.nom, Dossier.id)


def search_dossiers(user, q: str = "", departement: str = "", etat: str = "", echeance: str = "",
                    today: date | None = None):
    """The ids of the home list's dossiers for these filters, in the list's order: a page of
    them is read from the index alone (app/core/pagination.paginate), then `listed_dossiers`."""
    stmt = filtered_dossiers(user, q, departement, etat, echeance, today)
    return stmt.with_only_columns(Dossier.id).order_by(*LIST_ORDER)


def listed_dossiers(ids):
    """The dossiers whose id is in `ids` (a page of `search_dossiers`), in the list's order,
    with what the list shows of them."""
    return select(Dossier).where(Dossier.id.in_(ids)).options(
        selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune),
        selectinload(Dossier.epci),
    ).order_by(*LIST_ORDER)


def scope_intro(user) -> str:
    """What the home list holds for this user, in words (from the same scope rules)."""
    conditions = Dossier.role_conditions(user)
    if Role.ANCT in conditions:
        return "Tous les dossiers du programme Petites villes de demain."
    if Role.PREFECTURE in conditions:
        return "Les dossiers de votre département."
    return "Les dossiers Petites villes de demain de votre périmètre."


def departements_for(user) -> list[Departement]:
    """The départements the user's dossiers are in: the options of the filter. Asked of each
    département (a hundred probes of an index), not by reading every visible dossier."""
    holds = exists().where(Dossier.departement_code == Departement.code, Dossier.scope_clause(user))
    return db.session.scalars(select(Departement).where(holds).order_by(Departement.code)).all()
