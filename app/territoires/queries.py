"""What the communes and EPCI pages show, each in a fixed number of queries.

Which communes are PVD is public (the programme publishes the list); what a dossier
contains is not, so links to dossiers are decided by the dossiers' own scope rule.
"""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune
from app.referentiel.models import CodeHistorique, Commune, Epci


def get_commune(insee: str) -> Commune | None:
    """The commune with its département, région (joined by the models) and EPCI."""
    return db.session.scalar(
        select(Commune).where(Commune.insee == insee).options(joinedload(Commune.epci))
    )


def former_code(code: str) -> CodeHistorique | None:
    return db.session.get(CodeHistorique, code)


def former_communes(insee: str) -> list[CodeHistorique]:
    """The communes déléguées or associées that merged into this one."""
    return db.session.scalars(
        select(CodeHistorique).where(CodeHistorique.commune_insee == insee).order_by(CodeHistorique.nom)
    ).all()


def dossier_of_commune(insee: str) -> Dossier | None:
    return db.session.scalar(
        select(Dossier).join(DossierCommune).where(DossierCommune.commune_insee == insee)
        .order_by(Dossier.id).limit(1)
    )


def pvd_communes(insees: list[str]) -> set[str]:
    """Which of these communes belong to a PVD dossier (one query for a whole page)."""
    if not insees:
        return set()
    return set(db.session.scalars(
        select(DossierCommune.commune_insee).where(DossierCommune.commune_insee.in_(insees))
    ))


def epci_counts(sirens: list[str]) -> dict[str, tuple[int, int]]:
    """SIREN → (number of member communes, how many of them are PVD), in one grouped query."""
    if not sirens:
        return {}
    rows = db.session.execute(
        select(Commune.epci_siren, func.count(Commune.insee), func.count(DossierCommune.commune_insee))
        .outerjoin(DossierCommune, DossierCommune.commune_insee == Commune.insee)
        .where(Commune.epci_siren.in_(sirens))
        .group_by(Commune.epci_siren)
    )
    return {siren: (communes, pvd) for siren, communes, pvd in rows}


def epci_communes(siren: str) -> list[Commune]:
    return db.session.scalars(
        select(Commune).where(Commune.epci_siren == siren).order_by(Commune.nom_recherche, Commune.insee)
    ).all()


def epci_dossiers(siren: str) -> list[Dossier]:
    """PVD dossiers of the EPCI: filed under it, or holding one of its communes."""
    of_members = (
        select(DossierCommune.dossier_id)
        .join(Commune, Commune.insee == DossierCommune.commune_insee)
        .where(Commune.epci_siren == siren)
    )
    return db.session.scalars(
        select(Dossier)
        .where(or_(Dossier.epci_siren == siren, Dossier.id.in_(of_members)))
        .options(selectinload(Dossier.liens_communes).joinedload(DossierCommune.commune))
        .order_by(Dossier.nom, Dossier.id)
    ).all()


def visible_dossier_ids(user, dossiers: list[Dossier]) -> set[int]:
    """The ids among `dossiers` that `user` may open: Dossier.can_view for many, in one query."""
    if not dossiers:
        return set()
    return set(db.session.scalars(
        select(Dossier.id).where(Dossier.id.in_([d.id for d in dossiers]), Dossier.scope_clause(user))
    ))


def get_epci(siren: str) -> Epci | None:
    return db.session.get(Epci, siren)
