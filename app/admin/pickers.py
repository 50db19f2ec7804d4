"""The choices the role form offers as the admin types: communes, EPCI and dossiers come from
a JSON endpoint (tens of thousands of rows), départements and régions are listed whole in
the page. Every choice is written "Name (code)", which app/admin/scopes.py reads back.
"""
from sqlalchemy import select

from app.core.db import db
from app.dossiers.models import Dossier, DossierCommune
from app.dossiers.queries import search_condition
from app.referentiel.models import Commune, Departement, Region
from app.referentiel.search import search_communes, search_epcis

LIMIT = 20
PVD = "Petite ville de demain"
EPCI_PVD = "avec des Petites villes de demain"
NOT_PVD = "sans dossier PVD"


def _option(value: str, label: str, pvd: bool | None = None) -> dict:
    option = {"value": value, "label": label}
    if pvd is not None:
        option["pvd"] = pvd
    return option


def commune_options(q: str) -> list[dict]:
    communes = db.session.scalars(search_communes(q).limit(LIMIT)).all()
    pvd = set(db.session.scalars(
        select(DossierCommune.commune_insee)
        .where(DossierCommune.commune_insee.in_([c.insee for c in communes]))
    ))
    return [
        _option(f"{c.nom} ({c.insee})", f"{c.departement} — {PVD if c.insee in pvd else NOT_PVD}",
                c.insee in pvd)
        for c in communes
    ]


def epci_options(q: str) -> list[dict]:
    epcis = db.session.scalars(search_epcis(q).limit(LIMIT)).all()
    sirens = [e.siren for e in epcis]
    pvd = set(db.session.scalars(select(Dossier.epci_siren).where(Dossier.epci_siren.in_(sirens))))
    pvd |= set(db.session.scalars(
        select(Commune.epci_siren)
        .join(DossierCommune, DossierCommune.commune_insee == Commune.insee)
        .where(Commune.epci_siren.in_(sirens))
    ))
    return [
        _option(f"{e.nom} ({e.siren})", EPCI_PVD if e.siren in pvd else NOT_PVD, e.siren in pvd)
        for e in epcis
    ]


def dossier_options(q: str) -> list[dict]:
    dossiers = db.session.scalars(
        select(Dossier).where(search_condition(q)).order_by(Dossier.nom, Dossier.id).limit(LIMIT)
    ).all()
    return [_option(f"{d.nom} ({d.reference})", str(d.departement)) for d in dossiers]


SEARCHED = {"communes": commune_options, "epci": epci_options, "dossiers": dossier_options}


def options(kind: str, q: str) -> list[dict] | None:
    """Up to LIMIT choices of `kind` for what was typed; None for an unknown kind."""
    if kind not in SEARCHED:
        return None
    q = (q or "").strip()
    # "Jonzac (17197)" is a choice already made: offer it again among its namesakes.
    if q.endswith(")") and "(" in q:
        q = q[:q.rindex("(")].strip()
    return SEARCHED[kind](q) if len(q) >= 2 else []


def departement_choices() -> list[str]:
    return [f"{d.nom} ({d.code})" for d in db.session.scalars(select(Departement).order_by(Departement.code))]


def region_choices() -> list[str]:
    return [f"{r.nom} ({r.code})" for r in db.session.scalars(select(Region).order_by(Region.nom))]
