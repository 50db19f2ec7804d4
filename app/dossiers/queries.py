"""The home list: the dossiers a user sees, searched and filtered, one page at a time."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import Commune, Departement


def search_dossiers(user, q: str = "", departement: str = "", etat: str = ""):
    stmt = Dossier.visible_to(user)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        matching = (
            select(DossierCommune.dossier_id)
            .join(Commune, Commune.insee == DossierCommune.commune_insee)
            .where(or_(db.func.lower(Commune.nom).like(like), Commune.insee == q))
        )
        stmt = stmt.where(
            or_(db.func.lower(Dossier.nom).like(like), Dossier.reference == q, Dossier.id.in_(matching))
        )
    if departement:
        stmt = stmt.where(Dossier.departement_code == departement)
    if etat:
        try:
            stmt = stmt.where(Dossier.etat == DossierEtat(etat))
        except ValueError:
            pass  # an unknown state in the URL filters nothing rather than failing
    return stmt.options(
        selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune),
        selectinload(Dossier.epci),
    ).order_by(Dossier.departement_code, Dossier.nom, Dossier.id)


def departements_for(user) -> list[Departement]:
    """The départements the user's dossiers are in: the options of the filter."""
    codes = Dossier.visible_to(user).with_only_columns(Dossier.departement_code).distinct()
    return db.session.scalars(
        select(Departement).where(Departement.code.in_(codes)).order_by(Departement.code)
    ).all()
